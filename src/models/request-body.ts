/**
 * Turns validated parameters and an image into the exact JSON body Segmind receives.
 *
 * The body is rebuilt in the spec's field order from the model's fields, so what leaves is exactly what
 * the spec describes: no stray keys, numbers as numbers (a seed such as 4898558797 stays a JSON integer),
 * and the image where the spec puts it.
 */
import { AppError } from '../domain/errors';
import type { ModelParams, ModelSpec } from './field-spec';
import { validateParams } from './validate-params';

/** The JSON body of a generation request. Serialise with JSON.stringify. */
export type RequestBody = Record<string, string | number | boolean>;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const HTTP_URL = /^https?:\/\/\S+$/i;
const DATA_URL_PREFIX = /^data:[^,]*;base64,/i;

/**
 * Segmind takes an image as a public URL or as the raw base64 of the file, without a `data:` prefix. A
 * data URL is unwrapped here, because it is a common way to hold an image and the mistake is easy to make.
 * Throws INVALID_INPUT for anything else.
 */
export function normaliseImageInput(image: string): string {
  const text = image.trim();
  if (HTTP_URL.test(text)) return text;
  const base64 = text.replace(DATA_URL_PREFIX, '');
  if (base64.length === 0 || base64.length % 4 !== 0 || !BASE64.test(base64)) {
    throw new AppError('INVALID_INPUT', 'The image must be a web address or the base64 of an image file.');
  }
  return base64;
}

/**
 * The pictures a request carries, by what they are for: the pose (a pose sheet or pose picture) and the
 * character (the character's reference image). Each is raw base64 of the file, a data URL, or a public
 * http(s) URL. A model takes the ones it has fields for (V1: the pose as `image`; V3: the character as
 * `ip_image` and the pose, optional, as `input_image`; consistent-character: the character as `subject`).
 */
export interface RequestImages {
  readonly pose?: string | undefined;
  readonly character?: string | undefined;
}

/**
 * @param params the form's values, validated again here (a job may come from disk or an old preset).
 * @param images the pictures by role; a bare string is the pose (the only picture V1 takes).
 * @throws AppError INVALID_INPUT (detail.issues lists each field, a missing required picture included)
 *   or UNSUPPORTED for a data-only model.
 */
export function buildRequestBody(
  model: ModelSpec,
  params: Readonly<Record<string, unknown>>,
  images: string | RequestImages,
): RequestBody {
  if (model.status !== 'supported') {
    throw new AppError('UNSUPPORTED', `${model.name} cannot be used to generate yet.`);
  }
  const byRole: RequestImages = typeof images === 'string' ? { pose: images } : images;
  const checked = validateParams(model, params);
  const issues = checked.ok ? [] : [...checked.issues];
  const imageValues = new Map<string, string>();
  for (const field of model.fields) {
    if (field.type !== 'image') continue;
    const given = byRole[field.role];
    if (given === undefined || given.trim() === '') {
      if (field.required) issues.push({ field: field.name, message: `${field.label} is required.` });
      continue;
    }
    imageValues.set(field.name, normaliseImageInput(given));
  }
  if (!checked.ok || issues.length > 0) {
    throw new AppError('INVALID_INPUT', 'Some settings are not valid.', { issues });
  }
  const body: RequestBody = {};
  for (const field of model.fields) {
    if (field.type === 'image') {
      const value = imageValues.get(field.name);
      if (value !== undefined) body[field.name] = value;
    } else {
      const value = checked.values[field.name];
      if (value !== undefined) body[field.name] = value;
    }
  }
  return body;
}

/** The body without its images, for a receipt (which describes the image instead of repeating it). */
export function bodyWithoutImages(
  model: ModelSpec,
  body: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const images = new Set(model.fields.filter((f) => f.type === 'image').map((f) => f.name));
  return Object.fromEntries(Object.entries(body).filter(([key]) => !images.has(key)));
}

/**
 * How many times larger than the pose sheet the result is, figure for figure (V1: `upscale_by`), or null
 * when the model's output size does not follow its input. Cutting a result back into poses relies on it.
 */
export function outputScale(model: ModelSpec, params: Readonly<ModelParams>): number | null {
  if (model.outputScaleField === null) return null;
  const value = params[model.outputScaleField];
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

/**
 * The stand-in's reading of SEGMIND_API.md section 4: V1's siblings on the same synchronous v1 API.
 * Written independently of src/models on purpose (like segmind-stand-in-body.ts): a registry that got a
 * name, a range or a type wrong must be refused here, not agreed with.
 *
 * How each answers (the spec says "returns an image" for V3; for the others the stand-in makes the
 * smallest assumption that lets several pictures come back from one synchronous run):
 * - one picture: the picture itself, in the model's format;
 * - several pictures (`samples`, `number_of_outputs` x `number_of_images_per_pose`), or `base_64: true`:
 *   JSON `{"images": ["<base64>", ...]}`.
 * Validation answers 422 (types, ranges, missing or unknown fields, a `data:` prefix); a picture that
 * does not decode answers 500 once the run has started, like V1.
 */
import sharp from 'sharp';

type Rule =
  | { type: 'string'; required: boolean }
  | { type: 'image'; required: boolean }
  | { type: 'boolean'; required: boolean }
  | { type: 'int' | 'float'; required: boolean; min?: number; max?: number }
  | { type: 'enum'; required: boolean; values: readonly string[] };

export interface SiblingModel {
  readonly path: string;
  readonly cost: number;
  readonly rules: Readonly<Record<string, Rule>>;
  /** How many pictures a run with this body makes. */
  outputs(body: Readonly<Record<string, unknown>>): number;
  /** The format of the pictures. */
  format(body: Readonly<Record<string, unknown>>): 'jpeg' | 'png' | 'webp';
}

const opt = <R extends Rule>(rule: R): R => ({ ...rule, required: false });
const req = <R extends Rule>(rule: R): R => ({ ...rule, required: true });
const int = (min?: number, max?: number): Rule => ({ type: 'int', required: false, min, max });
const num = (body: Readonly<Record<string, unknown>>, name: string, fallback: number): number =>
  typeof body[name] === 'number' ? body[name] : fallback;

export const STAND_IN_V3_PATH = '/v1/consistent-character-AI-neolemon-v3';
export const STAND_IN_WITH_POSE_PATH = '/v1/consistent-character-with-pose';
export const STAND_IN_WORKFLOW_PATH = '/v1/consistent-character';

export const SIBLING_MODELS: readonly SiblingModel[] = [
  {
    path: STAND_IN_V3_PATH,
    cost: 0.58,
    rules: {
      ip_image: req({ type: 'image', required: true }),
      input_image: opt({ type: 'image', required: false }),
      prompt: req({ type: 'string', required: true }),
      negative_prompt: opt({ type: 'string', required: false }),
      steps: int(1, 70),
      guidance_scale: { type: 'float', required: false, min: 1, max: 15 },
      width: int(1),
      height: int(1),
      seed: int(-1),
    },
    outputs: () => 1,
    format: () => 'jpeg',
  },
  {
    path: STAND_IN_WITH_POSE_PATH,
    cost: 0.03,
    rules: {
      face_image: req({ type: 'image', required: true }),
      pose_image: req({ type: 'image', required: true }),
      prompt: req({ type: 'string', required: true }),
      custom_width: int(64, 4096),
      custom_height: int(64, 4096),
      use_input_img_dimension: opt({ type: 'boolean', required: false }),
      output_format: opt({ type: 'enum', required: false, values: ['png', 'jpeg', 'webp'] }),
      quality: int(1, 100),
      samples: int(1),
      seed: int(-1),
      base_64: opt({ type: 'boolean', required: false }),
    },
    outputs: (body) => num(body, 'samples', 1),
    format: (body) =>
      body.output_format === 'jpeg' ? 'jpeg' : body.output_format === 'webp' ? 'webp' : 'png',
  },
  {
    path: STAND_IN_WORKFLOW_PATH,
    cost: 0.085,
    rules: {
      subject: req({ type: 'image', required: true }),
      prompt: req({ type: 'string', required: true }),
      negative_prompt: opt({ type: 'string', required: false }),
      number_of_outputs: int(1, 20),
      number_of_images_per_pose: int(1, 4),
      randomise_poses: opt({ type: 'boolean', required: false }),
      output_format: opt({ type: 'enum', required: false, values: ['webp', 'jpg', 'png'] }),
      output_quality: int(0, 100),
      seed: int(-1),
    },
    outputs: (body) => num(body, 'number_of_outputs', 3) * num(body, 'number_of_images_per_pose', 1),
    format: (body) =>
      body.output_format === 'jpg' ? 'jpeg' : body.output_format === 'webp' ? 'webp' : 'png',
  },
];

export function siblingModelAt(path: string): SiblingModel | undefined {
  return SIBLING_MODELS.find((model) => model.path === path);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** 422's message, or undefined when the body is acceptable. */
export function checkSiblingBody(model: SiblingModel, parsed: unknown): string | undefined {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return 'Validation error: the body must be a JSON object';
  const body = parsed as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(body))
    if (!Object.hasOwn(model.rules, key)) problems.push(`${key}: unknown field`);
  for (const [name, rule] of Object.entries(model.rules)) {
    const value = body[name];
    if (value === undefined || value === null) {
      if (rule.required) problems.push(`${name}: field required`);
      continue;
    }
    const problem = checkValue(name, rule, value);
    if (problem !== undefined) problems.push(problem);
  }
  return problems.length > 0 ? `Validation error: ${problems.join('; ')}` : undefined;
}

function checkValue(name: string, rule: Rule, value: unknown): string | undefined {
  switch (rule.type) {
    case 'string':
      if (typeof value !== 'string') return `${name}: must be a string`;
      return rule.required && value.trim() === '' ? `${name}: must not be empty` : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${name}: must be a boolean`;
    case 'enum':
      return typeof value === 'string' && rule.values.includes(value)
        ? undefined
        : `${name}: must be one of ${rule.values.join(', ')}`;
    case 'image':
      if (typeof value !== 'string' || value === '') return `${name}: must be a URL or a base64 string`;
      if (/^data:/i.test(value)) return `${name}: send the raw base64 of the file, without a data: prefix`;
      if (/^https?:\/\//i.test(value)) return undefined;
      return value.length % 4 === 0 && BASE64.test(value)
        ? undefined
        : `${name}: is neither a URL nor valid base64`;
    case 'int':
    case 'float': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${name}: must be a number`;
      if (rule.type === 'int' && !Number.isSafeInteger(value)) return `${name}: must be an integer`;
      if (rule.min !== undefined && value < rule.min) return `${name}: must be at least ${rule.min}`;
      if (rule.max !== undefined && value > rule.max) return `${name}: must be at most ${rule.max}`;
      return undefined;
    }
  }
}

export interface SiblingAnswer {
  readonly contentType: string;
  readonly body: Buffer;
  readonly pictures: number;
}

/**
 * Runs the model: every picture field is decoded (null when one does not, which the caller answers with
 * a 500), and each output is the character picture fitted to the output size, tinted by the seed and the
 * output's index so the pictures of one run differ visibly.
 */
export async function runSibling(
  model: SiblingModel,
  body: Readonly<Record<string, unknown>>,
  seed: number,
  load: (image: string) => Promise<Buffer | null>,
): Promise<SiblingAnswer | null> {
  const pictures = new Map<string, Buffer>();
  for (const [name, rule] of Object.entries(model.rules)) {
    const value = body[name];
    if (rule.type !== 'image' || typeof value !== 'string') continue;
    const bytes = await load(value);
    if (bytes === null) return null;
    pictures.set(name, bytes);
  }
  const character = pictures.get('ip_image') ?? pictures.get('face_image') ?? pictures.get('subject');
  const pose = pictures.get('input_image') ?? pictures.get('pose_image');
  if (character === undefined) return null;
  const { width, height } = await outputSize(model, body, pose);
  const format = model.format(body);
  const count = model.outputs(body);
  const images: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const hue = (seed * 37 + i * 71) % 360;
    images.push(
      await sharp(character)
        .resize(width, height, { fit: 'cover' })
        .modulate({ hue })
        .toFormat(format)
        .toBuffer(),
    );
  }
  if (count === 1 && body.base_64 !== true) {
    return { contentType: `image/${format}`, body: images[0]!, pictures: 1 };
  }
  const json = JSON.stringify({ images: images.map((image) => image.toString('base64')) });
  return { contentType: 'application/json', body: Buffer.from(json), pictures: count };
}

async function outputSize(
  model: SiblingModel,
  body: Readonly<Record<string, unknown>>,
  pose: Buffer | undefined,
): Promise<{ width: number; height: number }> {
  // with-pose: the pose picture's size unless use_input_img_dimension is switched off.
  const followsPose = Object.hasOwn(model.rules, 'use_input_img_dimension');
  if (followsPose && body.use_input_img_dimension !== false && pose !== undefined) {
    const meta = await sharp(pose).metadata();
    return { width: meta.width ?? 1024, height: meta.height ?? 1024 };
  }
  return {
    width: num(body, 'width', num(body, 'custom_width', 512)),
    height: num(body, 'height', num(body, 'custom_height', 512)),
  };
}

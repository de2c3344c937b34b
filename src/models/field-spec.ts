/**
 * The shape of a model's parameter spec. Models are data (see consistent-character-v1.ts): the form, the
 * validator, the defaults and the request builder are all derived from these declarations, so a field is
 * described once.
 */
import type { EnumTableId } from './enums';

/** Where a field sits in the form. */
export type FieldGroupId = 'basic' | 'base' | 'upscale' | 'faceDetail' | 'output';

export const fieldGroups: readonly { id: FieldGroupId; label: string; help: string }[] = [
  { id: 'basic', label: 'Basic', help: 'The prompt, the pose sheet and the seed.' },
  { id: 'base', label: 'Base pass', help: 'The first generation, which draws the character in every pose.' },
  { id: 'upscale', label: 'Upscale', help: 'A second pass that enlarges the sheet and adds detail.' },
  { id: 'faceDetail', label: 'Face detail', help: 'A last pass that redraws each face more carefully.' },
  { id: 'output', label: 'Output', help: 'How many pictures a run makes, their size and their file format.' },
];

interface FieldCommon {
  /** The JSON key in the request body, exactly as Segmind spells it. */
  readonly name: string;
  readonly label: string;
  readonly help: string;
  readonly group: FieldGroupId;
  readonly required: boolean;
}

export interface StringFieldSpec extends FieldCommon {
  readonly type: 'string';
  readonly default: string;
  /** A long text (prompts): the form shows a text area. */
  readonly multiline: boolean;
}

export interface IntFieldSpec extends FieldCommon {
  readonly type: 'int';
  readonly default: number;
  readonly min?: number;
  readonly max?: number;
  /** A value outside the range with a special meaning (seed: -1 asks for a random one). */
  readonly special?: { readonly value: number; readonly meaning: string };
}

export interface FloatFieldSpec extends FieldCommon {
  readonly type: 'float';
  readonly default: number;
  readonly min?: number;
  readonly max?: number;
  /** The form's step; not a constraint. */
  readonly step: number;
}

export interface EnumFieldSpec extends FieldCommon {
  readonly type: 'enum';
  /** Which list of enums.ts holds the accepted values. */
  readonly table: EnumTableId;
  readonly default: string;
}

/** A yes/no switch; travels as a JSON boolean. */
export interface BooleanFieldSpec extends FieldCommon {
  readonly type: 'boolean';
  readonly default: boolean;
}

/**
 * An image travels in the body as a public http(s) URL or as the raw base64 of the file (no `data:`
 * prefix). It never comes from the form's values: the request builder takes it from the chosen pose.
 */
export interface ImageFieldSpec extends FieldCommon {
  readonly type: 'image';
  /** What the image is for: the pose sheet, or a picture of the character. */
  readonly role: 'pose' | 'character';
}

export type FieldSpec =
  StringFieldSpec | IntFieldSpec | FloatFieldSpec | EnumFieldSpec | BooleanFieldSpec | ImageFieldSpec;
export type ParamFieldSpec = Exclude<FieldSpec, ImageFieldSpec>;
export type FieldType = FieldSpec['type'];

/** A validated parameter value: what goes into the JSON body. */
export type ParamValue = string | number | boolean;
export type ModelParams = Record<string, ParamValue>;

export interface ModelSpec {
  /** Stable id, stored in jobs and receipts; equal to the last segment of the path. */
  readonly id: string;
  readonly name: string;
  readonly summary: string;
  /** Appended to the base URL: POST {baseUrl}{path}. */
  readonly path: string;
  /**
   * `supported`: the app can generate with it. `data-only`: its parameters are recorded for the registry,
   * but the job pipeline does not build its requests yet (it needs images the app does not supply).
   */
  readonly status: 'supported' | 'data-only';
  /** In request-body order. */
  readonly fields: readonly FieldSpec[];
  readonly prompt: {
    readonly field: string;
    readonly negativeField: string | null;
    /** Put before the character's description; empty when the model has no house style. */
    readonly prefix: string;
    /** Used when the character has no negative prompt of its own. */
    readonly defaultNegative: string;
  };
  /**
   * The output is the input sheet scaled by this integer parameter (V1: `upscale_by`), figure for figure.
   * Null when the output's size does not follow the input's.
   */
  readonly outputScaleField: string | null;
  readonly outputContentType: string;
  /** About how long one run takes, to show elapsed time against. Cold models can take minutes. */
  readonly typicalDurationMs: number;
  /** About what one run costs, in US dollars (Segmind credits), however many pictures it makes. */
  readonly typicalCost: number;
  /**
   * The int parameters whose product is how many pictures one run makes (consistent-character:
   * number_of_outputs x number_of_images_per_pose). Empty: one picture a run.
   */
  readonly outputCountFields: readonly string[];
  /**
   * Where the poses come from: `sheet`, an image the person chooses (required or optional, see the image
   * fields); `built-in`, the model picks its own poses and takes no pose image at all.
   */
  readonly poses: 'sheet' | 'built-in';
}

export const isParamField = (field: FieldSpec): field is ParamFieldSpec => field.type !== 'image';

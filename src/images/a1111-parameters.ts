/**
 * The "parameters" text that AUTOMATIC1111's web UI embeds in its images, which Civitai, ComfyUI
 * loaders, InvokeAI and image browsers all read. The layout is:
 *
 *   <prompt, possibly several lines>
 *   Negative prompt: <negative prompt>
 *   Steps: 20, Sampler: dpmpp_2m, Schedule type: karras, CFG scale: 7, Seed: 4898558797, Size: 1024x512, Model: ...
 *
 * Values holding a comma, colon or newline are JSON-quoted, as A1111's own `quote()` does.
 */

export type ParameterValue = string | number | boolean;

export interface A1111Parameters {
  prompt: string;
  negativePrompt?: string;
  steps?: number;
  sampler?: string;
  scheduler?: string;
  cfg?: number;
  seed?: number;
  size?: { width: number; height: number } | string;
  model?: string;
  /** Further "Key: value" pairs, in order (upscale and face-detail settings, the Segmind request id...). */
  extra?: Record<string, ParameterValue | undefined>;
}

export function quoteParameterValue(value: ParameterValue): string {
  const text = String(value);
  return /[,:\n]/.test(text) ? JSON.stringify(text) : text;
}

export function formatA1111Parameters(p: A1111Parameters): string {
  const size = typeof p.size === 'object' ? `${p.size.width}x${p.size.height}` : p.size;
  const pairs: [string, ParameterValue | undefined][] = [
    ['Steps', p.steps],
    ['Sampler', p.sampler],
    ['Schedule type', p.scheduler],
    ['CFG scale', p.cfg],
    ['Seed', p.seed],
    ['Size', size],
    ['Model', p.model],
    ...Object.entries(p.extra ?? {}),
  ];
  const settings = pairs
    .filter((pair): pair is [string, ParameterValue] => pair[1] !== undefined && pair[1] !== '')
    .map(([key, value]) => `${key}: ${quoteParameterValue(value)}`)
    .join(', ');
  const lines = [p.prompt.trim()];
  if (p.negativePrompt?.trim()) lines.push(`Negative prompt: ${p.negativePrompt.trim()}`);
  if (settings) lines.push(settings);
  return lines.join('\n');
}

export interface ParsedA1111Parameters {
  prompt: string;
  negativePrompt: string;
  /** Every "Key: value" pair of the last line, values unquoted. */
  settings: Record<string, string>;
}

// A1111's re_param: a key, a colon, then a quoted string or everything up to the next comma.
const PARAM = /\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)/g;

/** Reads the text back, the way A1111's parse_generation_parameters does (for importing images). */
export function parseA1111Parameters(text: string): ParsedA1111Parameters {
  const lines = text.trim().split('\n');
  let last = lines.at(-1) ?? '';
  if ([...last.matchAll(PARAM)].length < 3) last = '';
  else lines.pop();

  const prompt: string[] = [];
  const negative: string[] = [];
  let inNegative = false;
  for (const line of lines) {
    if (line.startsWith('Negative prompt:')) {
      inNegative = true;
      negative.push(line.slice('Negative prompt:'.length).trim());
    } else {
      (inNegative ? negative : prompt).push(line);
    }
  }
  const settings: Record<string, string> = {};
  for (const [, key, raw] of last.matchAll(PARAM)) {
    if (key === undefined || raw === undefined) continue;
    settings[key.trim()] = unquote(raw.trim());
  }
  return { prompt: prompt.join('\n').trim(), negativePrompt: negative.join('\n').trim(), settings };
}

function unquote(value: string): string {
  if (!value.startsWith('"') || !value.endsWith('"')) return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'string' ? parsed : value;
  } catch {
    return value;
  }
}

/**
 * The hostile-input suite's child for parts 1 and 2 (the contract, images): runs inputs `from` to `to` - 1
 * in its own process, so an input that hangs (a read that never returns keeps a thread for ever) or
 * kills the process is seen by the parent, which starts a new child from the next input.
 *
 * Lines on stdout, one JSON object each:
 *   { "at": n, "what": "..." }          before input n is sent
 *   { "hang": n, "figures": {...} }     input n did not answer in time; the child then ends itself
 *   { "done": true, "figures": {...} }  every input answered
 */
import { writeSync } from 'node:fs';
import { startSegmindStandIn } from '../../fakes/segmind-stand-in';
import { runContractFuzz } from './contract-fuzz';
import { runImageFuzz } from './image-fuzz';
import type { Sandbox } from './values';

export interface PartConfig {
  part: 'contract' | 'images';
  seed: number;
  from: number;
  to: number;
  sandbox: Sandbox;
  /** Where the image part makes its projects. */
  imagesDir: string;
  /** The API key the app runs with: the parent scans every file the children leave for it. */
  key: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as PartConfig;
// Relative paths in hostile inputs land in the sandbox, never in the repository.
process.chdir(`${config.sandbox.root}/cwd`);

/** Maps become entry lists, so the figures survive JSON. */
const serialise = (figures: object): string =>
  JSON.stringify(figures, (_key, value: unknown) => (value instanceof Map ? { map: [...value] } : value));

const emit = (line: object | string) =>
  writeSync(1, `${typeof line === 'string' ? line : JSON.stringify(line)}\n`);
const onInput = (n: number, what: string) => emit({ at: n, what });
const onHang = async (n: number, figures: object): Promise<never> => {
  emit(`{"hang":${n},"figures":${serialise(figures)}}`);
  // A thread stuck in a read would keep an orderly exit waiting for ever.
  process.kill(process.pid, 'SIGKILL');
  return new Promise<never>(() => undefined);
};

if (config.part === 'contract') {
  const standIn = await startSegmindStandIn({ credits: 1_000_000, keys: [config.key] });
  const figures = await runContractFuzz({
    seed: config.seed,
    from: config.from,
    to: config.to,
    standIn,
    sandbox: config.sandbox,
    onInput,
    onHang,
  });
  await standIn.close();
  emit(`{"done":true,"figures":${serialise(figures)}}`);
} else {
  const figures = await runImageFuzz({
    seed: config.seed,
    from: config.from,
    to: config.to,
    dir: config.imagesDir,
    onInput,
    onHang,
  });
  emit(`{"done":true,"figures":${serialise(figures)}}`);
}
process.exit(0);

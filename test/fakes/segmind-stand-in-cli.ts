/**
 * Runs the Segmind stand-in until Ctrl+C:
 *   npm run stand-in -- --port 8787 --credits 50 [--key SG_0123456789abcdef] [--latency 40000] [--rate-limit 5]
 * Point the app at it with CCSTUDIO_SEGMIND_URL (or Settings) and enter the printed key.
 */
import { parseArgs } from 'node:util';
import { startSegmindStandIn } from './segmind-stand-in';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    credits: { type: 'string', default: '100' },
    key: { type: 'string', multiple: true },
    latency: { type: 'string', default: '0' },
    'rate-limit': { type: 'string' },
  },
  strict: true,
});

const number = (name: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name} must be a non-negative number, not "${text}"`);
    process.exit(2);
  }
  return n;
};

const standIn = await startSegmindStandIn({
  port: number('port', values.port),
  credits: number('credits', values.credits),
  keys: values.key,
  latencyMs: number('latency', values.latency),
  rateLimitPerMinute: number('rate-limit', values['rate-limit']),
});

console.log(`Segmind stand-in listening at ${standIn.url}`);
console.log(`Accepted key: ${standIn.keys.join(', ')}`);
console.log(`Async API (v2) output files are served from ${standIn.v2.outputUrl}`);
console.log(`Credits: ${standIn.credits}. Press Ctrl+C to stop.`);

const stop = (): void => {
  void standIn.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

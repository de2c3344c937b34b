/**
 * The child async-kill.test.ts SIGKILLs: the real app runtime over a user-data folder and project the
 * parent prepared (settings say V1 goes through the async API). It enqueues one job, waits until the
 * outbox holds the run's request id, prints `submitted <request id>` and waits to be killed.
 *
 * Arguments: one JSON object in argv[2] (KillChildConfig).
 */
import { MemoryStore } from '../../../src/secrets/memory-store';
import { createAppRuntime } from '../../../src/services/runtime';

export interface KillChildConfig {
  userDataDir: string;
  projectDir: string;
  segmindUrl: string;
  key: string;
  modelId: string;
  characterId: string;
  poseId: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as KillChildConfig;
// Never outlive the parent, and never run for ever.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
setTimeout(() => process.exit(3), 60_000).unref();

const secrets = new MemoryStore();
await secrets.set(config.key);
const runtime = await createAppRuntime({
  userDataDir: config.userDataDir,
  platform: { shell: 'browser' },
  secrets,
  appVersion: 'async-kill-child',
  segmindBaseUrl: config.segmindUrl,
});
await runtime.handlers['projects.open']({ dir: config.projectDir });
const job = await runtime.handlers['generation.enqueue']({
  modelId: config.modelId,
  characterId: config.characterId,
  poseId: config.poseId,
  params: {},
});
for (;;) {
  const now = (await runtime.handlers['jobs.list']({})).jobs.find((j) => j.id === job.id);
  if (now?.requestId !== undefined) {
    process.stdout.write(`submitted ${job.id} ${now.requestId}\n`);
    break;
  }
  if (now && now.state !== 'queued' && now.state !== 'submitting') {
    process.stdout.write(`ended ${now.state}\n`);
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 5));
}

import { newId, nowIso, type Job } from '../../src/domain';

/** A queued job as the outbox holds one, for tests of what looks at jobs without running them. */
export function queuedJob(overrides: Partial<Job> = {}): Job {
  return {
    id: newId(),
    state: 'queued',
    projectPath: '/nowhere/project',
    projectId: newId(),
    modelId: 'consistent-character-ai-neolemon',
    characterId: newId(),
    poseId: newId(),
    label: { character: 'Mira', pose: 'Standing' },
    params: { seed: 1 },
    sentImage: { poseId: newId(), sha256: 'a'.repeat(64), width: 8, height: 8, bytes: 3, format: 'png' },
    createdAt: nowIso(),
    updatedAt: nowIso(),
    attempts: 0,
    autoRetries: 0,
    ...overrides,
  };
}

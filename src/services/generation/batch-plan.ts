/**
 * A batch's plan, made before anything is sent: how many runs (models x characters x pose sheets x
 * seeds), how many pictures, the estimated cost per model and in total, how long it takes at the account's
 * rate limit, and whether the balance covers it. Pure: the Generate panel, the CLI's --dry-run and the
 * confirmation all show the same figures.
 */
import { roundCredits, type BatchPlan, type BatchRequest } from '../../domain';
import { getModel, outputsPerRun, type ModelParams, type ModelSpec } from '../../models';

export type { BatchPlan, BatchRequest };

/** Seeds are at most 2^32 - 1 when the app draws them, so they stay comparable with the UI's dice. */
const MAX_RANDOM_SEED = 2 ** 32 - 1;
/** A batch is one confirmation: large enough for a day's work, small enough to review. */
export const MAX_BATCH_RUNS = 1000;

export interface PlanLimits {
  readonly requestsPerMinute: number;
  readonly concurrency: number;
  readonly balance: number | null;
}

export const drawSeeds = (count: number, random: () => number = Math.random): number[] =>
  Array.from({ length: count }, () => Math.floor(random() * MAX_RANDOM_SEED));

/** @throws Error with a person's message when a model is unknown or the batch is too large. */
export function planBatch(request: BatchRequest, limits: PlanLimits, random?: () => number): BatchPlan {
  const seeds = Array.isArray(request.seeds) ? [...request.seeds] : drawSeeds(request.seeds.count, random);
  const models: ModelSpec[] = request.modelIds.map((id) => {
    const model = getModel(id);
    if (!model) throw new BatchPlanError(`There is no model named ${id}.`);
    return model;
  });
  const perModelRuns = request.characterIds.length * request.poseIds.length * seeds.length;
  const runs = perModelRuns * models.length;
  if (runs > MAX_BATCH_RUNS) {
    throw new BatchPlanError(`That is ${runs} runs; a batch holds at most ${MAX_BATCH_RUNS}. Split it.`);
  }
  const perModel = models.map((model) => {
    const pictures = perModelRuns * outputsPerRun(model, request.params as Partial<ModelParams>);
    return {
      modelId: model.id,
      name: model.name,
      runs: perModelRuns,
      pictures,
      costPerRun: model.typicalCost,
      cost: roundCredits(perModelRuns * model.typicalCost),
    };
  });
  const totalCost = roundCredits(perModel.reduce((sum, m) => sum + m.cost, 0));
  const durations = models.flatMap((m) => Array<number>(perModelRuns).fill(m.typicalDurationMs));
  const plan = {
    runs,
    pictures: perModel.reduce((sum, m) => sum + m.pictures, 0),
    seeds,
    perModel,
    totalCost,
    estimatedMs: estimateDurationMs(durations, limits.requestsPerMinute, limits.concurrency),
    requestsPerMinute: limits.requestsPerMinute,
    concurrency: limits.concurrency,
  };
  return withBalance({ ...plan, balance: null, covers: null }, limits.balance);
}

/**
 * How long runs take when at most `concurrency` are in flight and at most `perMinute` start in any
 * minute: each starts at the later of its rate slot and the first free lane, and ends a run time later.
 */
export function estimateDurationMs(
  durationsMs: readonly number[],
  perMinute: number,
  concurrency: number,
): number {
  const lanes = Array<number>(Math.max(1, concurrency)).fill(0);
  const gap = 60_000 / Math.max(1, perMinute);
  let end = 0;
  durationsMs.forEach((duration, i) => {
    // Segmind's limit is per sliding minute: the first `perMinute` go at once, then one a slot.
    const slot = i < perMinute ? 0 : (i - perMinute + 1) * gap;
    const lane = lanes.indexOf(Math.min(...lanes));
    const start = Math.max(slot, lanes[lane] ?? 0);
    lanes[lane] = start + duration;
    end = Math.max(end, start + duration);
  });
  return end;
}

export class BatchPlanError extends Error {}

/** The plan with the account's balance (null when it could not be read) and whether it covers the cost. */
export const withBalance = (plan: BatchPlan, balance: number | null): BatchPlan => ({
  ...plan,
  balance,
  covers: balance === null ? null : balance >= plan.totalCost,
});

/** "about 7 min", "about 1 h 20 min": the plan's time in a person's words. */
export function formatDuration(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  if (ms < 60_000) return `about ${Math.max(1, Math.round(ms / 1000))} s`;
  if (minutes < 60) return `about ${minutes} min`;
  return `about ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** The plan as the CLI prints it and the confirmation reads it. */
export function describePlan(plan: BatchPlan): string[] {
  const lines = [
    `${plan.runs} run${plan.runs === 1 ? '' : 's'}, ${plan.pictures} picture${plan.pictures === 1 ? '' : 's'}`,
    ...plan.perModel.map(
      (m) => `  ${m.name}: ${m.runs} x ${m.costPerRun} = ${m.cost.toFixed(3)} credits (estimated)`,
    ),
    `Total: ${plan.totalCost.toFixed(3)} credits (estimated)`,
    `Time: ${formatDuration(plan.estimatedMs)} at ${plan.requestsPerMinute} requests a minute, ${plan.concurrency} at a time`,
    plan.balance === null
      ? 'Balance: unknown (could not be read); check it before confirming'
      : plan.covers
        ? `Balance: ${plan.balance} credits covers it (${(plan.balance - plan.totalCost).toFixed(3)} left after)`
        : `Balance: ${plan.balance} credits does NOT cover it (short by ${(plan.totalCost - plan.balance).toFixed(3)})`,
  ];
  return lines;
}

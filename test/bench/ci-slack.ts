/**
 * The CI run of the benches (`npm run bench:ci`, part of `npm test`): the same benches at a smaller
 * scale, so a regression fails CI. Byte and count targets hold as they are; targets on time are given
 * CI_SLACK times the room, because a CI machine is shared and noisy and a false failure blocks every
 * landing. A change that makes something twice as slow still fails. The full figures, at full scale and
 * against the exact targets, are `npm run bench`'s.
 */
export const CI_SLACK = process.env.BENCH_CI === '1' ? 2 : 1;

/** How a time target reads in this run: "≤ 10" or, in CI, "≤ 10 (CI: ≤ 20)". */
export const slackNote = (target: number, unit = ''): string =>
  CI_SLACK === 1 ? `${target}${unit}` : `${target}${unit}, CI allows ${target * CI_SLACK}${unit}`;

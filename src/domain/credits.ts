/**
 * Segmind credits as the app shows and sums them: to three decimals (Segmind's prices are in thousandths
 * of a credit), so sums of many runs do not show floating-point dust.
 */
export const roundCredits = (n: number): number => Math.round(n * 1000) / 1000;

/** "1 credit", "0.3 credits": the amount in words, as messages say it. */
export const creditsText = (n: number): string => `${n} credit${n === 1 ? '' : 's'}`;

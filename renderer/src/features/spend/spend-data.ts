/**
 * The Spend view's data: the open project's spend from its receipts (spend.summary), kept current when
 * results arrive or settings change, and the pure rules for its figures and the cap the person types.
 */
import { useCallback } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { AppError } from '../../../../src/domain/errors';
import type { CallOutput, EventPayload } from '../../../../src/contract';
import { asAppError, getBridge } from '../../bridge/bridge';
import { useAppEvent } from '../../bridge/queries';

export type SpendSummary = CallOutput<'spend.summary'>;

/** Per project: another project's figures never show while this one's load. */
export const spendKey = (projectPath: string) => ['spend', projectPath] as const;

/**
 * The summary, refetched when the project's content changes: a run saved, results trashed or restored,
 * a character renamed (its name is in the figures). Pose changes alone touch none of it.
 */
export function useSpend(projectPath: string) {
  const client = useQueryClient();
  const changed = useCallback(
    (event: EventPayload<'project.changed'>) => {
      if (event.kind !== 'poses') void client.invalidateQueries({ queryKey: spendKey(projectPath) });
    },
    [client, projectPath],
  );
  useAppEvent('project.changed', changed);
  // Read again each time Spend opens: results saved while it was closed had no listener here to say so.
  return useQuery<SpendSummary, AppError>({
    queryKey: spendKey(projectPath),
    refetchOnMount: 'always',
    queryFn: async () => {
      try {
        return await getBridge().spend.summary({});
      } catch (error) {
        throw asAppError(error);
      }
    },
  });
}

/**
 * Credits in the Spend view: three decimals, as the receipts' sums are rounded (spend.ts) and the CLI's
 * `spend` prints them; small runs cost fractions such as 0.013, which two decimals would hide.
 */
export const formatSpend = (credits: number): string =>
  credits.toLocaleString('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 });

/** Settings' bound for a cap (SettingsSchema.spendingCapByProject). */
export const CAP_MAX = 1_000_000;

/**
 * The cap as typed: a number of credits from 0 (no more runs at all) up to CAP_MAX, a dot for decimals.
 * A comma is refused rather than guessed at: "1,000" could mean a thousand or one. Anything else is
 * refused with the sentence the field shows, and nothing is saved.
 */
export function parseCap(text: string): { ok: true; credits: number } | { ok: false; message: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: 'Enter the most this project may spend, in credits.' };
  if (trimmed.includes(','))
    return { ok: false, message: 'Use a dot for decimals and no thousands separator, such as 1200 or 12.5.' };
  if (/^-\s*\d/.test(trimmed)) return { ok: false, message: 'A cap cannot be below 0 credits.' };
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(trimmed))
    return {
      ok: false,
      message: `“${trimmed.slice(0, 20)}” is not a number of credits. Enter a number such as 20 or 12.5.`,
    };
  const credits = Number(trimmed);
  if (credits > CAP_MAX)
    return { ok: false, message: `Enter at most ${CAP_MAX.toLocaleString('en-US')} credits.` };
  // Three decimals, as Segmind's costs and the receipts' sums go.
  return { ok: true, credits: Math.round(credits * 1000) / 1000 };
}

/** The cap's bar: how much of it the receipts and the runs under way take (0..1, capped at 1). */
export function capUse(cap: NonNullable<SpendSummary['cap']>): {
  used: number;
  fraction: number;
  over: boolean;
  near: boolean;
} {
  const used = Math.round((cap.spent + cap.underWay) * 1000) / 1000;
  const fraction = cap.credits > 0 ? Math.min(1, used / cap.credits) : 1;
  return { used, fraction, over: used >= cap.credits, near: fraction >= 0.8 };
}

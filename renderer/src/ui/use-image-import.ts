import { useState } from 'react';
import type { ImageSource, ImportDuplicate, ImportFailure } from '../../../src/contract/calls/workspace';
import type { AppError } from '../../../src/domain/errors';
import { asAppError } from '../bridge/bridge';
import type { ImportOutcome } from './ImportSources';
import type { useTask } from './use-task';

/** What every import call answers, whatever it imports. */
interface ImportAnswer {
  failed: ImportFailure[];
  duplicates: ImportDuplicate[];
  skipped: { file: string; reason: string }[];
  cancelled: boolean;
}

export interface ImageImportCall<R extends ImportAnswer> {
  /** The bridge call, given the task id its progress events carry. */
  call(taskId: string): Promise<R>;
  /** How many images came in. */
  added(report: R): number;
  /** After the call answered; `clean` when nothing needs reporting (no problems, not cancelled). */
  done(report: R, clean: boolean): Promise<void> | void;
  /** After the call failed (its error is shown already). */
  failed?(): Promise<void> | void;
}

/**
 * Importing images with a progress task, the same for pose libraries and character references: files
 * refused before sending are reported without a call; a clean import needs no report (the caller's toast
 * says it), while problems stay on screen as an ImportReport, each file named; an error is kept to show.
 */
export function useImageImport(what: ImportOutcome['what'], task: ReturnType<typeof useTask>) {
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null);
  const [error, setError] = useState<AppError | null>(null);

  const run = async <R extends ImportAnswer>(
    sources: ImageSource[],
    refused: { file: string; reason: string }[],
    how: ImageImportCall<R>,
  ): Promise<void> => {
    if (sources.length === 0) {
      if (refused.length)
        setOutcome({ what, added: 0, failed: [], duplicates: [], skipped: [], cancelled: false, refused });
      return;
    }
    setError(null);
    setOutcome(null);
    const taskId = task.start();
    try {
      const report = await how.call(taskId);
      const clean =
        report.failed.length + report.duplicates.length + refused.length === 0 && !report.cancelled;
      if (!clean) {
        setOutcome({
          what,
          added: how.added(report),
          failed: report.failed,
          duplicates: report.duplicates,
          skipped: report.skipped,
          cancelled: report.cancelled,
          refused,
        });
      }
      await how.done(report, clean);
    } catch (e) {
      setError(asAppError(e));
      await how.failed?.();
    } finally {
      task.end();
    }
  };

  return { outcome, setOutcome, error, run };
}

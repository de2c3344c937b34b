import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { ResultSummary } from '../../../../src/contract/calls/workspace';
import type { AppError } from '../../../../src/domain/errors';
import type { Box } from '../../../../src/domain/pose';
import { asAppError, getBridge } from '../../bridge/bridge';
import { useTask } from '../../ui/use-task';
import { wsKeys } from '../results/workspace-data';
import { toSheetBox, type CutSource } from './cut-source';

export interface SaveOutcome {
  created: number;
  replaced: number;
  keptWithPose: boolean;
}

/**
 * Save: first the boxes go to the pose (in its sheet's pixels, so every later cut of any result of this
 * pose starts from them), then the cut runs with exactly the boxes drawn and the padding chosen, replacing
 * this result's earlier crops (they go to the trash, one undoable entry). The pose is only written when
 * the boxes changed, and only when it is live: a pose in the trash still lets this one cut be made.
 */
export function useCutSave(project: string, item: ResultSummary, source: CutSource) {
  const task = useTask();
  const client = useQueryClient();
  const [error, setError] = useState<AppError | null>(null);

  const save = async (boxes: Box[], padding: number, changed: boolean): Promise<SaveOutcome | null> => {
    setError(null);
    const bridge = getBridge();
    const pose = source.pose;
    try {
      if (pose && changed) {
        const sheet = { width: pose.image.width, height: pose.image.height };
        await bridge.poses.update({
          poseId: pose.id,
          changes: { figures: boxes.map((b) => toSheetBox(b, source.scale, sheet)) },
        });
      }
      const taskId = task.start();
      try {
        const outcome = await bridge.results.cut({ id: item.id, boxes, padding, replace: true, taskId });
        void client.invalidateQueries({ queryKey: wsKeys.result(project, item.id) });
        return {
          created: outcome.created.length,
          replaced: outcome.replaced ?? 0,
          keptWithPose: pose !== null && changed,
        };
      } finally {
        task.end();
      }
    } catch (caught) {
      setError(asAppError(caught));
      return null;
    }
  };

  return { save, error, task };
}

import { useCallback } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { ResultFilter, ResultSort } from '../../../../src/contract/calls/workspace';
import { fetchIds } from '../results/results-data';

/**
 * Steps through the gallery's current order and filter (what the grid shows): the id `delta` places
 * from `from`, skipping `skip` (the other side of a comparison), or undefined at either end.
 */
export function useOrderStep(project: string, filter: ResultFilter, sort: ResultSort) {
  const client = useQueryClient();
  return useCallback(
    async (from: string, delta: number, skip?: string): Promise<string | undefined> => {
      const ids = await fetchIds(client, project, filter, sort);
      let index = ids.indexOf(from);
      if (index < 0) return delta > 0 ? ids.find((id) => id !== skip) : undefined;
      const direction = Math.sign(delta);
      for (let left = Math.abs(delta); left > 0;) {
        index += direction;
        const id = ids[index];
        if (id === undefined) return undefined;
        if (id !== skip) left -= 1;
      }
      return ids[index];
    },
    [client, project, filter, sort],
  );
}

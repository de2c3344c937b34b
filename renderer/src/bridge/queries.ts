import { useEffect } from 'react';
import { useMutation, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import type { AppError } from '../../../src/domain/errors';
import type { EventName, EventPayload } from '../../../src/contract';
import { asAppError, getBridge } from './bridge';

/** Query keys in one place, so an event can invalidate exactly what it changed. */
export const keys = {
  currentProject: ['project', 'current'] as const,
  recentProjects: ['project', 'recent'] as const,
  appInfo: ['app', 'info'] as const,
  settings: ['settings'] as const,
};

export function useBridgeQuery<T>(key: QueryKey, fetcher: () => Promise<T>, enabled = true) {
  return useQuery<T, AppError>({
    queryKey: key,
    enabled,
    queryFn: async () => {
      try {
        return await fetcher();
      } catch (error) {
        throw asAppError(error);
      }
    },
  });
}

export function useBridgeMutation<I, O>(run: (input: I) => Promise<O>, invalidate: QueryKey[] = []) {
  const client = useQueryClient();
  return useMutation<O, AppError, I>({
    mutationFn: async (input) => {
      try {
        return await run(input);
      } catch (error) {
        throw asAppError(error);
      }
    },
    onSuccess: async () => {
      await Promise.all(invalidate.map((queryKey) => client.invalidateQueries({ queryKey })));
    },
  });
}

/** Subscribes to an app event for the component's lifetime. */
export function useAppEvent<E extends EventName>(
  name: E,
  listener: (payload: EventPayload<E>) => void,
): void {
  useEffect(() => getBridge().subscribe(name, listener), [name, listener]);
}

import type { EventName, EventPayload, Unsubscribe } from '../contract';

export type AnyEventListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

/** Fan-out of contract events from the services to whoever shows them (IPC, the host's event stream, tests). */
export class EventBus {
  private readonly listeners = new Set<AnyEventListener>();

  on(listener: AnyEventListener): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) {
      try {
        listener(name, payload);
      } catch (error) {
        console.error(`[ccstudio] event listener for ${name} failed`, error);
      }
    }
  }
}

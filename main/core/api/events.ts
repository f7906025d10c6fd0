// A tiny typed emitter for KioskEvents; the bindings (IPC, WebSocket) subscribe to it.
import type { KioskEventName, KioskEvents } from '../../../preload/contract';

export type Listener<E extends KioskEventName> = (payload: KioskEvents[E]) => void;

export interface KioskEventEmitter {
  on<E extends KioskEventName>(event: E, listener: Listener<E>): () => void;
  /** Every event, for bindings that forward all of them. */
  onAny(listener: <E extends KioskEventName>(event: E, payload: KioskEvents[E]) => void): () => void;
  emit<E extends KioskEventName>(event: E, payload: KioskEvents[E]): void;
}

export function createEventEmitter(onListenerError: (error: unknown) => void = () => {}): KioskEventEmitter {
  const listeners = new Set<{ event: KioskEventName | '*'; fn: (...args: never[]) => void }>();
  return {
    on(event, listener) {
      const entry = { event, fn: listener as (...args: never[]) => void };
      listeners.add(entry);
      return () => void listeners.delete(entry);
    },
    onAny(listener) {
      const entry = { event: '*' as const, fn: listener as (...args: never[]) => void };
      listeners.add(entry);
      return () => void listeners.delete(entry);
    },
    emit(event, payload) {
      for (const l of [...listeners]) {
        try {
          if (l.event === event) (l.fn as (p: unknown) => void)(payload);
          else if (l.event === '*') (l.fn as (e: string, p: unknown) => void)(event, payload);
        } catch (error) {
          // One broken subscriber (a closed socket) must not stop the others or the request that emitted.
          onListenerError(error);
        }
      }
    },
  };
}

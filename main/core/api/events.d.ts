import type { KioskEventName, KioskEvents } from '../../../preload/contract';
export type Listener<E extends KioskEventName> = (payload: KioskEvents[E]) => void;
export interface KioskEventEmitter {
    on<E extends KioskEventName>(event: E, listener: Listener<E>): () => void;
    /** Every event, for bindings that forward all of them. */
    onAny(listener: <E extends KioskEventName>(event: E, payload: KioskEvents[E]) => void): () => void;
    emit<E extends KioskEventName>(event: E, payload: KioskEvents[E]): void;
}
export declare function createEventEmitter(onListenerError?: (error: unknown) => void): KioskEventEmitter;

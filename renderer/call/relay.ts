// The relay from the call to main: every event reported in the order it crossed the data channel (one serial
// queue), recording chunks appended, each request retried while main cannot be reached, and a watchdog that
// raises `onSlow` when a request hangs (main's link, and maybe the call with it, is in trouble).
import type { CallAction, KioskBridge } from '../../preload/contract';
import type { RealtimeEvent } from '../logic/realtime';
import { createSerialQueue } from '../logic/serial-queue';
import { retryUnreachable } from '../transport/retry';

/** A request to main unanswered this long (normally a few ms on this machine) raises onSlow. A needless probe
 * that follows costs one session.updated. */
export const SLOW_MAIN_MS = 300;

export interface MainRelayOptions {
  kiosk: KioskBridge;
  sessionId: string;
  /** A request to main has been unanswered for SLOW_MAIN_MS. */
  onSlow(): void;
}

export function createMainRelay(options: MainRelayOptions) {
  const { kiosk, sessionId } = options;
  const queue = createSerialQueue();

  async function watch<T>(request: () => Promise<T>): Promise<T> {
    const timer = setTimeout(() => options.onSlow(), SLOW_MAIN_MS);
    try {
      return await request();
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    /** Reports one event; resolves with what main asks for. Call it inside `enqueue` so order is kept. Retried
     * when main could not be reached: main applies a re-sent server event once (event_id), and a re-sent client
     * item create is idempotent. */
    async report(direction: 'server' | 'client', event: RealtimeEvent, receivedAt: number): Promise<CallAction[]> {
      const { actions } = await watch(() => retryUnreachable(() => kiosk.reportRealtimeEvent({ sessionId, direction, event, receivedAt })));
      return actions;
    },
    /** Appends a recording chunk; a repeated seq is ignored by main, so a chunk whose answer was lost is re-sent. */
    async appendChunk(seq: number, data: Uint8Array, startOffsetMs?: number): Promise<void> {
      const chunk = startOffsetMs === undefined ? { sessionId, seq, data } : { sessionId, seq, data, startOffsetMs };
      await watch(() => retryUnreachable(() => kiosk.appendRecordingChunk(chunk)));
    },
    /** Runs `task` after every task queued before it (the event order). */
    enqueue: <T>(task: () => Promise<T>) => queue.enqueue(task),
    /** Resolves when every queued report has been handled. */
    idle: () => queue.idle(),
  };
}

export type MainRelay = ReturnType<typeof createMainRelay>;

// Ending an interview (idempotent): what is still in progress is finalized and made durable, the recording
// finalized, the session closed, the evaluation queued in the same transaction, the call hung up.
import type { EndInterviewRequest, KioskSlice } from '../../../preload/contract';
import type { KioskDatabase } from '../db/database';
import type { KioskStore } from '../db/store';
import type { createRecorder } from '../recording/recorder';
import type { Calls } from './calls';
import type { Sessions } from './sessions';
import type { Transcripts } from './transcript';

export interface EndingDeps {
  db: KioskDatabase;
  store: KioskStore;
  sessions: Sessions;
  transcripts: Transcripts;
  calls: Calls;
  recorder: ReturnType<typeof createRecorder>;
  /** What follows an interview that took place (the evaluation): queued inside the end's transaction, then woken. */
  afterEnd: { enqueue(sessionId: string): void; wake(): void };
  now: () => number;
}

export function createEnding(deps: EndingDeps) {
  const { sessions, transcripts, store } = deps;
  const api = {
    async endInterview({ sessionId, reason }: EndInterviewRequest) {
      const row = sessions.require(sessionId);
      if (row.status === 'completed' || row.status === 'failed') return sessions.summary(sessionId); // idempotent
      const s = transcripts.liveFor(row);
      transcripts.finalize(sessionId, s);
      deps.recorder.finalize(sessionId);
      const status = reason === 'error' || row.status === 'scheduled' ? 'failed' : 'completed';
      deps.db.transaction(() => {
        store.updateSession(row, {
          status,
          endTime: new Date(deps.now()).toISOString(),
          reason: row.status === 'scheduled' ? 'ended before the call started' : `ended: ${reason}`,
        });
        // The evaluation is queued with the end itself, so no ended interview can miss it.
        if (row.status !== 'scheduled') deps.afterEnd.enqueue(sessionId);
      })();
      deps.afterEnd.wake();
      if (s.call) {
        const call = s.call;
        s.call = null;
        deps.calls.hangupQuietly(call);
      }
      transcripts.forget(sessionId);
      sessions.emit(sessionId);
      return sessions.summary(sessionId);
    },
  } satisfies KioskSlice<'endInterview'>;
  return { api };
}

// The interview's recording: chunks from the renderer appended in order, only with the candidate's consent.
import { KioskError, type KioskSlice, type RecordingChunk } from '../../../preload/contract';
import type { createRecorder } from '../recording/recorder';
import type { Sessions } from './sessions';

export function createRecordingIntake(deps: { sessions: Sessions; recorder: ReturnType<typeof createRecorder> }) {
  const api = {
    async appendRecordingChunk({ sessionId, seq, data }: RecordingChunk) {
      const row = deps.sessions.require(sessionId);
      if (!row.recording_consent) {
        throw new KioskError('conflict', 'The candidate did not consent to recording, so no audio is stored for this interview.');
      }
      if (row.status === 'scheduled') throw new KioskError('conflict', 'Recording chunks arrived before the interview started.');
      return deps.recorder.append(sessionId, seq, data);
    },
  } satisfies KioskSlice<'appendRecordingChunk'>;
  return { api };
}

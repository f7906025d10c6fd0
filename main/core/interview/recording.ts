// The interview's recording: chunks from the renderer appended in order, only with the candidate's consent.
import { KioskError, type KioskSlice, type RecordingChunk } from '../../../preload/contract';
import type { createRecorder } from '../recording/recorder';
import type { Sessions } from './sessions';

/** Clock reading differences between the renderer and main tolerated in a start offset. */
const OFFSET_SLACK_MS = 2_000;

export function createRecordingIntake(deps: { sessions: Sessions; recorder: ReturnType<typeof createRecorder>; now: () => number }) {
  const api = {
    async appendRecordingChunk({ sessionId, seq, data, startOffsetMs }: RecordingChunk) {
      const row = deps.sessions.require(sessionId);
      if (!row.recording_consent) {
        throw new KioskError('conflict', 'The candidate did not consent to recording, so no audio is stored for this interview.');
      }
      if (row.status === 'scheduled') throw new KioskError('conflict', 'Recording chunks arrived before the interview started.');
      if (startOffsetMs !== undefined) {
        // The recorder started before its first chunk arrived here, so no later than now (a little slack for the
        // renderer's clock reading).
        const started = row.start_time ? Date.parse(row.start_time) : NaN;
        const elapsed = deps.now() - started;
        if (!Number.isFinite(elapsed) || startOffsetMs > elapsed + OFFSET_SLACK_MS) {
          throw new KioskError('invalid_request', `The recorder's start offset (${startOffsetMs} ms) is later than the interview has been running (${Number.isFinite(elapsed) ? `${Math.round(elapsed)} ms` : 'not started'}).`);
        }
      }
      return deps.recorder.append(sessionId, seq, data, startOffsetMs);
    },
  } satisfies KioskSlice<'appendRecordingChunk'>;
  return { api };
}

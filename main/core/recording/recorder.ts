// Interview audio, appended chunk by chunk to <dataDir>/recordings/<sessionId>.webm as the renderer's
// MediaRecorder produces it. Chunks arrive in seq order: a repeat is ignored (a retried request), a gap is an
// error (a lost chunk would corrupt the WebM). The recordings row is updated after the bytes are written, and on
// reopen the file is cut back to the row's length, so a crash between the two never leaves a half-counted chunk.
import { closeSync, fsyncSync, ftruncateSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { KioskError } from '../../../preload/contract';
import type { KioskStore, RecordingRow } from '../db/store';

/** Largest single chunk (MediaRecorder at 1 s timeslices makes ~20 KB). */
export const MAX_CHUNK_BYTES = 512 * 1024;
/** fsync at most this often while recording (and always when finalizing). */
const FSYNC_INTERVAL_MS = 2_000;

interface OpenRecording {
  fd: number;
  row: RecordingRow;
  lastSync: number;
}

export function createRecorder(store: KioskStore, dataDir: string, now: () => number = Date.now) {
  const dir = join(dataDir, 'recordings');
  const open = new Map<string, OpenRecording>();

  function openFor(sessionId: string): OpenRecording {
    const existing = open.get(sessionId);
    if (existing) return existing;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const row: RecordingRow = store.recording(sessionId) ?? { session_id: sessionId, file_name: `${sessionId}.webm`, bytes: 0, chunks: 0, finalized: 0 };
    const fd = openSync(join(dir, row.file_name), 'a+', 0o600); // a candidate's voice: owner-only
    if (statSync(join(dir, row.file_name)).size !== row.bytes) ftruncateSync(fd, row.bytes);
    const rec = { fd, row, lastSync: now() };
    open.set(sessionId, rec);
    return rec;
  }

  return {
    fileFor(sessionId: string): string {
      return join(dir, store.recording(sessionId)?.file_name ?? `${sessionId}.webm`);
    },
    /** `startOffsetMs` comes with chunk 0 only: when the recorder started, after the interview start. */
    append(sessionId: string, seq: number, data: Uint8Array, startOffsetMs?: number): { bytes: number } {
      if (data.byteLength > MAX_CHUNK_BYTES) {
        throw new KioskError('payload_too_large', `A recording chunk of ${data.byteLength} bytes is larger than the ${MAX_CHUNK_BYTES}-byte limit.`);
      }
      const row = store.recording(sessionId);
      if (row?.finalized) throw new KioskError('conflict', 'The recording of this interview is already finalized.');
      const rec = openFor(sessionId);
      if (seq < rec.row.chunks) return { bytes: rec.row.bytes }; // a repeat: already stored
      if (seq > rec.row.chunks) {
        throw new KioskError('conflict', `Recording chunk ${seq} arrived but chunk ${rec.row.chunks} is missing; chunks must arrive in order.`);
      }
      let written = 0;
      while (written < data.byteLength) written += writeSync(rec.fd, data, written, data.byteLength - written);
      if (now() - rec.lastSync >= FSYNC_INTERVAL_MS) {
        fsyncSync(rec.fd);
        rec.lastSync = now();
      }
      rec.row = {
        ...rec.row, bytes: rec.row.bytes + data.byteLength, chunks: rec.row.chunks + 1,
        ...(seq === 0 && startOffsetMs !== undefined ? { start_offset_ms: startOffsetMs } : {}),
      };
      store.saveRecording(rec.row);
      return { bytes: rec.row.bytes };
    },
    finalize(sessionId: string): RecordingRow | null {
      const rec = open.get(sessionId);
      const row = rec?.row ?? store.recording(sessionId);
      if (!row) return null;
      if (rec) {
        fsyncSync(rec.fd);
        closeSync(rec.fd);
        open.delete(sessionId);
      }
      const done = { ...row, finalized: 1 };
      store.saveRecording(done);
      return done;
    },
    closeAll(): void {
      for (const [id, rec] of open) {
        try {
          fsyncSync(rec.fd);
          closeSync(rec.fd);
        } catch {
          // closing on shutdown: nothing more to do
        }
        open.delete(id);
      }
    },
  };
}

export type Recorder = ReturnType<typeof createRecorder>;

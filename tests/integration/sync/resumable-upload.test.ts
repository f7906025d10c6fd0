// Recordings above 6 MB go through Supabase Storage's resumable (TUS) endpoint, streamed from the file: a 60 MB
// recording over a link cut three times mid-transfer arrives whole and byte-for-byte equal, re-sending at most 10 %
// more than its size; the operator sees the upload's progress; and an app restart mid-upload continues from the
// server's offset (HEAD) instead of starting over. Against the test gateway's TUS subset (tests/support/gateway/tus.ts).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { SessionSummary, SyncStatus } from '../../../preload/contract';
import { drained, runInterview, startSyncKiosk, useSeededStack, waitForSync } from './support';

const env = useSeededStack();
const MB = 1024 * 1024;

async function sha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(file)) h.update(c as Buffer);
  return h.digest('hex');
}

function localRecording(kiosk: { db: { prepare(sql: string): { get(...a: unknown[]): unknown } }; dataDir: string }, sessionId: string): string {
  const row = kiosk.db.prepare('SELECT file_name FROM recordings WHERE session_id = ?').get(sessionId) as { file_name: string };
  return join(kiosk.dataDir, 'recordings', row.file_name);
}

describe('resumable recording upload', { timeout: 300_000 }, () => {
  it('60 MB over a link cut three times: complete, byte-for-byte, ≤ 10 % re-sent, progress shown', async () => {
    const { gateway } = env.stack;
    const kiosk = await startSyncKiosk({ stack: env.stack, sync: { requestTimeoutMs: 30_000 } });
    try {
      const progress: NonNullable<SyncStatus['upload']>[] = [];
      const off = kiosk.service.events.on('sync', (s) => s.upload && progress.push(s.upload));
      // Three transfers cut part-way (the counts are bytes of that PATCH's body stored before the link drops).
      gateway.faults.cutUploadsAfterBytes = [2.5 * MB, 4 * MB, 1 * MB].map(Math.floor);
      const before = { ...gateway.tus };
      const summary: SessionSummary = await runInterview(kiosk, { turns: 2, recordingBytes: 60 * MB });
      const done = await waitForSync(kiosk.service, (s) => drained(s) && !s.upload, 240_000, 'the recording uploaded');
      off();
      assert.equal(done.quarantined.length, 0, JSON.stringify(done.quarantined));
      const row = kiosk.db.prepare('SELECT recording_path FROM interview_sessions WHERE id = ?').get(summary.session.id) as { recording_path: string | null };
      assert.ok(row.recording_path, 'the session names its uploaded recording');
      const stored = await gateway.objectFile('recordings', row.recording_path);
      assert.ok(stored, 'the object exists in Storage');
      const local = localRecording(kiosk, summary.session.id);
      assert.equal(await sha256(stored), await sha256(local), 'byte-for-byte equal');
      const size = 60 * MB;
      const cuts = gateway.tus.cuts - before.cuts;
      const received = gateway.tus.bytesReceived - before.bytesReceived;
      assert.equal(cuts, 3, 'the link was cut three times');
      assert.ok(received >= size, `${received} bytes received for a ${size}-byte file`);
      assert.ok(received <= size * 1.1, `re-sent ${(received / size - 1) * 100} % more than the file (goal ≤ 10 %)`);
      // The operator saw it move, up to the whole file. (How many updates depends on speed: the status is
      // coalesced to one per 250 ms and a fast link sends the 10 chunks in less than a second.)
      assert.ok(progress.length >= 2, `${progress.length} progress updates`);
      assert.ok(progress.some((p) => p.sentBytes > 0 && p.sentBytes < p.totalBytes), 'part-way progress shown');
      assert.equal(progress.at(-1)!.totalBytes, size);
      const keptRecords = kiosk.db.prepare("SELECT count(*) AS n FROM sync_state WHERE key LIKE 'upload:%'").get() as { n: number };
      assert.equal(keptRecords.n, 0, 'the kept upload record is gone once done');
    } finally {
      gateway.faults.cutUploadsAfterBytes = [];
      await kiosk.close();
    }
  });

  it('an app restart mid-upload continues from the server\'s offset', async () => {
    const { gateway } = env.stack;
    const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-tus-restart-'));
    let kiosk = await startSyncKiosk({ stack: env.stack, dataDir, sync: { requestTimeoutMs: 30_000 } });
    try {
      const size = 20 * MB;
      // A slow link (each request held 1.5 s), so the app can be stopped with the upload part-way.
      gateway.faults.delayMs = 1500;
      const summary = await runInterview(kiosk, { turns: 1, recordingBytes: size });
      // Stop the app once the server holds part of it.
      await waitForSync(kiosk.service, (s) => !!s.upload && s.upload.sentBytes >= 6 * MB, 120_000, 'part of the recording uploaded');
      const kept = kiosk.db.prepare("SELECT value FROM sync_state WHERE key = ?").get(`upload:${summary.session.id}`) as { value: string } | undefined;
      assert.ok(kept, 'the upload\'s URL and offset are kept in SQLite');
      await kiosk.stop();
      gateway.faults.delayMs = 0;
      const logFrom = gateway.log.length;
      const receivedBefore = gateway.tus.bytesReceived;
      const atStop = JSON.parse(kept.value) as { url: string; offset: number };
      assert.ok(atStop.offset >= 6 * MB);

      kiosk = await startSyncKiosk({ stack: env.stack, dataDir, signIn: false, sync: { requestTimeoutMs: 30_000 } });
      await waitForSync(kiosk.service, (s) => drained(s) && !s.upload, 120_000, 'the upload finished after the restart');
      const after = gateway.log.slice(logFrom).filter((l) => l.path.startsWith('/storage/v1/upload/resumable'));
      assert.equal(after[0]?.method, 'HEAD', `the restarted app first asks the server for its offset: ${JSON.stringify(after.slice(0, 3))}`);
      assert.ok(!after.some((l) => l.method === 'POST'), 'no new upload was created');
      const resent = gateway.tus.bytesReceived - receivedBefore;
      assert.ok(resent <= size - atStop.offset + 0.1 * size, `after the restart ${resent} bytes were sent for the ${size - atStop.offset} missing`);
      const row = kiosk.db.prepare('SELECT recording_path FROM interview_sessions WHERE id = ?').get(summary.session.id) as { recording_path: string };
      const stored = await gateway.objectFile('recordings', row.recording_path);
      assert.ok(stored);
      assert.equal(await sha256(stored), await sha256(localRecording(kiosk, summary.session.id)), 'byte-for-byte equal after the restart');
    } finally {
      gateway.faults.delayMs = 0;
      await kiosk.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

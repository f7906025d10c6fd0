// Resumable recording upload (main/core/sync/resumable.ts) against the test gateway's TUS endpoint, same run:
// - upload_resent_ratio: bytes the server received ÷ file size for a 60 MB recording whose transfer is cut three
//   times mid-chunk; baseline: the same for an uncut upload (1.0 when nothing is sent twice). Goal ≤ 1.10.
// - upload_mb_per_s: that uncut resumable upload's throughput (first byte of the upload → the sync engine drained,
//   6 MB PATCHes streamed from disk); baseline: one direct PUT (POST /storage/v1/object, the whole file as the
//   body) of the same file to the same gateway.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SyncStatus } from '../../preload/contract';
import { startSupabaseStack } from '../support/gateway/stack';
import { drained, runInterview, startSyncKiosk, waitForSync, type SyncKiosk } from '../integration/sync/support';
import { metric, type BenchResults } from './metric';

const MB = 1024 * 1024;
const SIZE = 60 * MB;

async function timedUpload(kiosk: SyncKiosk): Promise<{ seconds: number; sessionId: string; file: string }> {
  let startedAt = 0;
  const off = kiosk.service.events.on('sync', (s: SyncStatus) => {
    if (s.upload && !startedAt) startedAt = performance.now();
  });
  const summary = await runInterview(kiosk, { turns: 1, recordingBytes: SIZE });
  await waitForSync(kiosk.service, (s) => drained(s) && !s.upload, 600_000, 'the recording uploaded');
  off();
  const row = kiosk.db.prepare('SELECT file_name FROM recordings WHERE session_id = ?').get(summary.session.id) as { file_name: string };
  return { seconds: (performance.now() - startedAt) / 1000, sessionId: summary.session.id, file: join(kiosk.dataDir, 'recordings', row.file_name) };
}

export async function run(): Promise<BenchResults> {
  const stack = await startSupabaseStack({ seed: true });
  const { gateway } = stack;
  const kiosk = await startSyncKiosk({ stack, sync: { requestTimeoutMs: 60_000 } });
  try {
    // Uncut.
    let before = gateway.tus.bytesReceived;
    const plain = await timedUpload(kiosk);
    const uncutRatio = (gateway.tus.bytesReceived - before) / SIZE;
    // Cut three times part-way through a chunk.
    gateway.faults.cutUploadsAfterBytes = [Math.floor(2.5 * MB), 4 * MB, 1 * MB];
    before = gateway.tus.bytesReceived;
    await timedUpload(kiosk);
    const cutRatio = (gateway.tus.bytesReceived - before) / SIZE;
    gateway.faults.cutUploadsAfterBytes = [];
    // Baseline: the same bytes in one direct request (service role, a name of its own).
    const body = readFileSync(plain.file);
    const t0 = performance.now();
    const res = await fetch(`${gateway.url}/storage/v1/object/recordings/bench/${randomUUID()}.webm`, {
      method: 'POST',
      headers: { apikey: gateway.serviceKey, authorization: `Bearer ${gateway.serviceKey}`, 'content-type': 'audio/webm' },
      body,
    });
    const directSeconds = (performance.now() - t0) / 1000;
    if (!res.ok) throw new Error(`direct upload failed: ${res.status} ${await res.text()}`);
    return {
      upload_resent_ratio: metric(cutRatio, 'ratio', uncutRatio, '60 MB, 3 cuts mid-chunk; baseline uncut; goal ≤ 1.10'),
      upload_mb_per_s: metric(SIZE / MB / plain.seconds, 'MB/s', SIZE / MB / directSeconds, 'resumable 6 MB chunks from disk; baseline one direct request'),
    };
  } finally {
    gateway.faults.cutUploadsAfterBytes = [];
    await kiosk.close();
    await stack.stop();
  }
}

// A damaged (unreadable) recording does not block the session's upload: the session row and every transcript entry
// reach Postgres, the recording's row is quarantined with its error in words for the operator, nothing else waits.
import assert from 'node:assert/strict';
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertSessionInPostgres, runInterview, startSyncKiosk, useSeededStack, waitForSync } from './support';

const env = useSeededStack();

describe('a damaged recording', () => {
  test('is quarantined in words while the session and its transcript still upload', async () => {
    let offline = false;
    const kiosk = await startSyncKiosk({
      stack: env.stack,
      backendFetch: (input, init) => (offline ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init)),
    });
    try {
      offline = true; // the interview runs offline, so everything is still queued when the file is damaged
      const summary = await runInterview(kiosk, { turns: 3, recordingBytes: 512 * 1024 });
      const sessionId = summary.session.id;
      const file = join(kiosk.dataDir, 'recordings', `${sessionId}.webm`);
      renameSync(file, `${file}.kept`);
      mkdirSync(file); // the name is there, its bytes cannot be read (EISDIR)
      offline = false;
      await kiosk.call('syncNow');
      const status = await waitForSync(kiosk.service, (s) => s.pending === 0 && s.quarantined.length > 0, 30_000, 'the queue to drain around the damaged recording');
      assert.equal(status.quarantined.length, 1);
      const q = status.quarantined[0]!;
      assert.equal(q.kind, 'recording');
      assert.equal(q.sessionId, sessionId);
      assert.match(q.error, new RegExp(`recording file ${sessionId}\\.webm could not be read`));
      const { entries } = await assertSessionInPostgres(kiosk.db, env.client, sessionId);
      assert.equal(entries, summary.entries.length);
      const objects = (await env.client.query(`select count(*)::int n from storage.objects where bucket_id = 'recordings' and name like $1`, [`%${sessionId}%`])).rows[0].n;
      assert.equal(objects, 0, 'nothing half-uploaded for the damaged file');
    } finally {
      await kiosk.close();
    }
  });
});

// Retention on a real SQLite file after real uploads (Postgres behind the Supabase-compatible gateway): the local
// transcript and recording of an interview go `retentionDays` after the backend confirmed them, on the shell's own
// timer (a fake clock here); an interview still queued is never touched, however old. The setting is validated.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { SettingsView } from '../../../preload/contract';
import { memorySettingsStore } from '../../../main/core/settings/types';
import type { Clock } from '../../../main/core/sync/engine';
import { createRetention } from '../../../main/core/sync/retention';
import { drained, evaluationsSettled, runInterview, startSyncKiosk, useSeededStack, waitForSync } from './support';

const env = useSeededStack();
const DAY = 24 * 60 * 60 * 1000;

/** A clock that moves only when told; its timers fire when time passes them. */
function manualClock(start: number): Clock & { advance(ms: number): void } {
  let now = start;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let next = 1;
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = next++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout(h) {
      timers = timers.filter((t) => t.id !== h);
    },
    advance(ms) {
      now += ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= now).sort((a, b) => a.at - b.at)[0];
        if (!due) return;
        timers = timers.filter((t) => t !== due);
        due.fn();
      }
    },
  };
}

describe('retention', () => {
  test('uploaded interviews lose their local transcript and recording after the configured days; queued ones never', { timeout: 120_000 }, async () => {
    const kiosk = await startSyncKiosk({ stack: env.stack });
    try {
      // The setting: whole days, 1 to 365; no "keep forever".
      for (const bad of [0, -1, 1.5, 366]) {
        const r = await kiosk.result('updateSettings', { retentionDays: bad });
        assert.equal((r as { error: { code: string } }).error.code, 'invalid_request', `retentionDays ${bad} refused`);
      }
      assert.equal((await kiosk.call<SettingsView>('getSettings')).retentionDays, 30, 'the default');
      assert.equal((await kiosk.call<SettingsView>('updateSettings', { retentionDays: 7 })).retentionDays, 7);

      const uploaded = await runInterview(kiosk, { turns: 2, recordingBytes: 30_000 });
      await evaluationsSettled(kiosk); // its evaluation is uploaded too
      await waitForSync(kiosk.service, drained, 30_000, 'the upload');
      await kiosk.call('signOutDevice');
      const queued = await runInterview(kiosk, { turns: 1, recordingBytes: 20_000 });
      const recordingOf = (id: string) => join(kiosk.dataDir, 'recordings', `${id}.webm`);
      const entriesOf = (id: string) => kiosk.db.prepare('SELECT count(*) FROM transcript_entries WHERE session_id = ?').pluck().get(id) as number;
      assert.ok(existsSync(recordingOf(uploaded.session.id)) && existsSync(recordingOf(queued.session.id)));

      const confirmed = Date.parse(kiosk.db.prepare('SELECT synced_at FROM interview_sessions WHERE id = ?').pluck().get(uploaded.session.id) as string);
      const clock = manualClock(confirmed);
      const logs: string[] = [];
      const retention = createRetention({
        db: kiosk.db, dataDir: kiosk.dataDir, settings: memorySettingsStore({ retentionDays: 7 }), clock, log: (l) => logs.push(l), intervalMs: 60 * 60 * 1000,
      });
      retention.start();
      try {
        clock.advance(7 * DAY - 60 * 60 * 1000); // the hourly sweeps up to 1 h before the 7 days: nothing yet
        assert.equal(entriesOf(uploaded.session.id), uploaded.entries.length);
        assert.ok(existsSync(recordingOf(uploaded.session.id)));

        clock.advance(60 * 60 * 1000); // 7 days after the confirmation
        assert.equal(entriesOf(uploaded.session.id), 0, 'the uploaded transcript is gone');
        assert.equal(existsSync(recordingOf(uploaded.session.id)), false, 'the uploaded recording file is gone');
        assert.equal(kiosk.db.prepare('SELECT count(*) FROM recordings WHERE session_id = ?').pluck().get(uploaded.session.id), 0);
        assert.ok(kiosk.db.prepare('SELECT id FROM interview_sessions WHERE id = ?').get(uploaded.session.id), 'the session row stays');
        assert.match(logs.join('\n'), /removed the local transcript and recording of 1 uploaded interviews older than 7 days/);

        // The queued interview is untouched a year later.
        clock.advance(365 * DAY);
        assert.equal(entriesOf(queued.session.id), queued.entries.length);
        assert.ok(existsSync(recordingOf(queued.session.id)));
        // Deleting locally queues nothing and changes nothing on the server.
        assert.equal(kiosk.db.prepare(`SELECT count(*) FROM sync_outbox WHERE session_id = ?`).pluck().get(uploaded.session.id), 0);
        assert.equal((await env.client.query('select count(*)::int as n from transcript_entries where session_id = $1', [uploaded.session.id])).rows[0].n, uploaded.entries.length);
      } finally {
        retention.close();
      }
    } finally {
      await kiosk.close();
    }
  });
});

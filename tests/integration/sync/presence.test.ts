// Kiosk presence through the sync feature against the real Postgres behind the gateway: the kiosk_status row
// follows the kiosk (pre-flight, interviewing with question k, finished, back to idle), the heartbeat keeps
// last_seen fresh while nothing changes, an outage keeps only the latest state and delivers it afterwards, and a
// presence table the server refuses never holds up the transcript.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertSessionInPostgres, drained, runInterview, startSyncKiosk, useSeededStack, waitForSync } from './support';

const env = useSeededStack();

async function statusRow(): Promise<Record<string, any> | undefined> {
  return (await env.client.query(`select k.*, extract(epoch from k.last_seen) * 1000 as seen_ms from kiosk_status k
    join auth.users u on u.id = k.device_id where u.email = $1`, [env.stack.device!.email])).rows[0];
}

async function until<T>(what: string, get: () => Promise<T | undefined>, ok: (v: T | undefined) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v) && v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('kiosk presence', () => {
  test('the status row follows the kiosk through pre-flight, the interview (question k) and the end; the heartbeat keeps it fresh', async () => {
    const kiosk = await startSyncKiosk({ stack: env.stack, sync: { presenceHeartbeatMs: 300 } });
    try {
      await kiosk.call('reportKioskState', { state: 'pre_flight' });
      await until('pre_flight', statusRow, (r) => r?.state === 'pre_flight');
      const questions: number[] = [];
      let sessionId = '';
      const summary = await runInterview(kiosk, {
        turns: 4,
        between: async () => {
          const r = await statusRow();
          if (r?.state === 'interviewing' && r.question !== null && questions.at(-1) !== r.question) questions.push(r.question);
          sessionId ||= r?.session_id ?? '';
        },
      });
      const done = await until('finished', statusRow, (r) => r?.state === 'finished');
      assert.equal(done.session_id, summary.session.id);
      assert.equal(sessionId, summary.session.id);
      assert.ok(questions.length >= 2 && questions.every((q, i) => i === 0 || q > questions[i - 1]!), `question k rises: ${questions}`);
      // Nothing changes now; the heartbeat alone moves last_seen (server time).
      const seen = Number(done.seen_ms);
      await until('a heartbeat', statusRow, (r) => Number(r?.seen_ms) > seen + 200);
      await kiosk.call('reportKioskState', { state: 'idle' });
      const idle = await until('idle', statusRow, (r) => r?.state === 'idle');
      assert.equal(idle.session_id, null);
      assert.equal(idle.question, null);
      // Bad input is refused in words, and changes nothing.
      const bad = await kiosk.result('reportKioskState', { state: 'interviewing' });
      assert.equal(bad.ok, false);
      assert.equal((await statusRow())?.state, 'idle');
    } finally {
      await kiosk.close();
    }
  });

  test('an outage keeps only the latest state and sends it when the backend is back', async () => {
    const kiosk = await startSyncKiosk({ stack: env.stack, sync: { presenceHeartbeatMs: 300 } });
    try {
      await kiosk.call('reportKioskState', { state: 'idle' });
      await until('idle', statusRow, (r) => r?.state === 'idle');
      env.stack.gateway.faults.down = true;
      await env.stack.gateway.settled();
      kiosk.service.sync.setKioskState('help_requested');
      kiosk.service.sync.setKioskState('paused');
      await new Promise((r) => setTimeout(r, 600));
      assert.equal((await statusRow())?.state, 'idle', 'nothing reached the server during the outage');
      env.stack.gateway.faults.down = false;
      await env.stack.gateway.settled();
      const back = await until('paused after the outage', statusRow, (r) => r?.state === 'paused', 15_000);
      assert.equal(back.session_id, null);
    } finally {
      env.stack.gateway.faults = {};
      await kiosk.close();
    }
  });

  test('a presence table the server refuses never holds up the transcript', async () => {
    await env.client.query('alter table kiosk_status rename to kiosk_status_gone');
    const kiosk = await startSyncKiosk({ stack: env.stack, sync: { presenceHeartbeatMs: 200 } });
    try {
      const summary = await runInterview(kiosk, { turns: 3 });
      await waitForSync(kiosk.service, drained, 20_000, 'transcript drained while presence fails');
      await assertSessionInPostgres(kiosk.db, env.client, summary.session.id);
      assert.ok(kiosk.logs.some((l) => /kiosk status not sent/.test(l)), 'presence did try and fail');
    } finally {
      await env.client.query('alter table kiosk_status_gone rename to kiosk_status');
      await kiosk.close();
    }
  });
});

// redeem_invitation: exactly one winner when kiosks race, and unknown / expired / used codes told apart.
// Answers { outcome: 'redeemed', invitation } or { outcome: 'unknown', attempts_left } (supabase/README.md).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { sessionRow, signedIn, startStack, type Stack } from './fixture';

describe('redeem_invitation', { timeout: 60_000 }, () => {
  let s: Stack;
  let a1: SupabaseClient;
  let a2: SupabaseClient;

  const invite = async (token: string, expires = "now() + interval '1 day'", status = 'open') => {
    await s.db.query(
      `insert into interview_invitations (tenant_id, token, status, expires_at, candidate_id, position_id, redeemed_at)
       values ($1, $2, $3, ${expires}, $4, $5, case when $3 in ('redeemed', 'completed') then now() end)`,
      [s.a.id, token, status, s.a.candidateId, s.a.positionId]);
  };

  before(async () => {
    s = await startStack();
    // Two kiosks of the same tenant (two clients signed in as the tenant's device user).
    a1 = await signedIn(s.gateway, s.a);
    a2 = await signedIn(s.gateway, s.a);
  });
  after(async () => { await s?.stop(); });

  it('succeeds for an open code and returns the invitation', async () => {
    await invite('OPEN-1');
    const r = await a1.rpc('redeem_invitation', { p_token: 'OPEN-1', p_device: 'kiosk-1' });
    assert.equal(r.error, null);
    assert.equal(r.data.outcome, 'redeemed');
    assert.equal(r.data.invitation.status, 'redeemed');
    assert.equal(r.data.invitation.redeemed_by_device, 'kiosk-1');
    assert.equal(r.data.invitation.candidate_id, s.a.candidateId);
    assert.equal(r.data.invitation.position_id, s.a.positionId);
    assert.ok(r.data.invitation.redeemed_at);
    assert.equal(r.data.invitation.token, undefined, 'the answer does not repeat the code');
  });

  it('two concurrent redemptions of one code: exactly one succeeds, the other gets KI409', async () => {
    for (let round = 0; round < 5; round++) {
      const token = `RACE-${round}`;
      await invite(token);
      const results = await Promise.all([
        a1.rpc('redeem_invitation', { p_token: token, p_device: 'kiosk-1' }),
        a2.rpc('redeem_invitation', { p_token: token, p_device: 'kiosk-2' }),
      ]);
      const winners = results.filter((r) => r.error === null);
      const losers = results.filter((r) => r.error !== null);
      assert.equal(winners.length, 1, `round ${round}: one winner`);
      assert.equal(losers[0]!.error!.code, 'KI409');
      const row = await s.db.query('select status, redeemed_by_device from interview_invitations where token = $1', [token]);
      assert.equal(row.rows[0].status, 'redeemed');
      assert.equal(row.rows[0].redeemed_by_device, winners[0]!.data.invitation.redeemed_by_device);
    }
  });

  it('the loser of a race waits on the winner\'s row lock and then sees the code used (deterministic interleaving)', async () => {
    await invite('LOCK-1');
    const claims = JSON.stringify({ role: 'authenticated', sub: '00000000-0000-4000-8000-00000000000a', app_metadata: { tenant_id: s.a.id } });
    const first = new pg.Client({ connectionString: s.pg.url });
    const second = new pg.Client({ connectionString: s.pg.url });
    await first.connect();
    await second.connect();
    try {
      for (const c of [first, second]) {
        await c.query('begin');
        await c.query(`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`, [claims]);
      }
      const won = await first.query(`select public.redeem_invitation('LOCK-1', 'kiosk-1') -> 'invitation' ->> 'status' as status`);
      assert.equal(won.rows[0].status, 'redeemed');
      // The second call blocks on the row lock until the first transaction ends.
      let settled = false;
      const lost = second.query(`select public.redeem_invitation('LOCK-1', 'kiosk-2')`).then(
        () => { settled = true; return null; },
        (err: { code?: string }) => { settled = true; return err; });
      await waitFor(async () => (await s.db.query(
        `select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like '%LOCK-1%kiosk-2%'`)).rows[0].n === 1);
      assert.equal(settled, false, 'second redemption is blocked while the first is uncommitted');
      await first.query('commit');
      const err = await lost;
      assert.equal(err?.code, 'KI409');
      await second.query('rollback');
    } finally {
      await first.end();
      await second.end();
    }
  });

  it('unknown, expired and used codes are distinguishable by code', async () => {
    await invite('EXPIRED-1', "now() - interval '1 minute'");
    await invite('EXPIRED-2', "now() + interval '1 day'", 'expired');
    await invite('DONE-1', "now() + interval '1 day'", 'completed');
    const unknown = await a1.rpc('redeem_invitation', { p_token: 'NO-SUCH', p_device: 'kiosk-1' });
    const expired = await a1.rpc('redeem_invitation', { p_token: 'EXPIRED-1', p_device: 'kiosk-1' });
    const expired2 = await a1.rpc('redeem_invitation', { p_token: 'EXPIRED-2', p_device: 'kiosk-1' });
    const used = await a1.rpc('redeem_invitation', { p_token: 'DONE-1', p_device: 'kiosk-1' });
    const empty = await a1.rpc('redeem_invitation', { p_token: '  ', p_device: 'kiosk-1' });
    // An unknown code is an answer, not an error: an error would roll back the record of the attempt.
    assert.equal(unknown.error, null);
    assert.equal(unknown.data.outcome, 'unknown');
    assert.equal(typeof unknown.data.attempts_left, 'number');
    assert.deepEqual(
      [expired, expired2, used, empty].map((r) => [r.status, r.error?.code, r.error?.hint]),
      [
        [400, 'KI410', 'invitation_expired'],
        [400, 'KI410', 'invitation_expired'],
        [400, 'KI409', 'invitation_used'],
        [400, '22023', 'invalid_code'],
      ],
    );
    const still = await s.db.query(`select status from interview_invitations where token = 'EXPIRED-1'`);
    assert.equal(still.rows[0].status, 'open', 'a failed redemption changes nothing');
  });

  it('the redeeming device may retry (lost answer) and gets the same row; another device may not', async () => {
    await invite('RETRY-1');
    const first = await a1.rpc('redeem_invitation', { p_token: 'RETRY-1', p_device: 'kiosk-1' });
    const again = await a1.rpc('redeem_invitation', { p_token: 'RETRY-1', p_device: 'kiosk-1' });
    assert.equal(again.error, null);
    assert.equal(again.data.invitation.id, first.data.invitation.id);
    assert.equal(again.data.invitation.redeemed_at, first.data.invitation.redeemed_at);
    const other = await a2.rpc('redeem_invitation', { p_token: 'RETRY-1', p_device: 'kiosk-2' });
    assert.equal(other.error?.code, 'KI409');
  });

  it('a redemption whose answer is lost (committed, connection dropped) can be retried by the same device', async () => {
    await invite('LOST-1');
    s.gateway.faults = { resetAfterCommit: 1 };
    try {
      const lost = await a1.rpc('redeem_invitation', { p_token: 'LOST-1', p_device: 'kiosk-1' });
      assert.ok(lost.error, 'the dropped answer surfaces as an error');
    } finally {
      s.gateway.faults = {};
    }
    const row = await s.db.query(`select status from interview_invitations where token = 'LOST-1'`);
    assert.equal(row.rows[0].status, 'redeemed', 'the redemption was committed');
    const retry = await a1.rpc('redeem_invitation', { p_token: 'LOST-1', p_device: 'kiosk-1' });
    assert.equal(retry.error, null);
    assert.equal(retry.data.invitation.redeemed_by_device, 'kiosk-1');
  });

  it('completion links the session; status never moves backwards', async () => {
    await invite('FLOW-1');
    const red = await a1.rpc('redeem_invitation', { p_token: 'FLOW-1', p_device: 'kiosk-1' });
    assert.equal(red.error, null);
    const session = sessionRow(s.a, { candidate_id: red.data.invitation.candidate_id, position_id: red.data.invitation.position_id });
    assert.equal((await a1.from('interview_sessions').insert(session)).error, null);
    const done = await a1.rpc('complete_invitation', { p_invitation: red.data.invitation.id, p_session: session.id });
    assert.equal(done.error, null);
    assert.equal(done.data.status, 'completed');
    assert.equal(done.data.session_id, session.id);
    // Devices cannot write the table directly; even the service role cannot move the status backwards (trigger).
    const reopen = await a1.from('interview_invitations').update({ status: 'open' }).eq('token', 'FLOW-1');
    assert.equal(reopen.error?.code, '42501');
    await assert.rejects(s.db.query(`update interview_invitations set status = 'open' where token = 'FLOW-1'`), (e: { code?: string }) => e.code === '23514');
    const after = await a1.rpc('redeem_invitation', { p_token: 'FLOW-1', p_device: 'kiosk-1' });
    assert.equal(after.error?.code, 'KI409', 'a completed invitation is used, even for the device that redeemed it');
  });
});

/** Poll a condition (a database state with no event to await), bounded. */
async function waitFor(cond: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

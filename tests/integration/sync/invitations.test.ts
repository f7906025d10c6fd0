// Invitations through the kiosk's own redeem path: online redemption (exactly once when two kiosks race),
// distinct friendly refusals for unknown / expired / used codes, offline redemption against the cache that is
// confirmed with the server later (or quarantined visibly when another kiosk got there first), and completion
// marking the invitation completed with its session in Postgres.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, test } from 'node:test';
import type { InvitationRedemption, KioskResult, SyncStatus } from '../../../preload/contract';
import { DEMO, startSupabaseStack } from '../../support/gateway/stack';
import { drained, pgClient, runInterview, startSyncKiosk, useSeededStack, waitForSync } from './support';

const env = useSeededStack();

async function invitation(token: string, opts: { expiresIn?: string; status?: string } = {}): Promise<string> {
  const { rows } = await env.client.query(
    `insert into interview_invitations (tenant_id, token, status, expires_at, candidate_id, position_id, redeemed_at)
     values ($1, $2, $3, now() + $4::interval, $5, $6, case when $3 = 'open' or $3 = 'expired' then null else now() end) returning id`,
    [DEMO.tenantId, token, opts.status ?? 'open', opts.expiresIn ?? '7 days', DEMO.candidates[2], DEMO.positions[1]],
  );
  return rows[0].id as string;
}

const remoteInvitation = async (token: string) =>
  (await env.client.query('select status, session_id, redeemed_by_device from interview_invitations where token = $1', [token])).rows[0];

describe('invitations at the kiosk', () => {
  test('online: redeem, interview, completion marks the invitation completed with its session', async () => {
    const kiosk = await startSyncKiosk({ stack: env.stack });
    try {
      const r = await kiosk.call<InvitationRedemption>('redeemInvitation', { code: `  ${DEMO.invitationToken} ` });
      assert.equal(r.offline, false);
      assert.equal(r.code, DEMO.invitationToken);
      assert.equal(r.candidate.id, DEMO.candidates[0]);
      assert.equal(r.candidate.name, 'Alex Morgan');
      assert.equal(r.position.id, DEMO.positions[0]);
      assert.equal((await remoteInvitation(DEMO.invitationToken)).status, 'redeemed');
      // The same kiosk typing it again (a retry) gets it back; a second redemption did not happen.
      const again = await kiosk.call<InvitationRedemption>('redeemInvitation', { code: DEMO.invitationToken });
      assert.equal(again.invitationId, r.invitationId);

      const summary = await runInterview(kiosk, { turns: 2, candidateId: r.candidate.id, positionId: r.position.id, invitationId: r.invitationId });
      assert.equal(kiosk.db.prepare('SELECT status FROM invitations WHERE id = ?').pluck().get(r.invitationId), 'completed');
      await waitForSync(kiosk.service, drained, 20_000, 'the queue to drain');
      const remote = await remoteInvitation(DEMO.invitationToken);
      assert.equal(remote.status, 'completed');
      assert.equal(remote.session_id, summary.session.id);

      // Now it is used: distinct message, and a new session cannot be linked to it.
      const used = await kiosk.result('redeemInvitation', { code: DEMO.invitationToken });
      assert.equal(used.ok, false);
      assert.equal((used as { error: { code: string } }).error.code, 'invitation_used');
      const relink = await kiosk.result('createSession', { candidateId: r.candidate.id, positionId: r.position.id, recordingConsent: false, invitationId: r.invitationId });
      assert.equal((relink as { error: { code: string } }).error.code, 'invitation_used');
    } finally {
      await kiosk.close();
    }
  });

  test('unknown, expired and used codes get distinct, friendly messages; malformed input is refused in words', async () => {
    const kiosk = await startSyncKiosk({ stack: env.stack });
    const other = await startSyncKiosk({ stack: env.stack });
    try {
      await invitation('EXPIRED-1', { expiresIn: '-1 day' });
      await invitation('USED-1');
      await other.call('redeemInvitation', { code: 'USED-1' });
      const answers = new Map<string, { code: string; message: string }>();
      for (const code of ['NO-SUCH-CODE', 'EXPIRED-1', 'USED-1']) {
        const res = (await kiosk.result('redeemInvitation', { code })) as KioskResult<unknown>;
        assert.equal(res.ok, false, code);
        if (!res.ok) answers.set(code, res.error);
      }
      assert.equal(answers.get('NO-SUCH-CODE')!.code, 'invitation_unknown');
      assert.equal(answers.get('EXPIRED-1')!.code, 'invitation_expired');
      assert.equal(answers.get('USED-1')!.code, 'invitation_used');
      assert.match(answers.get('NO-SUCH-CODE')!.message, /could not find/);
      assert.match(answers.get('EXPIRED-1')!.message, /expired/);
      assert.match(answers.get('USED-1')!.message, /already been used/);
      assert.equal(new Set([...answers.values()].map((a) => a.message)).size, 3, 'three different messages');
      for (const bad of [{ code: '' }, { code: 'has spaces inside' }, { code: 'x'.repeat(201) }, { code: 42 }, {}]) {
        const res = await kiosk.result('redeemInvitation', bad);
        assert.equal(res.ok, false);
        assert.equal((res as { error: { code: string } }).error.code, 'invalid_request', JSON.stringify(bad));
      }
    } finally {
      await other.close();
      await kiosk.close();
    }
  });

  test('two kiosks redeem the same code at the same moment: exactly one succeeds', async () => {
    const a = await startSyncKiosk({ stack: env.stack });
    const b = await startSyncKiosk({ stack: env.stack });
    try {
      assert.notEqual(a.service.sync.deviceId(), b.service.sync.deviceId());
      for (let round = 0; round < 5; round++) {
        const token = `RACE-${round}-${crypto.randomBytes(3).toString('hex')}`;
        await invitation(token);
        const [ra, rb] = await Promise.all([a.result('redeemInvitation', { code: token }), b.result('redeemInvitation', { code: token })]);
        const ok = [ra, rb].filter((r) => r.ok);
        const refused = [ra, rb].filter((r) => !r.ok) as { ok: false; error: { code: string } }[];
        assert.equal(ok.length, 1, `round ${round}: exactly one kiosk redeemed ${token}`);
        assert.equal(refused[0]!.error.code, 'invitation_used');
        const winner = ra.ok ? a : b;
        assert.equal((await remoteInvitation(token)).redeemed_by_device, winner.service.sync.deviceId());
      }
    } finally {
      await b.close();
      await a.close();
    }
  });

  test('offline: the cached invitation is redeemed locally and confirmed with the server after the outage', async () => {
    await invitation('OFFLINE-OK');
    await invitation('OFFLINE-TAKEN');
    const kiosk = await startSyncKiosk({ stack: env.stack });
    const other = await startSyncKiosk({ stack: env.stack });
    try {
      env.stack.gateway.faults.down = true;
      await env.stack.gateway.settled();
      const r = await kiosk.call<InvitationRedemption>('redeemInvitation', { code: 'OFFLINE-OK' });
      assert.equal(r.offline, true);
      assert.equal(r.candidate.id, DEMO.candidates[2]);
      // The cache answers the refusals offline too.
      const unknown = await kiosk.result('redeemInvitation', { code: 'NEVER-ISSUED' });
      assert.equal((unknown as { error: { code: string } }).error.code, 'invitation_unknown');
      const summary = await runInterview(kiosk, { turns: 2, candidateId: r.candidate.id, positionId: r.position.id, invitationId: r.invitationId });

      // Meanwhile another kiosk (online again first) takes OFFLINE-TAKEN, which this kiosk redeems offline.
      const taken = await kiosk.call<InvitationRedemption>('redeemInvitation', { code: 'OFFLINE-TAKEN' });
      assert.equal(taken.offline, true);
      env.stack.gateway.faults.down = false;
      await env.stack.gateway.settled();
      await other.call('redeemInvitation', { code: 'OFFLINE-TAKEN' });

      await kiosk.service.sync.engine.syncNow();
      const status = await waitForSync(kiosk.service, (s) => s.pending === 0 && s.state === 'idle' && s.quarantined.length === 1, 20_000, 'drain with one conflict');
      const remote = await remoteInvitation('OFFLINE-OK');
      assert.equal(remote.status, 'completed');
      assert.equal(remote.session_id, summary.session.id);
      assert.equal(remote.redeemed_by_device, kiosk.service.sync.deviceId());
      const conflict = status.quarantined[0]!;
      assert.equal(conflict.kind, 'invitation_redeem');
      assert.equal(conflict.code, 'KI409');
      assert.match(conflict.error, new RegExp(`${taken.invitationId}.*another kiosk had already used it`));
      assert.ok(!conflict.error.includes('OFFLINE-TAKEN'), 'no code in what the operator screen shows');
      assert.equal((await remoteInvitation('OFFLINE-TAKEN')).redeemed_by_device, other.service.sync.deviceId());
      const shown = await kiosk.call<SyncStatus>('getSyncStatus');
      assert.equal(shown.quarantined.length, 1);
    } finally {
      env.stack.gateway.faults.down = false;
      await other.close();
      await kiosk.close();
    }
  });

  test('offline with a token that needs refreshing: the cache answers at once (no auth retry loop)', async () => {
    // Tokens that live 30 s: every call refreshes first (margin 60 s), so an offline redeem must refresh and fail.
    const short = await startSupabaseStack({ seed: true, accessTokenTtlSec: 30 });
    const kiosk = await startSyncKiosk({ stack: short });
    try {
      short.gateway.faults.down = true;
      await short.gateway.settled();
      const t0 = performance.now();
      const r = await kiosk.call<InvitationRedemption>('redeemInvitation', { code: DEMO.invitationToken });
      const ms = performance.now() - t0;
      assert.equal(r.offline, true);
      assert.ok(ms < 5_000, `answered in ${Math.round(ms)} ms`);
      // The stored refresh token survived the failed refresh: back online, the queued redemption goes through.
      short.gateway.faults.down = false;
      await short.gateway.settled();
      await kiosk.service.sync.engine.syncNow();
      await waitForSync(kiosk.service, drained, 20_000, 'the queued redemption');
      const shortDb = await pgClient(short);
      try {
        const row = (await shortDb.query('select status, redeemed_by_device from interview_invitations where token = $1', [DEMO.invitationToken])).rows[0];
        assert.deepEqual(row, { status: 'redeemed', redeemed_by_device: kiosk.service.sync.deviceId() });
      } finally {
        await shortDb.end();
      }
      assert.equal(kiosk.service.sync.engine.status().signedInAs, short.device!.email);
    } finally {
      short.gateway.faults.down = false;
      await kiosk.close();
      await short.stop();
    }
  });

  test('without a backend the kiosk says so instead of guessing', async () => {
    const kiosk = await startSyncKiosk({ stack: env.stack, configure: false });
    try {
      const res = await kiosk.result('redeemInvitation', { code: 'DEMO-2026' });
      assert.equal((res as { error: { code: string } }).error.code, 'not_configured');
      const status = await kiosk.call<SyncStatus>('getSyncStatus');
      assert.equal(status.state, 'not_configured');
      // Demo rows are never queued for a backend.
      await runInterview(kiosk, { turns: 1 });
      assert.equal(kiosk.db.prepare('SELECT count(*) FROM sync_outbox').pluck().get(), 0);
    } finally {
      await kiosk.close();
    }
  });
});

// Invitation brute force at the kiosk: wrong codes slow the next attempt down (escalating, persisted across a
// restart), the (N+1)st wrong code within the window is refused online (the kiosk's gate, and the server's KI429
// behind it) and offline (against the cached hashes), and no code ever reaches the log.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { InvitationRedemption, KioskResult } from '../../../preload/contract';
import { systemClock, type Clock } from '../../../main/core/sync/engine';
import { ATTEMPT_LIMIT, failureDelayMs } from '../../../main/core/sync/codes';
import { DEMO } from '../../support/gateway/stack';
import { startSyncKiosk, useSeededStack } from './support';

const env = useSeededStack();

/** A clock the test moves by hand (the kiosk's gate reads it); timers stay real. */
function manualClock(): Clock & { advance(ms: number): void } {
  let t = Date.now();
  return { now: () => t, setTimeout: systemClock.setTimeout, clearTimeout: systemClock.clearTimeout, advance: (ms) => { t += ms; } };
}

const N = ATTEMPT_LIMIT.maxFailures;
const wrong = (i: number) => `ZZZZ-ZZZZ-${String(1000 + i)}`;

async function newCode(): Promise<string> {
  return (await env.client.query<{ token: string }>(
    `insert into interview_invitations (tenant_id, expires_at, candidate_id, position_id)
     values ($1, now() + interval '7 days', $2, $3) returning token`, [DEMO.tenantId, DEMO.candidates[1], DEMO.positions[0]])).rows[0]!.token;
}

type Kiosk = Awaited<ReturnType<typeof startSyncKiosk>>;
const redeem = (k: Kiosk, code: string) => k.service.dispatch('redeemInvitation', { code }) as Promise<KioskResult<InvitationRedemption>>;
const errorCode = (r: KioskResult<InvitationRedemption>) => (r.ok ? 'ok' : r.error.code);

/** N wrong codes, each typed as soon as the kiosk's escalating pause allows. */
async function typeWrongCodes(k: Kiosk, clock: ReturnType<typeof manualClock>, typed: string[]): Promise<void> {
  for (let i = 1; i <= N; i++) {
    const code = wrong(i);
    typed.push(code);
    assert.equal(errorCode(await redeem(k, code)), 'invitation_unknown', `wrong code ${i}`);
    if (i === 3) {
      // Straight after the third, the next attempt must wait (escalating delay), even with a right code.
      assert.equal(errorCode(await redeem(k, wrong(99))), 'too_many_attempts');
      typed.push(wrong(99));
    }
    clock.advance(failureDelayMs(i));
  }
}

describe('invitation codes: guessing is limited online and offline, and codes never reach the log', () => {
  test('online: after N wrong codes the next is refused by the kiosk, and by the server when the kiosk forgets', async () => {
    await env.client.query('delete from invitation_attempts');
    const valid = await newCode();
    const clock = manualClock();
    const kiosk = await startSyncKiosk({ stack: env.stack, sync: { clock } });
    const typed: string[] = [valid];
    try {
      await typeWrongCodes(kiosk, clock, typed);
      assert.equal((await env.client.query('select count(*)::int as n from invitation_attempts')).rows[0].n, N, 'the server counted each one');
      const local = await redeem(kiosk, valid);
      assert.equal(errorCode(local), 'too_many_attempts', 'the (N+1)st is refused, the right code too');
      assert.match(local.ok ? '' : local.error.message, /wait \d+ (seconds|minutes)/);
      // A kiosk whose own count is gone (reset, or a script with its token) still meets the server's limit.
      kiosk.db.prepare(`DELETE FROM sync_state WHERE key = 'invitation_attempts'`).run();
      const server = await redeem(kiosk, valid);
      assert.equal(errorCode(server), 'too_many_attempts');
      assert.equal((await env.client.query('select status from interview_invitations where token = $1', [valid])).rows[0].status, 'open');
      assert.equal((await env.client.query('select count(*)::int as n from invitation_attempts')).rows[0].n, N, 'refused before being looked at');
      const logs = kiosk.logs.join('\n');
      assertNoCode(logs, typed);
    } finally {
      await kiosk.close();
    }
  });

  test('offline: the same limit against the cached hashes, kept across a restart; the window slides', async () => {
    const valid = await newCode();
    const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-codes-'));
    const clock = manualClock();
    const typed: string[] = [valid];
    const first = await startSyncKiosk({ stack: env.stack, dataDir, sync: { clock } });
    const logs: string[] = [];
    env.stack.gateway.faults.down = true;
    await env.stack.gateway.settled();
    try {
      await typeWrongCodes(first, clock, typed);
      assert.equal(errorCode(await redeem(first, valid)), 'too_many_attempts', 'the (N+1)st is refused offline');
      logs.push(...first.logs);
      await first.close();
      const second = await startSyncKiosk({ stack: env.stack, dataDir, signIn: false, sync: { clock } });
      try {
        assert.equal(errorCode(await redeem(second, valid)), 'too_many_attempts', 'a restart does not reset the count');
        clock.advance(ATTEMPT_LIMIT.windowMs);
        const r = await redeem(second, valid);
        assert.ok(r.ok, r.ok ? '' : r.error.message);
        assert.equal(r.value.offline, true);
        assert.equal(JSON.stringify(second.db.prepare('SELECT token FROM invitations').all()).includes(valid.replaceAll('-', '')), false,
          'the cache holds hashes, not codes');
        logs.push(...second.logs);
      } finally {
        await second.close();
      }
      assertNoCode(logs.join('\n'), typed);
    } finally {
      env.stack.gateway.faults.down = false;
      await env.stack.gateway.settled();
    }
  });
});

function assertNoCode(logs: string, typed: string[]): void {
  assert.ok(logs.length > 0, 'the kiosk logged something, so the scan means something');
  const upper = logs.toUpperCase();
  for (const code of [...typed, DEMO.invitationToken]) {
    for (const form of [code, code.replaceAll('-', ''), code.replaceAll('-', ' ')]) {
      assert.ok(!upper.includes(form.toUpperCase()), `the log contains the code ${form}`);
    }
  }
}

// Invitation codes: made by the server (60 bits, readable), hashed per tenant for devices, and guessing limited
// per device (the (N+1)st unknown code within the window is refused with KI429).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { SupabaseClient } from '@supabase/supabase-js';
import { extraUser, signedIn, startStack, type Stack } from './fixture';

describe('invitation codes', { timeout: 60_000 }, () => {
  let s: Stack;
  let a1: SupabaseClient;
  let a1Id: string;

  const newInvitation = async (tenant = s.a) => (await s.db.query<{ id: string; token: string; token_hash: string }>(
    `insert into interview_invitations (tenant_id, expires_at, candidate_id, position_id)
     values ($1, now() + interval '1 day', $2, $3) returning id, token, token_hash`, [tenant.id, tenant.candidateId, tenant.positionId])).rows[0]!;

  before(async () => {
    s = await startStack();
    a1 = await signedIn(s.gateway, s.a);
    a1Id = (await s.db.query<{ id: string }>('select id from auth.users where email = $1', [s.a.email])).rows[0]!.id;
  });
  after(async () => { await s?.stop(); });

  it('the server makes each code: XXXX-XXXX-XXXX of 32 unambiguous symbols (60 bits), all different', async () => {
    const codes = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const code = (await s.db.query<{ c: string }>('select public.new_invitation_code() as c')).rows[0]!.c;
      assert.match(code, /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
      codes.add(code);
    }
    assert.equal(codes.size, 200);
    const used = new Set([...codes].join('').replaceAll('-', ''));
    assert.ok(used.size >= 30, `the whole alphabet is used (${used.size} symbols seen)`);
    assert.match((await newInvitation()).token, /^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){2}$/, 'an invitation gets one by default');
  });

  it('devices see HMAC-SHA-256(tenant key, normalized code), never the code; the key differs per tenant', async () => {
    const inv = await newInvitation();
    const key = await a1.rpc('device_code_key');
    assert.equal(key.error, null);
    assert.match(key.data as string, /^[0-9a-f]{64}$/);
    const normalized = inv.token.replaceAll('-', '');
    const expected = crypto.createHmac('sha256', Buffer.from(key.data as string, 'hex')).update(normalized).digest('hex');
    assert.equal(inv.token_hash, expected);
    const seen = await a1.from('interview_invitations').select('id,token_hash').eq('id', inv.id);
    assert.deepEqual(seen.data, [{ id: inv.id, token_hash: expected }]);
    assert.equal((await a1.from('interview_invitations').select('token').eq('id', inv.id)).error?.code, '42501');
    assert.equal((await a1.from('tenants').select('code_key')).error?.code, '42501');
    const keys = (await s.db.query(`select count(distinct code_key)::int as n from tenants`)).rows[0].n;
    assert.equal(keys, 2);
    // Typed in lower case with spaces, the code is the same code.
    const r = await a1.rpc('redeem_invitation', { p_token: ` ${inv.token.toLowerCase().replaceAll('-', ' ')} `, p_device: 'kiosk-1' });
    assert.equal(r.data?.outcome, 'redeemed');
    const observer = (await extraUser(s, s.a, 'observer-codes', 'observer')).client;
    assert.equal((await observer.rpc('device_code_key')).error?.code, '42501', 'only devices get the key');
  });

  it('brute force: the 11th unknown code within 15 minutes is refused (KI429) without being looked at; other devices are not affected; the window slides', async () => {
    await s.db.query('delete from invitation_attempts');
    const valid = await newInvitation();
    for (let i = 0; i < 10; i++) {
      const r = await a1.rpc('redeem_invitation', { p_token: `WRONG-${i}`, p_device: 'kiosk-1' });
      assert.equal(r.data?.outcome, 'unknown', `attempt ${i + 1}`);
      assert.equal(r.data?.attempts_left, 9 - i);
    }
    const refused = await a1.rpc('redeem_invitation', { p_token: valid.token, p_device: 'kiosk-1' });
    assert.equal(refused.error?.code, 'KI429', 'even the right code is refused while locked out');
    assert.equal(refused.error?.hint, 'too_many_attempts');
    assert.match(refused.error?.details ?? '', /retry after/);
    assert.equal((await s.db.query('select status from interview_invitations where id = $1', [valid.id])).rows[0].status, 'open');
    assert.equal((await s.db.query('select count(*)::int as n from invitation_attempts where device_id = $1', [a1Id])).rows[0].n, 10);
    const other = (await extraUser(s, s.a, 'kiosk-codes-2')).client;
    assert.equal((await other.rpc('redeem_invitation', { p_token: 'WRONG-X', p_device: 'kiosk-2' })).data?.outcome, 'unknown');
    // 15 minutes later the old attempts no longer count.
    await s.db.query(`update invitation_attempts set at = at - interval '16 minutes' where device_id = $1`, [a1Id]);
    const later = await a1.rpc('redeem_invitation', { p_token: valid.token, p_device: 'kiosk-1' });
    assert.equal(later.data?.outcome, 'redeemed');
    assert.equal((await a1.from('invitation_attempts').select('id')).error?.code, '42501', 'devices cannot read or clear their attempts');
  });
});

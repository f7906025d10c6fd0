// supabase/seed.sql through startSupabaseStack: what a freshly set-up kiosk pulls, and the demo invitation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO, startSupabaseStack, type SupabaseStack } from '../../support/gateway/stack';
import { newClient } from './fixture';

describe('seeded demo tenant', { timeout: 60_000 }, () => {
  let stack: SupabaseStack;
  before(async () => { stack = await startSupabaseStack({ seed: true }); });
  after(async () => { await stack?.stop(); });

  it('a device of the demo tenant pulls its reference data and redeems the demo code once', async () => {
    const c = newClient(stack.gateway);
    const { error } = await c.auth.signInWithPassword({ email: stack.device!.email, password: stack.device!.password });
    assert.equal(error, null);
    const tenant = await c.from('tenants').select('id,name,values').single();
    assert.equal(tenant.error, null);
    assert.equal(tenant.data?.id, DEMO.tenantId);
    assert.ok(tenant.data?.values.length);
    const positions = await c.from('positions').select('id,title,competencies').order('id');
    assert.deepEqual(positions.data?.map((p) => p.id), [...DEMO.positions]);
    assert.ok(positions.data?.every((p) => Array.isArray(p.competencies) && p.competencies.length > 0));
    const candidates = await c.from('candidates').select('id').order('id');
    assert.deepEqual(candidates.data?.map((x) => x.id), [...DEMO.candidates]);
    // Incremental pull shape: ordered by (updated_at, id), filtered on a cursor.
    const since = await c.from('candidates').select('id,updated_at').gte('updated_at', '2000-01-01T00:00:00Z').order('updated_at').order('id').limit(2);
    assert.equal(since.data?.length, 2);
    // Keyset cursor after the first row, timestamps quoted as the README says.
    const cur = since.data![0]!;
    const next = await c.from('candidates').select('id')
      .or(`updated_at.gt."${cur.updated_at}",and(updated_at.eq."${cur.updated_at}",id.gt.${cur.id})`)
      .order('updated_at').order('id');
    assert.equal(next.error, null);
    assert.deepEqual(next.data?.map((x) => x.id), [...DEMO.candidates].filter((id) => id !== cur.id));
    // Devices see a keyed hash of each open code, never the code.
    const open = await c.from('interview_invitations').select('token_hash,status').eq('status', 'open');
    assert.equal(open.data?.length, 1);
    assert.match(open.data![0]!.token_hash, /^[0-9a-f]{64}$/);
    assert.equal((await c.from('interview_invitations').select('token')).error?.code, '42501');
    const first = await c.rpc('redeem_invitation', { p_token: DEMO.invitationToken, p_device: 'kiosk-1' });
    assert.equal(first.error, null);
    assert.equal(first.data.invitation.candidate_id, DEMO.candidates[0]);
    const second = await c.rpc('redeem_invitation', { p_token: DEMO.invitationToken, p_device: 'kiosk-2' });
    assert.equal(second.error?.code, 'KI409');
  });
});

// Row Level Security by tenant: a device of tenant A can neither read, insert, update nor upload anything of
// tenant B. Each attempt is made through supabase-js and checked against what really is in the database.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { SupabaseClient } from '@supabase/supabase-js';
import { entryRow, sessionRow, signedIn, startStack, type Stack } from './fixture';

describe('RLS: tenant A cannot touch tenant B', { timeout: 60_000 }, () => {
  let s: Stack;
  let a: SupabaseClient;
  let b: SupabaseClient;
  let bSession: string;
  let bEntry: string;
  let bInvitation: string;

  before(async () => {
    s = await startStack();
    a = await signedIn(s.gateway, s.a);
    b = await signedIn(s.gateway, s.b);
    const row = sessionRow(s.b);
    bSession = row.id as string;
    assert.equal((await b.from('interview_sessions').insert(row)).error, null);
    const e = entryRow(s.b, bSession, 0, { text: 'B secret' });
    bEntry = e.id as string;
    assert.equal((await b.from('transcript_entries').insert(e)).error, null);
    bInvitation = (await s.db.query<{ id: string }>(
      `insert into interview_invitations (tenant_id, token, expires_at, candidate_id, position_id)
       values ($1, 'B-CODE-1', now() + interval '1 day', $2, $3) returning id`, [s.b.id, s.b.candidateId, s.b.positionId])).rows[0]!.id;
    assert.equal((await b.storage.from('recordings').upload(`${s.b.id}/${bSession}.webm`, Buffer.from('B audio'), { contentType: 'audio/webm' })).error, null);
  });
  after(async () => { await s?.stop(); });

  it('reads: every table shows A only its own tenant', async () => {
    for (const table of ['tenants', 'positions', 'candidates', 'interview_sessions', 'transcript_entries', 'interview_invitations']) {
      const col = table === 'tenants' ? 'id' : 'tenant_id';
      const mine = await a.from(table).select(col);
      assert.equal(mine.error, null, table);
      assert.ok((mine.data as unknown as Record<string, string>[]).every((r) => r[col] === s.a.id), `${table}: only tenant A rows`);
      // Devices may not read invitation codes or tenant keys: name the readable columns.
      const cols = table === 'tenants' ? 'id,name' : table === 'interview_invitations' ? 'id,tenant_id,token_hash' : '*';
      const theirs = await a.from(table).select(cols).eq(col, s.b.id);
      assert.equal(theirs.error, null, table);
      assert.deepEqual(theirs.data, [], `${table}: tenant B rows are invisible`);
    }
    const byId = await a.from('transcript_entries').select().eq('id', bEntry).maybeSingle();
    assert.equal(byId.data, null);
    // B sees its own rows, so the emptiness above is RLS, not missing data.
    assert.equal((await b.from('transcript_entries').select().eq('id', bEntry)).data?.length, 1);
  });

  it('inserts: rows claiming tenant B are refused with 42501 (403)', async () => {
    const session = await a.from('interview_sessions').insert(sessionRow(s.b));
    assert.equal(session.status, 403);
    assert.equal(session.error?.code, '42501');
    const entry = await a.from('transcript_entries').insert(entryRow(s.b, bSession, 1));
    assert.equal(entry.error?.code, '42501');
    const cand = await a.from('candidates').insert({ tenant_id: s.b.id, name: 'Intruder' });
    assert.equal(cand.error?.code, '42501');
    // A's own tenant, but pointing at B's candidate/position: the composite foreign key refuses it.
    const crossRef = await a.from('interview_sessions').insert(sessionRow(s.a, { candidate_id: s.b.candidateId }));
    assert.equal(crossRef.error?.code, '23503');
    // An entry of tenant A attached to B's session is refused the same way.
    const crossSession = await a.from('transcript_entries').insert(entryRow(s.a, bSession, 2));
    assert.equal(crossSession.error?.code, '23503');
    const count = await s.db.query(`select count(*)::int as n from interview_sessions where tenant_id = $1`, [s.b.id]);
    assert.equal(count.rows[0].n, 1);
  });

  it('updates: B rows are not updated (invisible), and upserting onto them is refused', async () => {
    const upd = await a.from('transcript_entries').update({ text: 'hacked' }).eq('id', bEntry).select();
    assert.equal(upd.error, null);
    assert.deepEqual(upd.data, [], 'no row matched for A');
    const inv = await a.from('interview_invitations').update({ status: 'completed' }).eq('id', bInvitation).select();
    assert.equal(inv.error?.code, '42501', 'devices have no direct UPDATE on invitations at all');
    const viaRpc = await a.rpc('complete_invitation', { p_invitation: bInvitation, p_session: bSession });
    assert.equal(viaRpc.error?.code, 'KI404', 'B\'s invitation is unknown to A');
    const moveTenant = await b.from('transcript_entries').update({ tenant_id: s.a.id }).eq('id', bEntry);
    assert.ok(moveTenant.error, 'a row cannot be moved to another tenant');
    const upsert = await a.from('transcript_entries').upsert([entryRow(s.a, bSession, 0, { id: bEntry, text: 'hacked' })]);
    assert.ok(upsert.error, 'upsert onto B row must fail');
    assert.ok(['42501', '23503'].includes(upsert.error.code), upsert.error.code);
    const row = await s.db.query('select text, tenant_id from transcript_entries where id = $1', [bEntry]);
    assert.deepEqual(row.rows[0], { text: 'B secret', tenant_id: s.b.id });
    const invRow = await s.db.query('select status from interview_invitations where id = $1', [bInvitation]);
    assert.equal(invRow.rows[0].status, 'open');
  });

  it('storage: A can neither upload into B\'s folder, overwrite B\'s recording, nor download it', async () => {
    const into = await a.storage.from('recordings').upload(`${s.b.id}/${crypto.randomUUID()}.webm`, Buffer.from('x'), { contentType: 'audio/webm' });
    assert.ok(into.error);
    assert.equal((into.error as unknown as { statusCode: string }).statusCode, '403');
    const over = await a.storage.from('recordings').upload(`${s.b.id}/${bSession}.webm`, Buffer.from('x'), { contentType: 'audio/webm', upsert: true });
    assert.ok(over.error);
    const replace = await a.storage.from('recordings').update(`${s.b.id}/${bSession}.webm`, Buffer.from('x'), { contentType: 'audio/webm' });
    assert.ok(replace.error);
    const down = await a.storage.from('recordings').download(`${s.b.id}/${bSession}.webm`);
    assert.ok(down.error);
    assert.equal(down.data, null);
    const file = await s.gateway.objectFile('recordings', `${s.b.id}/${bSession}.webm`);
    assert.ok(file);
    const { readFileSync } = await import('node:fs');
    assert.equal(readFileSync(file).toString(), 'B audio');
    const objects = await s.db.query(`select count(*)::int as n from storage.objects where name like $1`, [`${s.b.id}/%`]);
    assert.equal(objects.rows[0].n, 1);
    // Own folder and own session work, so the refusals above are RLS.
    const aSession = sessionRow(s.a);
    assert.equal((await a.from('interview_sessions').insert(aSession)).error, null);
    const own = await a.storage.from('recordings').upload(`${s.a.id}/${aSession.id as string}.webm`, Buffer.from('A audio'), { contentType: 'audio/webm' });
    assert.equal(own.error, null);
  });

  it('RPC: B\'s invitation code is unknown to A', async () => {
    const r = await a.rpc('redeem_invitation', { p_token: 'B-CODE-1', p_device: 'kiosk-a' });
    assert.equal(r.data?.outcome, 'unknown');
    const invRow = await s.db.query('select status from interview_invitations where id = $1', [bInvitation]);
    assert.equal(invRow.rows[0].status, 'open');
  });
});

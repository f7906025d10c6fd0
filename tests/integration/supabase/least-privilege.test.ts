// Least privilege inside one tenant: one test per row of the rule table in supabase/README.md ("Device rules").
// Device A1 and device A2 are two kiosks of the same tenant; an observer and a reviewer of that tenant hold no
// device rights. Every refusal is checked against what really is in the database (superuser connection).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { SupabaseClient } from '@supabase/supabase-js';
import { entryRow, extraUser, sessionRow, signedIn, startStack, type Stack } from './fixture';

const code = (r: { error: { code?: string } | null }) => r.error?.code ?? null;
const storageCode = (r: { error: unknown }) => (r.error as { statusCode?: string } | null)?.statusCode ?? null;

describe('RLS: device ownership and least privilege (supabase/README.md "Device rules")', { timeout: 120_000 }, () => {
  let s: Stack;
  let a1: SupabaseClient;
  let a2: SupabaseClient;
  let a1Id: string;
  let a2Id: string;
  let observer: SupabaseClient;
  let reviewer: SupabaseClient;

  /** A session of A1 with one entry, uploaded as the kiosk does. */
  async function a1Session(overrides: Record<string, unknown> = {}): Promise<{ id: string; entry: string }> {
    const row = sessionRow(s.a, overrides);
    assert.equal((await a1.from('interview_sessions').upsert([row]).select('id')).error, null);
    const e = entryRow(s.a, row.id as string, 0, { text: 'A1 words' });
    assert.equal((await a1.from('transcript_entries').upsert([e]).select('id')).error, null);
    return { id: row.id as string, entry: e.id as string };
  }
  const finish = async (id: string) => {
    assert.equal((await a1.from('interview_sessions').update({ status: 'completed', end_time: new Date().toISOString() }).eq('id', id)).error, null);
  };
  const dbRow = async (table: string, id: string) => (await s.db.query(`select * from ${table} where id = $1`, [id])).rows[0];

  before(async () => {
    s = await startStack();
    a1 = await signedIn(s.gateway, s.a);
    a1Id = (await s.db.query<{ id: string }>('select id from auth.users where email = $1', [s.a.email])).rows[0]!.id;
    ({ client: a2, id: a2Id } = await extraUser(s, s.a, 'kiosk-a2'));
    ({ client: observer } = await extraUser(s, s.a, 'observer-a', 'observer'));
    ({ client: reviewer } = await extraUser(s, s.a, 'reviewer-a', 'reviewer'));
  });
  after(async () => { await s?.stop(); });

  it('D1 sessions and entries are owned by the device that made them (device_id = auth.uid() by default)', async () => {
    const { id, entry } = await a1Session();
    assert.equal((await dbRow('interview_sessions', id)).device_id, a1Id);
    assert.equal((await dbRow('transcript_entries', entry)).device_id, a1Id);
    // Claiming another device on insert is refused, for sessions and entries.
    const forged = await a1.from('interview_sessions').insert(sessionRow(s.a, { device_id: a2Id }));
    assert.equal(code(forged), '42501');
    const forgedEntry = await a1.from('transcript_entries').insert(entryRow(s.a, id, 5, { device_id: a2Id }));
    assert.ok(['42501', '23503'].includes(code(forgedEntry) ?? ''), String(code(forgedEntry)));
    assert.equal((await s.db.query('select count(*)::int as n from interview_sessions where device_id = $1', [a2Id])).rows[0].n, 0);
  });

  it('D2 the owner never changes: device_id cannot be updated, not even to the device itself giving rows away', async () => {
    const { id, entry } = await a1Session();
    const give = await a1.from('interview_sessions').update({ device_id: a2Id }).eq('id', id);
    assert.equal(code(give), '42501');
    const giveEntry = await a1.from('transcript_entries').update({ device_id: a2Id }).eq('id', entry);
    assert.ok(giveEntry.error);
    assert.equal((await dbRow('interview_sessions', id)).device_id, a1Id);
    assert.equal((await dbRow('transcript_entries', entry)).device_id, a1Id);
  });

  it('D3 another device of the same tenant cannot read a session or its entries', async () => {
    const { id, entry } = await a1Session();
    assert.deepEqual((await a2.from('interview_sessions').select('*').eq('id', id)).data, []);
    assert.deepEqual((await a2.from('transcript_entries').select('*').eq('id', entry)).data, []);
    assert.deepEqual((await a2.from('transcript_entries').select('*').eq('session_id', id)).data, []);
    // The owner sees them, so the emptiness is RLS.
    assert.equal((await a1.from('transcript_entries').select('id').eq('session_id', id)).data?.length, 1);
  });

  it('D4 another device of the same tenant cannot change a session or its entries (update, upsert, add entries)', async () => {
    const { id, entry } = await a1Session();
    const upd = await a2.from('interview_sessions').update({ status: 'failed' }).eq('id', id).select();
    assert.deepEqual(upd.data, [], 'no row matched for A2');
    const updEntry = await a2.from('transcript_entries').update({ text: 'rewritten' }).eq('id', entry).select();
    assert.deepEqual(updEntry.data, []);
    const upsert = await a2.from('interview_sessions').upsert([sessionRow(s.a, { id, status: 'failed' })]).select('id');
    assert.equal(code(upsert), '42501');
    const upsertEntry = await a2.from('transcript_entries').upsert([entryRow(s.a, id, 0, { id: entry, text: 'rewritten' })]).select('id');
    assert.ok(['42501', '23503'].includes(code(upsertEntry) ?? ''), String(code(upsertEntry)));
    const add = await a2.from('transcript_entries').insert(entryRow(s.a, id, 9, { text: 'planted' }));
    assert.equal(code(add), '23503', 'an entry of A2 cannot hang under A1\'s session');
    assert.equal((await dbRow('interview_sessions', id)).status, 'in_progress');
    assert.equal((await dbRow('transcript_entries', entry)).text, 'A1 words');
    assert.equal((await s.db.query('select count(*)::int as n from transcript_entries where session_id = $1', [id])).rows[0].n, 1);
  });

  it('D5 a finished session is frozen: no field changes, even by its owner; an identical re-send is accepted', async () => {
    const row = sessionRow(s.a);
    assert.equal((await a1.from('interview_sessions').upsert([row]).select('id')).error, null);
    const done = { ...row, status: 'completed', end_time: new Date().toISOString() };
    assert.equal((await a1.from('interview_sessions').upsert([done]).select('id')).error, null);
    const again = await a1.from('interview_sessions').upsert([done]).select('id');
    assert.equal(again.error, null, 'the same row again (a retry after a lost answer) is fine');
    for (const patch of [{ status: 'in_progress' }, { end_time: null }, { recording_consent: false }, { status_history: [] }]) {
      const r = await a1.from('interview_sessions').update(patch).eq('id', row.id as string);
      assert.equal(code(r), 'KI423', JSON.stringify(patch));
    }
    const failed = sessionRow(s.a, { status: 'failed' });
    assert.equal((await a1.from('interview_sessions').insert(failed)).error, null);
    assert.equal(code(await a1.from('interview_sessions').update({ status: 'in_progress' }).eq('id', failed.id as string)), 'KI423');
    const stored = await dbRow('interview_sessions', row.id as string);
    assert.equal(stored.status, 'completed');
    assert.equal(stored.recording_consent, true);
  });

  it('D6 the entries of a finished session are frozen: no new entry, no change', async () => {
    const { id, entry } = await a1Session();
    await finish(id);
    assert.equal(code(await a1.from('transcript_entries').update({ text: 'edited later' }).eq('id', entry)), 'KI423');
    assert.equal(code(await a1.from('transcript_entries').insert(entryRow(s.a, id, 1))), 'KI423');
    assert.equal((await dbRow('transcript_entries', entry)).text, 'A1 words');
    assert.equal((await s.db.query('select count(*)::int as n from transcript_entries where session_id = $1', [id])).rows[0].n, 1);
  });

  it('D7 the recording path is set once, after the end too, and only to the session\'s own object name', async () => {
    const { id } = await a1Session();
    await finish(id);
    const wrong = await a1.from('interview_sessions').update({ recording_path: `${s.a.id}/${crypto.randomUUID()}.webm` }).eq('id', id);
    assert.equal(code(wrong), '23514', 'another object name is refused');
    const name = `${s.a.id}/${id}.webm`;
    assert.equal((await a1.from('interview_sessions').update({ recording_path: name }).eq('id', id)).error, null);
    assert.equal((await a1.from('interview_sessions').update({ recording_path: name }).eq('id', id)).error, null, 'same value again');
    assert.equal(code(await a1.from('interview_sessions').update({ recording_path: null }).eq('id', id)), 'KI423');
    assert.equal((await dbRow('interview_sessions', id)).recording_path, name);
  });

  it('D8 devices write no candidates', async () => {
    const ins = await a1.from('candidates').insert({ tenant_id: s.a.id, name: 'Walk-in' });
    assert.equal(code(ins), '42501');
    const upd = await a1.from('candidates').update({ name: 'Renamed', email: 'x@example.com' }).eq('id', s.a.candidateId);
    assert.equal(code(upd), '42501');
    const row = await dbRow('candidates', s.a.candidateId);
    assert.equal(row.name, 'Candidate A');
    assert.equal((await s.db.query('select count(*)::int as n from candidates where tenant_id = $1', [s.a.id])).rows[0].n, 1);
  });

  it('D9 invitations change only through the RPCs: no direct update (token, status, anything)', async () => {
    const inv = await invitation('D9-CODE-000001');
    for (const patch of [{ token: 'MY-OWN-CODE' }, { status: 'redeemed' }, { expires_at: '2099-01-01T00:00:00Z' }]) {
      assert.equal(code(await a1.from('interview_invitations').update(patch).eq('id', inv)), '42501', JSON.stringify(patch));
    }
    const row = await dbRow('interview_invitations', inv);
    assert.equal(row.token, 'D9-CODE-000001');
    assert.equal(row.status, 'open');
  });

  it('D10 redeem_invitation sets only status and redemption; complete_invitation only for the redeeming device and its own session', async () => {
    const inv = await invitation('D10-CODE-00001');
    const before = await dbRow('interview_invitations', inv);
    const r = await a1.rpc('redeem_invitation', { p_token: 'D10-CODE-00001', p_device: 'kiosk-a1' });
    assert.equal(r.error, null);
    const after = await dbRow('interview_invitations', inv);
    for (const col of ['token', 'expires_at', 'candidate_id', 'position_id', 'tenant_id', 'session_id', 'created_at']) {
      assert.deepEqual(after[col], before[col], col);
    }
    assert.equal(after.status, 'redeemed');
    assert.equal(after.redeemed_by, a1Id);
    const { id: mine } = await a1Session();
    const { id: theirs } = await (async () => {
      const row = sessionRow(s.a);
      assert.equal((await a2.from('interview_sessions').insert(row)).error, null);
      return { id: row.id as string };
    })();
    assert.equal(code(await a2.rpc('complete_invitation', { p_invitation: inv, p_session: theirs })), 'KI409', 'A2 did not redeem it');
    assert.equal(code(await a1.rpc('complete_invitation', { p_invitation: inv, p_session: theirs })), 'KI404', 'not A1\'s session');
    const ok = await a1.rpc('complete_invitation', { p_invitation: inv, p_session: mine });
    assert.equal(ok.error, null);
    assert.equal((ok.data as { status: string }).status, 'completed');
    assert.equal((await a1.rpc('complete_invitation', { p_invitation: inv, p_session: mine })).error, null, 'repeat is safe');
    const done = await dbRow('interview_invitations', inv);
    assert.equal(done.status, 'completed');
    assert.equal(done.session_id, mine);
  });

  it('D11 invitation codes are unique per tenant: the same code may exist in two tenants, each device redeems its own', async () => {
    const a = await invitation('SHARED-CODE-01');
    const b = (await s.db.query<{ id: string }>(
      `insert into interview_invitations (tenant_id, token, expires_at, candidate_id, position_id)
       values ($1, 'SHARED-CODE-01', now() + interval '1 day', $2, $3) returning id`, [s.b.id, s.b.candidateId, s.b.positionId])).rows[0]!.id;
    await assert.rejects(invitation('SHARED-CODE-01'), (e: { code?: string }) => e.code === '23505');
    const bClient = await signedIn(s.gateway, s.b);
    const rb = await bClient.rpc('redeem_invitation', { p_token: 'SHARED-CODE-01', p_device: 'kiosk-b' });
    assert.equal((rb.data as { invitation: { id: string } }).invitation.id, b);
    assert.equal((await dbRow('interview_invitations', a)).status, 'open', 'tenant A\'s code is untouched');
  });

  it('D12 recordings: insert-only, under the tenant folder, for the device\'s own session only', async () => {
    const { id } = await a1Session();
    await finish(id);
    const name = `${s.a.id}/${id}.webm`;
    // Another kiosk of the tenant cannot put a file under A1's session, nor anywhere without a session of its own.
    assert.equal(storageCode(await a2.storage.from('recordings').upload(name, Buffer.from('fake'), { contentType: 'audio/webm' })), '403');
    assert.equal(storageCode(await a1.storage.from('recordings').upload(`${s.a.id}/${crypto.randomUUID()}.webm`, Buffer.from('x'), { contentType: 'audio/webm' })), '403');
    assert.equal(storageCode(await a1.storage.from('recordings').upload(`${s.b.id}/${id}.webm`, Buffer.from('x'), { contentType: 'audio/webm' })), '403');
    assert.equal((await a1.storage.from('recordings').upload(name, Buffer.from('A1 audio'), { contentType: 'audio/webm' })).error, null);
    // Once stored it cannot be replaced (upsert, update) by anyone but the service role, nor read back.
    assert.equal(storageCode(await a1.storage.from('recordings').upload(name, Buffer.from('v2'), { contentType: 'audio/webm' })), '409');
    assert.equal(storageCode(await a1.storage.from('recordings').upload(name, Buffer.from('v2'), { contentType: 'audio/webm', upsert: true })), '403');
    assert.ok((await a1.storage.from('recordings').update(name, Buffer.from('v3'), { contentType: 'audio/webm' })).error);
    assert.ok((await a2.storage.from('recordings').download(name)).error, 'another kiosk cannot download it');
    assert.ok((await a1.storage.from('recordings').download(name)).error, 'devices do not read recordings back');
    assert.equal(fs.readFileSync((await s.gateway.objectFile('recordings', name))!).toString(), 'A1 audio');
    const row = (await s.db.query('select owner_id from storage.objects where name = $1', [name])).rows[0];
    assert.equal(row.owner_id, a1Id);
  });

  it('D13 recordings: audio/webm only, and an object over the bucket\'s size limit is refused', async () => {
    const bucket = (await s.db.query(`select file_size_limit::bigint as l, allowed_mime_types as m from storage.buckets where id = 'recordings'`)).rows[0];
    assert.equal(Number(bucket.l), 512 * 1024 * 1024);
    assert.deepEqual(bucket.m, ['audio/webm']);
    const { id } = await a1Session();
    const name = `${s.a.id}/${id}.webm`;
    for (const type of ['video/webm', 'audio/ogg', 'application/octet-stream', 'text/html']) {
      assert.equal(storageCode(await a1.storage.from('recordings').upload(name, Buffer.from('x'), { contentType: type })), '415', type);
    }
    // The limit the gateway enforces is the bucket's: lowered here so a test body can exceed it.
    await s.db.query(`update storage.buckets set file_size_limit = 65536 where id = 'recordings'`);
    try {
      assert.equal(storageCode(await a1.storage.from('recordings').upload(name, crypto.randomBytes(65537), { contentType: 'audio/webm' })), '413');
    } finally {
      await s.db.query(`update storage.buckets set file_size_limit = $1 where id = 'recordings'`, [bucket.l]);
    }
    assert.equal((await s.db.query('select count(*)::int as n from storage.objects where name = $1', [name])).rows[0].n, 0);
    assert.equal((await a1.storage.from('recordings').upload(name, crypto.randomBytes(65537), { contentType: 'audio/webm' })).error, null);
  });

  it('D14 sizes: oversized transcript text, status history or session fields are refused (23514)', async () => {
    const { id } = await a1Session();
    assert.equal(code(await a1.from('transcript_entries').insert(entryRow(s.a, id, 3, { text: 'x'.repeat(50_001) }))), '23514');
    assert.equal((await a1.from('transcript_entries').insert(entryRow(s.a, id, 4, { text: 'x'.repeat(50_000) }))).error, null);
    const history = Array.from({ length: 1001 }, () => ({ status: 'in_progress', at: new Date().toISOString() }));
    assert.equal(code(await a1.from('interview_sessions').insert(sessionRow(s.a, { status_history: history }))), '23514');
    const blob = [{ sdp: 'v=0'.padEnd(70_000, 'a') }];
    assert.equal(code(await a1.from('interview_sessions').insert(sessionRow(s.a, { sdp_offers: blob }))), '23514');
    assert.equal(code(await a1.from('interview_sessions').insert(sessionRow(s.a, { webrtc_server_url: 'https://'.padEnd(2001, 'a') }))), '23514');
    assert.equal((await s.db.query(`select count(*)::int as n from transcript_entries where session_id = $1 and length(text) > 50000`, [id])).rows[0].n, 0);
  });

  it('D15 observers and reviewers have no device rights: no session, entry, recording or redemption (D16: they read the tenant\'s interviews)', async () => {
    const { id } = await a1Session();
    for (const [label, c] of [['observer', observer], ['reviewer', reviewer]] as const) {
      assert.equal(code(await c.from('interview_sessions').insert(sessionRow(s.a))), '42501', label);
      assert.equal(code(await c.from('transcript_entries').insert(entryRow(s.a, id, 7))), '42501', label);
      assert.deepEqual((await c.from('interview_sessions').update({ status: 'failed' }).eq('id', id).select()).data ?? [], [], label);
      assert.equal(code(await c.rpc('redeem_invitation', { p_token: 'D9-CODE-000001', p_device: label })), '42501', label);
      assert.equal(storageCode(await c.storage.from('recordings').upload(`${s.a.id}/${id}.webm`, Buffer.from('x'), { contentType: 'audio/webm' })), '403', label);
      // D16: they read their tenant's interviews, every device's.
      assert.equal((await c.from('interview_sessions').select('id').eq('id', id)).data?.length, 1, label);
      assert.equal((await c.from('transcript_entries').select('id').eq('session_id', id)).data?.length, 1, label);
    }
    assert.equal((await dbRow('interview_sessions', id)).status, 'in_progress');
    assert.equal((await s.db.query('select count(*)::int as n from storage.objects where name = $1', [`${s.a.id}/${id}.webm`])).rows[0].n, 0);
  });

  async function invitation(token: string): Promise<string> {
    return (await s.db.query<{ id: string }>(
      `insert into interview_invitations (tenant_id, token, expires_at, candidate_id, position_id)
       values ($1, $2, now() + interval '1 day', $3, $4) returning id`, [s.a.id, token, s.a.candidateId, s.a.positionId])).rows[0]!.id;
  }
});

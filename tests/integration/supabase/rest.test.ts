// supabase-js against the project's migrations through the test gateway: auth, idempotent writes, reads with
// filters, singular answers, and PostgREST error codes/statuses.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { SupabaseClient } from '@supabase/supabase-js';
import { entryRow, newClient, sessionRow, signedIn, startStack, type Stack } from './fixture';

describe('Supabase REST + Auth through supabase-js', { timeout: 60_000 }, () => {
  let s: Stack;
  let a: SupabaseClient;
  let sessionId: string;

  before(async () => {
    s = await startStack();
    a = await signedIn(s.gateway, s.a);
    const row = sessionRow(s.a);
    sessionId = row.id as string;
    const { error } = await a.from('interview_sessions').insert(row);
    assert.equal(error, null);
  });
  after(async () => { await s?.stop(); });

  it('signs in with a password; the JWT carries the tenant; getUser works', async () => {
    const c = newClient(s.gateway);
    const { data, error } = await c.auth.signInWithPassword({ email: s.a.email, password: s.a.password });
    assert.equal(error, null);
    assert.ok(data.session?.access_token && data.session.refresh_token);
    assert.equal(data.user?.app_metadata.tenant_id, s.a.id);
    const claims = JSON.parse(Buffer.from(data.session!.access_token.split('.')[1]!, 'base64url').toString());
    assert.equal(claims.role, 'authenticated');
    assert.equal(claims.app_metadata.tenant_id, s.a.id);
    const user = await c.auth.getUser();
    assert.equal(user.error, null);
    assert.equal(user.data.user?.email, s.a.email);
  });

  it('rejects a wrong password with invalid_credentials (400)', async () => {
    const c = newClient(s.gateway);
    const { data, error } = await c.auth.signInWithPassword({ email: s.a.email, password: 'wrong' });
    assert.equal(data.session, null);
    assert.ok(error);
    assert.equal(error.status, 400);
    assert.equal(error.code, 'invalid_credentials');
  });

  it('upserting the same UUID twice leaves one row (merge updates, ignore-duplicates keeps)', async () => {
    const e = entryRow(s.a, sessionId, 0, { text: 'Hello' });
    for (let i = 0; i < 2; i++) {
      const { error, status } = await a.from('transcript_entries').upsert([e]);
      assert.equal(error, null);
      assert.ok(status === 201 || status === 200);
    }
    const merged = await a.from('transcript_entries').upsert([{ ...e, text: 'Hello there' }]).select('text');
    assert.equal(merged.error, null);
    assert.deepEqual(merged.data, [{ text: 'Hello there' }]);
    assert.equal(merged.status, 200, 'a merge that inserted nothing answers 200');
    const ignored = await a.from('transcript_entries').upsert([{ ...e, text: 'ignored' }], { onConflict: 'id', ignoreDuplicates: true }).select();
    assert.equal(ignored.error, null);
    assert.deepEqual(ignored.data, []);
    const rows = await s.db.query('select text from transcript_entries where id = $1', [e.id]);
    assert.deepEqual(rows.rows, [{ text: 'Hello there' }]);
  });

  it('plain insert of an existing id is a 409 unique violation', async () => {
    const e = entryRow(s.a, sessionId, 1);
    assert.equal((await a.from('transcript_entries').insert(e)).error, null);
    const again = await a.from('transcript_entries').insert(e);
    assert.equal(again.status, 409);
    assert.equal(again.error?.code, '23505');
  });

  it('selects with eq/neq/gt/gte/lt/lte/in/is, order, limit and an exact count', async () => {
    const sid = (sessionRow(s.a).id as string);
    assert.equal((await a.from('interview_sessions').insert(sessionRow(s.a, { id: sid }))).error, null);
    const rows = Array.from({ length: 6 }, (_, i) => entryRow(s.a, sid, i, { start_ms: i === 5 ? null : i * 100 }));
    assert.equal((await a.from('transcript_entries').insert(rows)).error, null);
    const q = () => a.from('transcript_entries').select('seq').eq('session_id', sid);
    const seqs = (r: { data: { seq: number }[] | null }) => (r.data ?? []).map((x) => x.seq);
    assert.deepEqual(seqs(await q().gt('seq', 3).order('seq')), [4, 5]);
    assert.deepEqual(seqs(await q().gte('seq', 3).lt('seq', 5).order('seq')), [3, 4]);
    assert.deepEqual(seqs(await q().lte('seq', 1).order('seq')), [0, 1]);
    assert.deepEqual(seqs(await q().neq('seq', 0).order('seq', { ascending: false }).limit(2)), [5, 4]);
    assert.deepEqual(seqs(await q().in('seq', [0, 2, 9]).order('seq')), [0, 2]);
    assert.deepEqual(seqs(await q().is('start_ms', null)), [5]);
    const counted = await a.from('transcript_entries').select('id', { count: 'exact' }).eq('session_id', sid).limit(2);
    assert.equal(counted.count, 6);
    assert.equal(counted.data?.length, 2);
    // Keyset pagination on (start_ms, id) with or(): rows after cursor (200, rows[2].id).
    const cursor = rows[2]!;
    const page = await a.from('transcript_entries').select('seq').eq('session_id', sid)
      .or(`start_ms.gt.200,and(start_ms.eq.200,id.gt.${cursor.id})`).order('start_ms').order('id');
    assert.equal(page.error, null);
    assert.deepEqual(seqs(page), [3, 4]);
    const inText = await a.from('transcript_entries').select('seq').eq('session_id', sid).in('item_id', [rows[1]!.item_id as string, 'a,b "c"']);
    assert.deepEqual(seqs(inText), [1]);
  });

  it('single(): one row gives an object, none gives 406 PGRST116; maybeSingle(): none gives null', async () => {
    const one = await a.from('interview_sessions').select('id,status').eq('id', sessionId).single();
    assert.equal(one.error, null);
    assert.deepEqual(one.data, { id: sessionId, status: 'in_progress' });
    const none = await a.from('interview_sessions').select().eq('id', crypto.randomUUID()).single();
    assert.equal(none.status, 406);
    assert.equal(none.error?.code, 'PGRST116');
    const maybe = await a.from('interview_sessions').select().eq('id', crypto.randomUUID()).maybeSingle();
    assert.equal(maybe.error, null);
    assert.equal(maybe.data, null);
    const many = await a.from('transcript_entries').select().eq('session_id', sessionId).maybeSingle();
    assert.equal(many.error?.code, 'PGRST116');
  });

  it('a mutation with single() that matches several rows is rolled back (406)', async () => {
    const r = await a.from('transcript_entries').update({ text: 'overwritten' }).eq('session_id', sessionId).select().single();
    assert.equal(r.status, 406);
    const left = await s.db.query(`select count(*)::int as n from transcript_entries where session_id = $1 and text = 'overwritten'`, [sessionId]);
    assert.equal(left.rows[0].n, 0);
  });

  it('update with a filter returns the representation; without a filter it is refused (21000)', async () => {
    const r = await a.from('interview_sessions').update({ status: 'completed', end_time: new Date().toISOString() }).eq('id', sessionId).select('status');
    assert.equal(r.error, null);
    assert.deepEqual(r.data, [{ status: 'completed' }]);
    const all = await a.from('interview_sessions').update({ status: 'failed' });
    assert.equal(all.status, 400);
    assert.equal(all.error?.code, '21000');
  });

  it('constraint violations come back with the PostgREST code and status', async () => {
    // The shared session is completed by now (frozen): these entries go to an open one.
    const open = sessionRow(s.a);
    assert.equal((await a.from('interview_sessions').insert(open)).error, null);
    const sessionId = open.id as string;
    const dupItem = entryRow(s.a, sessionId, 7);
    assert.equal((await a.from('transcript_entries').insert(dupItem)).error, null);
    const sameItem = await a.from('transcript_entries').insert({ ...dupItem, id: crypto.randomUUID() });
    assert.equal(sameItem.status, 409);
    assert.equal(sameItem.error?.code, '23505');
    const badSpeaker = await a.from('transcript_entries').insert(entryRow(s.a, sessionId, 8, { speaker: 'robot' }));
    assert.equal(badSpeaker.status, 400);
    assert.equal(badSpeaker.error?.code, '23514');
    const noSession = await a.from('transcript_entries').insert(entryRow(s.a, crypto.randomUUID(), 9));
    assert.equal(noSession.status, 409);
    assert.equal(noSession.error?.code, '23503');
    const { id: _omit, ...withoutId } = entryRow(s.a, sessionId, 10);
    const noId = await a.from('transcript_entries').insert(withoutId);
    assert.equal(noId.status, 400);
    assert.equal(noId.error?.code, '23502');
    const badUuid = await a.from('interview_sessions').select().eq('id', 'not-a-uuid');
    assert.equal(badUuid.status, 400);
    assert.equal(badUuid.error?.code, '22P02');
  });

  it('unknown tables, columns and functions are 404/400 errors, not data', async () => {
    const table = await a.from('no_such_table').select();
    assert.equal(table.status, 404);
    assert.equal(table.error?.code, 'PGRST205');
    const column = await a.from('interview_sessions').insert(sessionRow(s.a, { colour: 'red' }));
    assert.equal(column.status, 400);
    assert.equal(column.error?.code, 'PGRST204');
    const filter = await a.from('interview_sessions').select().eq('colour', 'red');
    assert.equal(filter.error?.code, '42703');
    const fn = await a.rpc('no_such_function', { x: 1 });
    assert.equal(fn.status, 404);
    assert.equal(fn.error?.code, 'PGRST202');
  });

  it('missing=default (defaultToNull: false) fills absent keys from column defaults', async () => {
    const sid = crypto.randomUUID();
    const { tenant_id: _t, ...noTenant } = sessionRow(s.a, { id: sid });
    const withTenant = sessionRow(s.a);
    const r = await a.from('interview_sessions').insert([noTenant, withTenant], { defaultToNull: false }).select('id,tenant_id');
    assert.equal(r.error, null);
    assert.equal(r.data?.length, 2);
    assert.ok(r.data?.every((row) => row.tenant_id === s.a.id), 'tenant_id defaults to the JWT tenant');
    // Without missing=default the absent key is NULL, which the tenant policy refuses (RLS is checked first).
    const { tenant_id: _t2, ...noTenant2 } = sessionRow(s.a);
    const nulls = await a.from('interview_sessions').insert([noTenant2, sessionRow(s.a)]);
    assert.equal(nulls.error?.code, '42501');
    assert.equal(nulls.status, 403);
  });

  it('requests without an apikey or with a forged token are refused', async () => {
    const noKey = await fetch(`${s.gateway.url}/rest/v1/tenants?select=*`);
    assert.equal(noKey.status, 401);
    assert.match(((await noKey.json()) as { message: string }).message, /No API key/);
    const forged = await fetch(`${s.gateway.url}/rest/v1/tenants?select=*`, {
      headers: { apikey: s.gateway.anonKey, Authorization: `Bearer ${s.gateway.anonKey.slice(0, -4)}AAAA` },
    });
    assert.equal(forged.status, 401);
    assert.equal(((await forged.json()) as { code: string }).code, 'PGRST301');
  });

  it('the service role bypasses RLS (sees every tenant)', async () => {
    const { createClient } = await import('@supabase/supabase-js');
    const ws = (await import('ws')).default;
    const service = createClient(s.gateway.url, s.gateway.serviceKey, { realtime: { transport: ws as never }, auth: { persistSession: false, autoRefreshToken: false } });
    const r = await service.from('tenants').select('id').order('name');
    assert.equal(r.error, null);
    assert.deepEqual(r.data?.map((t) => t.id), [s.a.id, s.b.id]);
  });

  it('anon (signed out) sees no rows and cannot write', async () => {
    const anon = newClient(s.gateway);
    const read = await anon.from('interview_sessions').select();
    assert.equal(read.status, 401);
    assert.equal(read.error?.code, '42501');
    const write = await anon.from('interview_sessions').insert(sessionRow(s.a));
    assert.equal(write.error?.code, '42501');
  });
});

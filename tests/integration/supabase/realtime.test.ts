// Supabase Realtime through the test gateway, driven by the real supabase-js client: postgres_changes arrive
// typed and in commit order, each subscriber gets only what RLS lets it read (tenant, role, own kiosk), an
// anonymous socket gets no row data, tokens are refreshed and expire, and a dropped socket rejoins by itself.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { RealtimeChannel, RealtimePostgresChangesPayload, SupabaseClient } from '@supabase/supabase-js';
import { signJwt } from '../../support/gateway/jwt';
import { entryRow, newClient, sessionRow, signedIn, startStack, type Stack, type TenantFixture } from './fixture';

type Row = Record<string, unknown>;

/** Subscribe and collect every change; resolves once the server confirmed the subscription. */
async function watch(client: SupabaseClient, table: string, filter?: string): Promise<{
  channel: RealtimeChannel; events: RealtimePostgresChangesPayload<Row>[]; statuses: string[]; listening: () => number;
}> {
  const events: RealtimePostgresChangesPayload<Row>[] = [];
  const statuses: string[] = [];
  // SUBSCRIBED is only the join reply; Realtime makes the Postgres subscription after it and then says so in a
  // system message. A change committed in between is not delivered (real Realtime too), so wait for both.
  let joined = false;
  let listening = 0;
  let ready = (): void => {};
  const channel = client.channel(`watch-${table}-${crypto.randomBytes(3).toString('hex')}`)
    .on('postgres_changes', { event: '*', schema: 'public', table, ...(filter ? { filter } : {}) }, (p) => events.push(p as RealtimePostgresChangesPayload<Row>))
    .on('system', {}, (m: { extension?: string; status?: string }) => {
      if (m.extension === 'postgres_changes' && m.status === 'ok') { listening += 1; ready(); }
    });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`subscribe ${table}: not ready (${statuses.join(',')}, postgres ${listening})`)), 10_000);
    ready = () => { if (joined && listening > 0) { clearTimeout(t); resolve(); } };
    channel.subscribe((status) => {
      statuses.push(status);
      if (status === 'SUBSCRIBED') { joined = true; ready(); }
    });
  });
  return { channel, events, statuses, listening: () => listening };
}

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Realtime postgres_changes with RLS', { timeout: 120_000 }, () => {
  let s: Stack;
  let observerA: TenantFixture;
  let observerB: TenantFixture;
  let kiosk2A: TenantFixture;
  const clients: SupabaseClient[] = [];

  before(async () => {
    s = await startStack();
    const person = async (t: TenantFixture, email: string, role?: 'observer' | 'reviewer') => {
      const password = crypto.randomBytes(9).toString('base64url');
      await s.gateway.createDeviceUser(email, password, t.id, role);
      return { ...t, email, password };
    };
    observerA = await person(s.a, 'observer-a@people.test', 'observer');
    observerB = await person(s.b, 'observer-b@people.test', 'observer');
    kiosk2A = await person(s.a, 'kiosk-a2@devices.test');
  });
  after(async () => {
    for (const c of clients) await c.removeAllChannels();
    await s?.stop();
  });
  const client = async (t: TenantFixture | null) => {
    const c = t ? await signedIn(s.gateway, t) : newClient(s.gateway);
    clients.push(c);
    return c;
  };

  it('an observer follows its tenant\'s transcript live, typed and in commit order; the other tenant sees none of it', async () => {
    const obsA = await watch(await client(observerA), 'transcript_entries');
    const obsB = await watch(await client(observerB), 'transcript_entries');
    const kioskA = await client(s.a);
    const kioskB = await client(s.b);
    const sessA = sessionRow(s.a);
    const sessB = sessionRow(s.b);
    assert.equal((await kioskA.from('interview_sessions').insert(sessA)).error, null);
    assert.equal((await kioskB.from('interview_sessions').insert(sessB)).error, null);
    const rows = Array.from({ length: 12 }, (_, i) => entryRow(s.a, sessA.id as string, i, { text: `A secret ${i}` }));
    for (const r of rows) assert.equal((await kioskA.from('transcript_entries').upsert(r)).error, null);
    // One late correction: an UPDATE arrives as its own event.
    assert.equal((await kioskA.from('transcript_entries').update({ text: 'A secret 3 (corrected)' }).eq('id', rows[3]!.id as string)).error, null);
    const bRow = entryRow(s.b, sessB.id as string, 0, { text: 'B only' });
    assert.equal((await kioskB.from('transcript_entries').insert(bRow)).error, null);

    await until('A events', () => obsA.events.length >= 13);
    await until('B event', () => obsB.events.length >= 1);
    const inserts = obsA.events.filter((e) => e.eventType === 'INSERT');
    assert.deepEqual(inserts.map((e) => (e.new as Row).seq), rows.map((r) => r.seq), 'inserts in commit order');
    assert.equal(typeof (inserts[0]!.new as Row).seq, 'number', 'int4 converted by realtime-js from the columns list');
    assert.equal((inserts[5]!.new as Row).text, 'A secret 5');
    const upd = obsA.events.find((e) => e.eventType === 'UPDATE')!;
    assert.equal((upd.new as Row).text, 'A secret 3 (corrected)');
    assert.deepEqual(Object.keys(upd.old as Row), ['id'], 'old record is the replica identity (primary key)');
    assert.match(upd.commit_timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(obsA.events.every((e) => (e.new as Row).tenant_id === s.a.id), 'observer A: only tenant A rows');
    assert.deepEqual(obsB.events.map((e) => (e.new as Row).text), ['B only'], 'observer B: its own row, nothing of A');
  });

  it('a filter narrows the stream to one session', async () => {
    const kioskA = await client(s.a);
    const one = sessionRow(s.a);
    const other = sessionRow(s.a);
    for (const r of [one, other]) assert.equal((await kioskA.from('interview_sessions').insert(r)).error, null);
    const w = await watch(await client(observerA), 'transcript_entries', `session_id=eq.${one.id as string}`);
    assert.equal((await kioskA.from('transcript_entries').insert(entryRow(s.a, other.id as string, 0))).error, null);
    assert.equal((await kioskA.from('transcript_entries').insert(entryRow(s.a, one.id as string, 0, { text: 'wanted' }))).error, null);
    await until('filtered event', () => w.events.length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(w.events.map((e) => (e.new as Row).text), ['wanted']);
  });

  it('kiosk status: observers see every kiosk of their tenant; a kiosk sees only itself; observers cannot write', async () => {
    const k1 = await client(s.a);
    const k2 = await client(kiosk2A);
    const obs = await watch(await client(observerA), 'kiosk_status');
    const obsOther = await watch(await client(observerB), 'kiosk_status');
    const k2Watch = await watch(k2, 'kiosk_status');
    const put = async (c: SupabaseClient, state: string) => {
      const { data: u } = await c.auth.getUser();
      const r = await c.from('kiosk_status').upsert({ device_id: u.user!.id, tenant_id: s.a.id, state, label: state }).select('device_id');
      assert.equal(r.error, null, `upsert ${state}: ${r.error?.message}`);
    };
    await put(k1, 'pre_flight');
    await put(k2, 'idle');
    await put(k1, 'interviewing');
    await until('observer sees 3 changes', () => obs.events.length >= 3);
    await until('kiosk 2 sees its own change', () => k2Watch.events.length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    const { data: u2 } = await k2.auth.getUser();
    assert.deepEqual(obs.events.map((e) => (e.new as Row).state), ['pre_flight', 'idle', 'interviewing']);
    assert.deepEqual(k2Watch.events.map((e) => (e.new as Row).device_id), [u2.user!.id], 'kiosk 2 never sees kiosk 1');
    assert.equal(obsOther.events.length, 0, 'observer of tenant B sees no kiosk of A');
    // A kiosk may not write another kiosk's row, nor an observer any row.
    const { data: u1 } = await k1.auth.getUser();
    const steal = await k2.from('kiosk_status').upsert({ device_id: u1.user!.id, tenant_id: s.a.id, state: 'finished' });
    assert.equal(steal.error?.code, '42501');
    const o = await client(observerA);
    const { data: uo } = await o.auth.getUser();
    assert.equal((await o.from('kiosk_status').insert({ device_id: uo.user!.id, state: 'idle' })).error?.code, '42501');
    const sess = sessionRow(s.a);
    assert.equal((await o.from('interview_sessions').insert(sess)).error?.code, '42501', 'observers are read-only on sessions');
    const reviewed = await s.db.query('select state from kiosk_status where device_id = $1', [u1.user!.id]);
    assert.equal(reviewed.rows[0]!.state, 'interviewing');
  });

  it('a kiosk device cannot follow another kiosk: its subscriptions to kiosk 1\'s session, entries and status stay silent', async () => {
    const k1 = await client(s.a);
    const k2 = await client(kiosk2A);
    const { data: u1 } = await k1.auth.getUser();
    const { data: u2 } = await k2.auth.getUser();
    const sess = sessionRow(s.a);
    // The worst case: kiosk 2 knows kiosk 1's session id and asks for exactly it, and for everything besides.
    const k2Followed = await watch(k2, 'transcript_entries', `session_id=eq.${sess.id as string}`);
    const k2Entries = await watch(k2, 'transcript_entries');
    const k2Sessions = await watch(k2, 'interview_sessions');
    const k2Status = await watch(k2, 'kiosk_status');
    // A control: the tenant's observer, subscribed the same way, does receive kiosk 1's changes.
    const control = await watch(await client(observerA), 'transcript_entries', `session_id=eq.${sess.id as string}`);

    assert.equal((await k1.from('interview_sessions').insert(sess)).error, null);
    const rows = [0, 1, 2].map((i) => entryRow(s.a, sess.id as string, i, { text: `kiosk 1 private ${i}` }));
    for (const r of rows) assert.equal((await k1.from('transcript_entries').insert(r)).error, null);
    assert.equal((await k1.from('transcript_entries').update({ text: 'kiosk 1 private 0 (edited)' }).eq('id', rows[0]!.id as string)).error, null);
    assert.equal((await k1.from('kiosk_status').upsert({ device_id: u1.user!.id, tenant_id: s.a.id, state: 'interviewing', question: 2 })).error, null);
    await until('the observer got kiosk 1\'s entries', () => control.events.length >= 4);
    // Kiosk 2's own writes come last: changes are delivered in commit order, so once its own arrive, anything of
    // kiosk 1 it could have been sent would have arrived before.
    const own = sessionRow(s.a);
    assert.equal((await k2.from('interview_sessions').insert(own)).error, null);
    assert.equal((await k2.from('transcript_entries').insert(entryRow(s.a, own.id as string, 0, { text: 'kiosk 2 own' }))).error, null);
    assert.equal((await k2.from('kiosk_status').upsert({ device_id: u2.user!.id, tenant_id: s.a.id, state: 'interviewing' })).error, null);
    await until('kiosk 2 got its own changes', () => k2Entries.events.length >= 1 && k2Sessions.events.length >= 1 && k2Status.events.length >= 1);
    assert.deepEqual(k2Followed.events, [], 'kiosk 2 receives nothing of the kiosk 1 session it asked for');
    assert.deepEqual(k2Entries.events.map((e) => (e.new as Row).text), ['kiosk 2 own']);
    assert.deepEqual(k2Sessions.events.map((e) => (e.new as Row).id), [own.id]);
    assert.deepEqual(k2Status.events.map((e) => (e.new as Row).device_id), [u2.user!.id]);
    assert.ok(!JSON.stringify([k2Followed.events, k2Entries.events, k2Sessions.events, k2Status.events]).includes('kiosk 1 private'));
    // Nor can it read them over REST.
    const peek = await k2.from('transcript_entries').select('id').eq('session_id', sess.id as string);
    assert.deepEqual(peek.data, []);
  });

  it('an anonymous socket gets no row data (only the 401 notice Supabase sends a role without SELECT)', async () => {
    const anon = await client(null);
    const w = await watch(anon, 'transcript_entries');
    const kioskA = await client(s.a);
    const sess = sessionRow(s.a);
    assert.equal((await kioskA.from('interview_sessions').insert(sess)).error, null);
    assert.equal((await kioskA.from('transcript_entries').insert(entryRow(s.a, sess.id as string, 0, { text: 'not for anon' }))).error, null);
    await until('anon notice', () => w.events.length >= 1);
    for (const e of w.events) {
      assert.deepEqual(e.new, {});
      assert.deepEqual(e.errors, ['Error 401: Unauthorized']);
    }
    assert.ok(!JSON.stringify(w.events).includes('not for anon'));
  });

  it('heartbeats are answered; a refreshed token keeps the channel; an expired one closes it with a system error', async () => {
    const obsClient = await client(observerA);
    const beats: string[] = [];
    obsClient.realtime.onHeartbeat((status) => { beats.push(status); });
    const w = await watch(obsClient, 'kiosk_status');
    await obsClient.realtime.sendHeartbeat();
    await until('heartbeat ok', () => beats.includes('ok'));

    const { data: sessionData } = await obsClient.auth.getSession();
    const claims = JSON.parse(Buffer.from(sessionData.session!.access_token.split('.')[1]!, 'base64url').toString()) as Row;
    const shortLived = signJwt({ ...claims, exp: Math.floor(Date.now() / 1000) + 2 }, s.gateway.jwtSecret);
    const systems: { status: string; message: string }[] = [];
    w.channel.on('system', {}, (p: { status: string; message: string }) => systems.push(p));
    await obsClient.realtime.setAuth(shortLived);
    // Still subscribed with the new token: a change arrives.
    const k = await client(s.a);
    const { data: uk } = await k.auth.getUser();
    assert.equal((await k.from('kiosk_status').upsert({ device_id: uk.user!.id, tenant_id: s.a.id, state: 'paused' })).error, null);
    await until('change after refresh', () => w.events.some((e) => (e.new as Row).state === 'paused'));
    await until('channel closed at expiry', () => w.statuses.includes('CLOSED'), 8_000);
    assert.ok(systems.some((m) => m.status === 'error' && /expired/i.test(m.message)), JSON.stringify(systems));
  });

  it('a dropped socket reconnects and rejoins by itself', async () => {
    const obsClient = await client(observerA);
    const w = await watch(obsClient, 'kiosk_status');
    assert.ok(s.gateway.realtime.dropConnections() >= 1);
    await until('rejoined', () => w.statuses.filter((x) => x === 'SUBSCRIBED').length >= 2 && w.listening() >= 2, 15_000);
    const k = await client(s.a);
    const { data: uk } = await k.auth.getUser();
    assert.equal((await k.from('kiosk_status').upsert({ device_id: uk.user!.id, tenant_id: s.a.id, state: 'finished' })).error, null);
    await until('change after rejoin', () => w.events.some((e) => (e.new as Row).state === 'finished'));
  });
});

// Fault injection: what the sync engine will meet on a bad network, as supabase-js surfaces it. Each fault is
// shown to produce an error (never data), and the idempotent retry after a lost answer to create no duplicate.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { SupabaseClient } from '@supabase/supabase-js';
import { entryRow, newClient, sessionRow, signedIn, startStack, type Stack } from './fixture';

describe('gateway faults through supabase-js', { timeout: 60_000 }, () => {
  let s: Stack;
  let a: SupabaseClient;
  let sessionId: string;

  before(async () => {
    s = await startStack({ accessTokenTtlSec: 3600 });
    a = await signedIn(s.gateway, s.a);
    const row = sessionRow(s.a);
    sessionId = row.id as string;
    assert.equal((await a.from('interview_sessions').insert(row)).error, null);
  });
  afterEach(async () => {
    s.gateway.faults = {};
    await s.gateway.settled();
  });
  after(async () => { await s?.stop(); });

  const countEntries = async () => (await s.db.query('select count(*)::int as n from transcript_entries where session_id = $1', [sessionId])).rows[0].n as number;

  it('status5xx: the next n requests fail with a 5xx error, then requests work again', async () => {
    s.gateway.faults = { status5xx: 2 };
    const e = entryRow(s.a, sessionId, 0);
    const r1 = await a.from('transcript_entries').upsert([e]);
    const r2 = await a.from('transcript_entries').upsert([e]);
    assert.equal(r1.status, 500);
    assert.ok(r1.error);
    assert.equal(r2.status, 500);
    assert.equal(await countEntries(), 0, 'nothing reached the database');
    const r3 = await a.from('transcript_entries').upsert([e]);
    assert.equal(r3.error, null);
    assert.equal(await countEntries(), 1);
  });

  it('resetAfterCommit: the write commits but the answer is lost; the retry (same UUID) adds no duplicate', async () => {
    s.gateway.faults = { resetAfterCommit: 1 };
    const e = entryRow(s.a, sessionId, 1);
    const before = await countEntries();
    const lost = await a.from('transcript_entries').upsert([e]);
    assert.ok(lost.error, 'a dropped connection surfaces as an error');
    assert.equal(lost.data, null);
    assert.equal(await countEntries(), before + 1, 'but the row was committed');
    const retry = await a.from('transcript_entries').upsert([e]);
    assert.equal(retry.error, null);
    assert.equal(await countEntries(), before + 1, 'the retry created no duplicate');
  });

  it('timeoutMs: a held request is dropped after the hold; a client timeout fires first', async () => {
    const withTimeout: typeof fetch = (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(300) });
    const c = await signedIn(s.gateway, s.a, withTimeout);
    s.gateway.faults = { timeoutMs: 2000, timeoutCount: 1 };
    const started = Date.now();
    const r = await c.from('transcript_entries').upsert([entryRow(s.a, sessionId, 2)]);
    assert.ok(r.error);
    assert.ok(Date.now() - started < 1500, 'the client gave up on its own timeout');
    assert.match(r.error.message, /abort|timeout/i);
    const ok = await c.from('transcript_entries').select('id').eq('session_id', sessionId);
    assert.equal(ok.error, null, 'the count ran out: the next request is answered');
  });

  it('delayMs: answers arrive late but intact', async () => {
    s.gateway.faults = { delayMs: 150 };
    const started = Date.now();
    const r = await a.from('interview_sessions').select('id').eq('id', sessionId).single();
    assert.equal(r.error, null);
    assert.equal(r.data?.id, sessionId);
    assert.ok(Date.now() - started >= 150);
  });

  it('htmlAnswers: a non-JSON 200 (captive portal) surfaces as an error, not data', async () => {
    s.gateway.faults = { htmlAnswers: 1 };
    const r = await a.from('interview_sessions').select('id');
    assert.ok(r.error, 'HTML instead of JSON must be an error');
    assert.equal(r.data, null);
  });

  it('expireTokens: old tokens get 401 "JWT expired" (PGRST303); a refresh issues a working one', async () => {
    const c = await signedIn(s.gateway, s.a);
    const oldRefresh = (await c.auth.getSession()).data.session!.refresh_token;
    s.gateway.faults = { expireTokens: true };
    const denied = await c.from('interview_sessions').select('id');
    assert.equal(denied.status, 401);
    assert.equal(denied.error?.code, 'PGRST303');
    assert.equal(denied.error?.message, 'JWT expired');
    const refreshed = await c.auth.refreshSession();
    assert.equal(refreshed.error, null);
    assert.notEqual(refreshed.data.session?.refresh_token, oldRefresh, 'refresh tokens rotate');
    const again = await c.from('interview_sessions').select('id').eq('id', sessionId);
    assert.equal(again.error, null);
    assert.equal(again.data?.length, 1);
    // The rotated-out refresh token is spent.
    const reuse = await fetch(`${s.gateway.url}/auth/v1/token?grant_type=refresh_token`, {
      method: 'POST', headers: { apikey: s.gateway.anonKey, 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: oldRefresh }),
    });
    assert.equal(reuse.status, 400);
    assert.equal(reuse.headers.get('x-supabase-api-version'), '2024-01-01');
    assert.equal(((await reuse.json()) as { code: string }).code, 'refresh_token_already_used');
  });

  it('down: connections are refused while down, and work again after', async () => {
    const a = await signedIn(s.gateway, s.a); // the suite's client may hold an access token expired above
    s.gateway.faults = { down: true };
    await s.gateway.settled();
    const r = await a.from('transcript_entries').upsert([entryRow(s.a, sessionId, 3)]);
    assert.ok(r.error, 'refused connection surfaces as an error');
    assert.match(r.error.message, /fetch failed|ECONNREFUSED/i);
    s.gateway.faults.down = false;
    await s.gateway.settled();
    const ok = await a.from('transcript_entries').upsert([entryRow(s.a, sessionId, 4)]);
    assert.equal(ok.error, null);
  });
});

describe('short-lived access tokens', { timeout: 60_000 }, () => {
  let s: Stack;
  before(async () => { s = await startStack({ accessTokenTtlSec: 2 }); });
  after(async () => { await s?.stop(); });

  it('a really expired token is refused; supabase-js refreshes it before the next call', async () => {
    const c = newClient(s.gateway);
    const signIn = await c.auth.signInWithPassword({ email: s.a.email, password: s.a.password });
    assert.equal(signIn.error, null);
    assert.equal(signIn.data.session?.expires_in, 2);
    const token = signIn.data.session!.access_token;
    const refreshed = new Promise<void>((resolve) => {
      const { data } = c.auth.onAuthStateChange((event) => { if (event === 'TOKEN_REFRESHED') { data.subscription.unsubscribe(); resolve(); } });
    });
    // Wait until the token has really expired (exp is in whole seconds).
    const exp = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).exp as number;
    await new Promise((r) => setTimeout(r, Math.max(0, exp * 1000 - Date.now() + 50)));
    const raw = await fetch(`${s.gateway.url}/rest/v1/tenants?select=id`, { headers: { apikey: s.gateway.anonKey, Authorization: `Bearer ${token}` } });
    assert.equal(raw.status, 401);
    assert.equal(((await raw.json()) as { code: string }).code, 'PGRST303');
    // With < 90 s left, supabase-js refreshes inside getSession() before the request.
    const r = await c.from('tenants').select('id');
    assert.equal(r.error, null);
    assert.deepEqual(r.data, [{ id: s.a.id }]);
    await refreshed;
  });
});

// Unit tests for the sync engine's pure pieces: error classification, backoff, batch planning, mapping,
// cursors, invitation decisions; and the outbox triggers of migration 2 against a real SQLite file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../../main/core/db/database';
import { createStore } from '../../../main/core/db/store';
import { scaledClock } from '../../../main/core/sync/engine';
import {
  acceptPulledInvitation,
  checkCachedInvitation,
  entryToRemote,
  jwtClaims,
  laterCursor,
  pullStart,
  refusalFromCode,
  sessionToRemote,
} from '../../../main/core/sync/mapping';
import { createOutbox } from '../../../main/core/sync/outbox';
import { classifyError, describeError, eligible, planNext, splitBatch, type OutboxItem, type RemoteError } from '../../../main/core/sync/plan';

const err = (status: number, code = '', message = 'x', extra: Partial<RemoteError> = {}): RemoteError => ({ status, code, message, ...extra });

test('classifyError: retry network/5xx/429/bad answers/missing tables; refresh on 401; quarantine row errors', () => {
  assert.equal(classifyError(err(0, '', 'TypeError: fetch failed')), 'retry');
  assert.equal(classifyError(err(500)), 'retry');
  assert.equal(classifyError(err(503, '')), 'retry');
  assert.equal(classifyError(err(429)), 'retry');
  assert.equal(classifyError(err(408)), 'retry');
  assert.equal(classifyError(err(200, '', '<html>', { badAnswer: true })), 'retry');
  assert.equal(classifyError(err(404, 'PGRST205')), 'retry');
  assert.equal(classifyError(err(404, 'PGRST202')), 'retry');
  assert.equal(classifyError(err(401, 'PGRST303', 'JWT expired')), 'refresh');
  assert.equal(classifyError(err(401, '')), 'refresh');
  for (const code of ['23505', '23503', '23514', '23502', '22P02', '42501', 'PGRST204', 'KI409', 'KI410', 'KI404']) {
    assert.equal(classifyError(err(code === '42501' ? 403 : code.startsWith('23') && code !== '23514' && code !== '23502' ? 409 : 400, code)), 'quarantine', code);
  }
  // Storage: HTTP 400 with the real status as a string code.
  assert.equal(classifyError(err(400, '403', 'new row violates row-level security policy')), 'quarantine');
  assert.equal(classifyError(err(400, '415')), 'quarantine');
  assert.equal(classifyError(err(404, '')), 'retry', 'a bare 404 (no code) is a routing problem, not the row');
});

test('describeError says what happened in words, with the code', () => {
  assert.match(describeError(err(0, '', 'TypeError: fetch failed')), /could not be reached.*Nothing is lost/);
  assert.match(describeError(err(200, '', 'non-JSON body: <html>', { badAnswer: true })), /not a valid Supabase response/);
  assert.match(describeError(err(404, 'PGRST205', "Could not find the table 'public.x'")), /no such table.*migrated/);
  assert.match(describeError(err(400, '23514', 'new row violates check constraint', { details: 'Failing row contains …' })), /check constraint — Failing row.*HTTP 400, 23514/);
});

const item = (id: number, kind: OutboxItem['kind'], extra: Partial<OutboxItem> = {}): OutboxItem => ({
  id, kind, rowId: `r${id}`, sessionId: 's1', version: 1, sessionRemote: false, ...extra,
});

test('planNext: sessions first, then redemptions, entries (only of uploaded sessions), completions, recordings', () => {
  const items = [
    item(1, 'entry', { sessionRemote: false }),
    item(2, 'recording', { sessionRemote: true }),
    item(3, 'invitation', { sessionRemote: true, redeemPending: true }),
    item(4, 'entry', { sessionRemote: true }),
    item(5, 'session'),
    item(6, 'entry', { sessionRemote: true }),
    item(7, 'invitation_redeem'),
  ];
  assert.deepEqual(planNext(items)?.items.map((i) => i.id), [5]);
  const noSession = items.filter((i) => i.kind !== 'session');
  assert.deepEqual(planNext(noSession)?.items.map((i) => i.id), [7]);
  const entries = noSession.filter((i) => i.kind !== 'invitation_redeem');
  assert.deepEqual(planNext(entries)?.items.map((i) => i.id), [4, 6], 'entry 1 waits for its session');
  const rest = entries.filter((i) => i.kind !== 'entry');
  assert.deepEqual(planNext(rest)?.items.map((i) => i.id), [2], 'the completion waits for its redemption');
  assert.equal(planNext([item(3, 'invitation', { sessionRemote: true, redeemPending: false })])?.kind, 'invitation');
  assert.equal(planNext([item(1, 'entry')]), null);
  assert.equal(eligible(item(1, 'invitation', { sessionRemote: false })), false);
});

test('planNext: batches up to the limit in queue order, RPCs and uploads one at a time, skips tried items', () => {
  const many = Array.from({ length: 12 }, (_, i) => item(100 - i, 'entry', { sessionRemote: true }));
  const plan = planNext(many, { rows: 5 })!;
  assert.deepEqual(plan.items.map((i) => i.id), [89, 90, 91, 92, 93]);
  assert.deepEqual(planNext(many, { rows: 5 }, new Set([89, 90]))!.items.map((i) => i.id), [91, 92, 93, 94, 95]);
  assert.equal(planNext([item(1, 'recording', { sessionRemote: true }), item(2, 'recording', { sessionRemote: true })])!.items.length, 1);
  assert.deepEqual(splitBatch([1, 2, 3, 4, 5]), [[1, 2, 3], [4, 5]]);
  assert.deepEqual(splitBatch([1]), [[1], []]);
});

test('a finished session goes up provisionally, its entries next, its final state last (the server freezes it)', () => {
  const finished = { finished: true, entriesPending: true };
  assert.equal(eligible(item(1, 'session', { ...finished, sessionRemote: false })), true, 'first, so the entries have a row');
  assert.equal(eligible(item(1, 'session', { ...finished, sessionRemote: true })), false, 'then it waits for its entries');
  assert.equal(eligible(item(1, 'session', { finished: true, entriesPending: false, sessionRemote: true })), true);
  assert.equal(eligible(item(1, 'session', { finished: false, entriesPending: true, sessionRemote: true })), true);
  const local = {
    id: 's', tenant_id: 't', candidate_id: 'c', position_id: 'p', status: 'completed', recording_consent: 1,
    start_time: '2026-01-01T10:00:00.000Z', end_time: '2026-01-01T10:30:00.000Z',
    status_history: '[{"status":"in_progress","at":"a"},{"status":"completed","at":"b"}]',
    calls: '[]', recording_path: 't/s.webm', created_at: '2026-01-01T09:59:00.000Z',
  };
  const early = sessionToRemote(local, true);
  assert.equal(early.status, 'in_progress');
  assert.equal(early.end_time, null);
  assert.equal(early.recording_path, null);
  assert.deepEqual(early.status_history, [{ status: 'in_progress', at: 'a' }]);
  const final = sessionToRemote(local);
  assert.equal(final.status, 'completed');
  assert.equal(final.end_time, local.end_time);
  assert.equal((final.status_history as unknown[]).length, 2);
});

test('mapping: local rows become Supabase rows (values, JSON, booleans, tenant on every row)', () => {
  const local = {
    id: 's', tenant_id: 't', candidate_id: 'c', position_id: 'p', status: 'completed', recording_consent: 1,
    start_time: '2026-01-01T10:00:00.000Z', end_time: null, status_history: '[{"status":"scheduled","at":"x"}]',
    calls: '[{"id":"rtc_1"},{"id":"rtc_2"}]', recording_path: null, created_at: '2026-01-01T09:59:00.000Z',
  };
  const session = sessionToRemote(local);
  assert.equal(session.recording_consent, true);
  assert.deepEqual(session.status_history, [{ status: 'scheduled', at: 'x' }]);
  assert.equal(session.webrtc_session_id, 'rtc_2');
  assert.equal(session.tenant_id, 't');
  const odd = sessionToRemote({ ...local, recording_consent: 0, status_history: 'not json', calls: '[]' });
  assert.equal(odd.webrtc_session_id, null);
  assert.equal(odd.recording_consent, false);
  assert.deepEqual(odd.status_history, []);
  const entry = entryToRemote({ id: 'e', session_id: 's', tenant_id: 't', item_id: 'i', seq: 3, speaker: 'candidate', text: 'hi', start_ms: null, status: 'failed', confidence: null, created_at: 'c' });
  assert.deepEqual(Object.keys(entry).sort(), ['confidence', 'created_at', 'id', 'item_id', 'seq', 'session_id', 'speaker', 'start_ms', 'status', 'tenant_id', 'text', 'typed']);
  assert.equal(entry.start_ms, null);
  assert.equal(entry.typed, false, 'a row without the column (or 0) is a spoken answer');
  assert.equal(entryToRemote({ id: 'e', session_id: 's', tenant_id: 't', item_id: 'i', seq: 3, speaker: 'candidate', text: 'hi', start_ms: null, status: 'final', confidence: null, typed: 1, created_at: 'c' }).typed, true);
});

test('cursors: the later (updated_at, id) wins; pulls restart an overlap window earlier', () => {
  const a = { updatedAt: '2026-11-23T22:47:10.729735+00:00', id: 'b' };
  assert.deepEqual(laterCursor(null, a), a);
  assert.deepEqual(laterCursor(a, { updatedAt: '2026-11-23T22:47:10.729736+00:00', id: 'a' }).id, 'a', 'microseconds count');
  assert.deepEqual(laterCursor(a, { updatedAt: a.updatedAt, id: 'c' }).id, 'c');
  assert.deepEqual(laterCursor(a, { updatedAt: a.updatedAt, id: 'a' }).id, 'b');
  assert.deepEqual(laterCursor(a, { updatedAt: '2026-11-23T22:47:09.000000+00:00', id: 'z' }).id, 'b');
  assert.equal(pullStart(null, 60_000), null);
  assert.equal(pullStart(a, 60_000), '2026-11-23T22:46:10.729Z');
});

test('invitations: cache decisions, pulled rows never move a status backwards, RPC codes', () => {
  const now = Date.parse('2026-06-01T00:00:00Z');
  const open = { status: 'open', expires_at: '2026-07-01T00:00:00Z', redeemed_by_device: null, session_id: null };
  assert.deepEqual(checkCachedInvitation(null, 'd', now), { ok: false, reason: 'invitation_unknown' });
  assert.deepEqual(checkCachedInvitation(open, 'd', now), { ok: true, reuse: false });
  assert.deepEqual(checkCachedInvitation({ ...open, expires_at: '2026-05-01T00:00:00Z' }, 'd', now), { ok: false, reason: 'invitation_expired' });
  assert.deepEqual(checkCachedInvitation({ ...open, status: 'expired' }, 'd', now), { ok: false, reason: 'invitation_expired' });
  assert.deepEqual(checkCachedInvitation({ ...open, status: 'completed' }, 'd', now), { ok: false, reason: 'invitation_used' });
  assert.deepEqual(checkCachedInvitation({ ...open, status: 'redeemed', redeemed_by_device: 'other' }, 'd', now), { ok: false, reason: 'invitation_used' });
  assert.deepEqual(checkCachedInvitation({ ...open, status: 'redeemed', redeemed_by_device: 'd' }, 'd', now), { ok: true, reuse: true });
  assert.deepEqual(checkCachedInvitation({ ...open, status: 'redeemed', redeemed_by_device: 'd' }, 'd', now, 'completed'), { ok: false, reason: 'invitation_used' });
  assert.equal(acceptPulledInvitation(null, 'open'), true);
  assert.equal(acceptPulledInvitation('redeemed', 'open'), false);
  assert.equal(acceptPulledInvitation('redeemed', 'completed'), true);
  assert.equal(acceptPulledInvitation('completed', 'redeemed'), false);
  assert.equal(refusalFromCode('KI404'), 'invitation_unknown');
  assert.equal(refusalFromCode('KI410'), 'invitation_expired');
  assert.equal(refusalFromCode('KI409'), 'invitation_used');
  assert.equal(refusalFromCode('23505'), null);
});

test('jwtClaims reads sub, email and app_metadata.tenant_id; garbage gives nulls', () => {
  const payload = Buffer.from(JSON.stringify({ sub: 'u1', email: 'k@x', exp: 5, app_metadata: { tenant_id: 't1' } })).toString('base64url');
  assert.deepEqual(jwtClaims(`h.${payload}.s`), { sub: 'u1', email: 'k@x', tenantId: 't1', exp: 5 });
  assert.deepEqual(jwtClaims('not-a-jwt'), { sub: null, email: null, tenantId: null, exp: null });
});

test('scaledClock: timers fire factor times sooner and now() keeps pace', async () => {
  const clock = scaledClock(100);
  const t0 = clock.now();
  const real0 = Date.now();
  const keepAlive = setInterval(() => {}, 1_000); // the engine's timers are unref'd; the test must not exit early
  await new Promise<void>((resolve) => clock.setTimeout(resolve, 5_000));
  clearInterval(keepAlive);
  const realElapsed = Date.now() - real0;
  assert.ok(realElapsed < 1_000, `5 simulated seconds took ${realElapsed} real ms`);
  assert.ok(clock.now() - t0 >= 4_000, 'now() advanced by the simulated time');
});

test('outbox triggers: every committed write is queued atomically, repeats coalesce, demo rows are never queued', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-outbox-'));
  const db = openDatabase(join(dir, 'k.sqlite'));
  try {
    const store = createStore(db);
    const outbox = createOutbox(db);
    const at = new Date().toISOString();
    db.prepare(`INSERT INTO tenants (id, name, company_values, demo, created_at, updated_at) VALUES ('t', 'T', '', 0, ?, ?)`).run(at, at);
    db.prepare(`INSERT INTO candidates (id, tenant_id, name, created_at, updated_at) VALUES ('c', 't', 'C', ?, ?)`).run(at, at);
    db.prepare(`INSERT INTO positions (id, tenant_id, title, created_at, updated_at) VALUES ('p', 't', 'P', ?, ?)`).run(at, at);
    store.insertSession({ id: 's', tenantId: 't', candidateId: 'c', positionId: 'p', recordingConsent: true });
    const entry = { id: 'e1', itemId: 'i1', previousItemId: null, seq: 0, speaker: 'candidate' as const, text: 'a', startMs: 1, status: 'in_progress' as const, confidence: null };
    store.writeEntries('s', [entry]);
    store.writeEntries('s', [{ ...entry, text: 'ab' }]);
    store.writeEntries('s', [{ ...entry, text: 'abc', status: 'final' }]);
    const rows = db.prepare('SELECT kind, row_id, version FROM sync_outbox ORDER BY id').all();
    assert.deepEqual(rows, [{ kind: 'session', row_id: 's', version: 1 }, { kind: 'entry', row_id: 'e1', version: 3 }]);
    // Done with a stale version keeps the row queued (it changed after being read); the current version removes it.
    const [sessionItem, entryItem] = [...outbox.candidates('session', 10), ...outbox.candidates('entry', 10)];
    assert.equal(outbox.candidates('entry', 10).length, 0, 'entries wait until their session is on the server');
    outbox.done([sessionItem!], Date.now());
    const queuedEntry = outbox.candidates('entry', 10)[0]!;
    assert.equal(entryItem, undefined);
    outbox.done([{ ...queuedEntry, version: 2 }], Date.now());
    assert.equal(outbox.pendingCount(), 1);
    outbox.done([queuedEntry], Date.now());
    assert.equal(outbox.pendingCount(), 0);
    assert.ok(db.prepare('SELECT synced_at FROM transcript_entries WHERE id = ?').pluck().get('e1'), 'marked synced');
    // Marking synced did not queue it again; a status change of the session does.
    store.updateSession(store.session('s')!, { status: 'completed', endTime: at });
    assert.equal(outbox.pendingCount(), 1);
    // Quarantine clears on the row's next write.
    const s2 = outbox.candidates('session', 10)[0]!;
    assert.equal(outbox.quarantine(s2, 'refused', '23514', Date.now()), true);
    assert.equal(outbox.pendingCount(), 0);
    assert.equal(outbox.quarantined()[0]!.code, '23514');
    store.updateSession(store.session('s')!, { status: 'completed', endTime: at, reason: 'again' });
    assert.equal(outbox.quarantined().length, 0);
    assert.equal(outbox.pendingCount(), 1);
    // The demo tenant's rows never enter the queue.
    db.prepare(`INSERT INTO tenants (id, name, company_values, demo, created_at, updated_at) VALUES ('dt', 'Demo', '', 1, ?, ?)`).run(at, at);
    db.prepare(`INSERT INTO candidates (id, tenant_id, name, created_at, updated_at) VALUES ('dc', 'dt', 'C', ?, ?)`).run(at, at);
    db.prepare(`INSERT INTO positions (id, tenant_id, title, created_at, updated_at) VALUES ('dp', 'dt', 'P', ?, ?)`).run(at, at);
    store.insertSession({ id: 'demo-s', tenantId: 'dt', candidateId: 'dc', positionId: 'dp', recordingConsent: false });
    store.writeEntries('demo-s', [{ ...entry, id: 'demo-e' }]);
    assert.equal(db.prepare(`SELECT count(*) FROM sync_outbox WHERE session_id = 'demo-s'`).pluck().get(), 0);
    // A stable device id.
    assert.equal(outbox.deviceId(), outbox.deviceId());
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

// The engine loop against a fake backend and a manual clock (no network): retries come from its own timer with
// the backoff schedule (no local write needed), a refused row is found by bisection and quarantined while the rest
// go through, an expired token is refreshed once, and nothing is sent before the session row.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import type { SyncStatus } from '../../../preload/contract';
import { openDatabase, type KioskDatabase } from '../../../main/core/db/database';
import { createEngine, type Clock } from '../../../main/core/sync/engine';
import { createOutbox } from '../../../main/core/sync/outbox';
import type { RemoteError } from '../../../main/core/sync/plan';
import type { Remote, Result } from '../../../main/core/sync/remote';

class ManualClock implements Clock {
  t = 1_000_000;
  timers: { at: number; fn: () => void; ms: number }[] = [];
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const timer = { at: this.t + ms, fn, ms };
    this.timers.push(timer);
    return timer;
  };
  clearTimeout = (h: unknown) => {
    this.timers = this.timers.filter((t) => t !== h);
  };
  /** Moves time to the next timer and fires it; returns the delay it was scheduled with. */
  fireNext(): number {
    this.timers.sort((a, b) => a.at - b.at);
    const next = this.timers.shift();
    assert.ok(next, 'a timer is scheduled');
    this.t = Math.max(this.t, next.at);
    next.fn();
    return next.ms;
  }
}

let dir: string;
let db: KioskDatabase;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kiosk-engine-'));
  db = openDatabase(join(dir, 'k.sqlite'));
  const at = new Date().toISOString();
  db.exec(`INSERT INTO tenants (id, name, company_values, demo, created_at, updated_at) VALUES ('t', 'T', '', 0, '${at}', '${at}');
    INSERT INTO candidates (id, tenant_id, name, created_at, updated_at) VALUES ('c', 't', 'C', '${at}', '${at}');
    INSERT INTO positions (id, tenant_id, title, created_at, updated_at) VALUES ('p', 't', 'P', '${at}', '${at}');
    INSERT INTO interview_sessions (id, tenant_id, candidate_id, position_id, status, recording_consent, created_at, updated_at)
      VALUES ('s', 't', 'c', 'p', 'in_progress', 0, '${at}', '${at}');`);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function addEntries(n: number, text = (i: number) => `line ${i}`): string[] {
  const ins = db.prepare(`INSERT INTO transcript_entries (id, session_id, item_id, seq, speaker, text, status, created_at, updated_at)
    VALUES (?, 's', ?, ?, 'candidate', ?, 'final', ?, ?)`);
  const ids: string[] = [];
  const at = new Date().toISOString();
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = randomUUID();
      ids.push(id);
      ins.run(id, `item_${i}_${id.slice(0, 6)}`, i, text(i), at, at);
    }
  })();
  return ids;
}

interface FakeCall { table: string; ids: string[] }

function fakeRemote(upsert: (table: string, rows: Record<string, unknown>[], call: number) => Result<string[]>) {
  const calls: FakeCall[] = [];
  let refreshes = 0;
  const remote = {
    url: 'https://fake', signedInAs: () => 'k@x', tenantId: () => 't',
    signIn: async () => ({ ok: false, error: { status: 0, code: '', message: 'n/a' } }),
    signOut: async () => {},
    refresh: async () => (refreshes++, { ok: true as const, value: undefined }),
    ensureToken: async () => ({ ok: true as const, value: undefined }),
    upsert: async (table: string, rows: Record<string, unknown>[]) => {
      calls.push({ table, ids: rows.map((r) => String(r.id)) });
      return upsert(table, rows, calls.length);
    },
    rpc: async () => ({ ok: true as const, value: null }),
    upload: async () => ({ ok: true as const, value: { path: '' } }),
    pullPage: async () => ({ ok: true as const, value: [] }),
  } as unknown as Remote;
  return { remote, calls, refreshes: () => refreshes };
}

const fail = (error: RemoteError): Result<string[]> => ({ ok: false, error });
const okIds = (rows: Record<string, unknown>[]): Result<string[]> => ({ ok: true, value: rows.map((r) => String(r.id)) });

function engineWith(remote: Remote, clock: ManualClock, statuses: SyncStatus[] = []) {
  return createEngine({
    outbox: createOutbox(db), remote: () => remote, configured: () => true, dataDir: dir, deviceId: () => 'dev',
    clock, backoff: { stepsMs: [1_000], factor: 2, capMs: 8_000, jitter: [0.5, 1] }, random: () => 1, limits: { rows: 10 }, parallel: 1,
    pullIntervalMs: 3_600_000, onStatus: (s) => statuses.push(s),
  });
}

function nextStatus(engine: ReturnType<typeof createEngine>, pred: (s: SyncStatus) => boolean): Promise<SyncStatus> {
  return new Promise((resolve) => {
    const off = engine.onStatus((s) => {
      if (pred(s)) {
        off();
        resolve(s);
      }
    });
  });
}

test('transient failures are retried on the engine timer with capped exponential backoff, without any new write', async () => {
  addEntries(3);
  const clock = new ManualClock();
  let failing = 5;
  const fake = fakeRemote((_t, rows) => (failing-- > 0 ? fail({ status: 503, code: '', message: 'busy' }) : okIds(rows)));
  const engine = engineWith(fake.remote, clock);
  await engine.syncNow();
  assert.equal(engine.status().state, 'retrying');
  const delays: number[] = [];
  for (let i = 0; i < 5; i++) {
    const done = nextStatus(engine, (s) => s.state === 'retrying' || s.state === 'idle');
    delays.push(clock.fireNext());
    await done;
  }
  assert.deepEqual(delays, [1_000, 2_000, 4_000, 8_000, 8_000], 'doubling, capped at 8 s');
  assert.equal(engine.status().state, 'idle');
  assert.equal(engine.status().pending, 0);
  assert.equal(fake.calls[0]!.table, 'interview_sessions', 'the session row goes first');
  assert.equal(fake.calls.at(-1)!.table, 'transcript_entries');
  await engine.close();
});

test('a permanently refused row is found by bisection and quarantined; every other row is sent', async () => {
  const ids = addEntries(10);
  const poison = ids[6]!;
  const clock = new ManualClock();
  const fake = fakeRemote((_t, rows) =>
    rows.some((r) => r.id === poison) ? fail({ status: 400, code: '23514', message: 'new row violates check constraint' }) : okIds(rows));
  const engine = engineWith(fake.remote, clock);
  await engine.syncNow();
  const s = engine.status();
  assert.equal(s.pending, 0);
  assert.deepEqual(s.quarantined.map((q) => [q.rowId, q.code]), [[poison, '23514']]);
  const sent = new Set(fake.calls.filter((c) => c.table === 'transcript_entries').flatMap((c) => c.ids));
  for (const id of ids) assert.ok(sent.has(id));
  const entryCalls = fake.calls.filter((c) => c.table === 'transcript_entries').length;
  assert.ok(entryCalls <= 9, `bisection, not row by row (${entryCalls} calls for 10 rows)`);
  await engine.close();
});

test('an expired token is refreshed once and the batch retried; a second 401 backs off', async () => {
  addEntries(2);
  const clock = new ManualClock();
  let n = 0;
  const fake = fakeRemote((_t, rows) => (++n === 1 ? fail({ status: 401, code: 'PGRST303', message: 'JWT expired' }) : okIds(rows)));
  const engine = engineWith(fake.remote, clock);
  await engine.syncNow();
  assert.equal(fake.refreshes(), 1);
  assert.equal(engine.status().state, 'idle');
  assert.equal(engine.status().pending, 0);

  addEntries(1);
  const always = fakeRemote(() => fail({ status: 401, code: 'PGRST303', message: 'JWT expired' }));
  const engine2 = engineWith(always.remote, clock);
  await engine2.syncNow();
  assert.equal(always.refreshes(), 1, 'refreshed once per pass, not in a loop');
  assert.equal(engine2.status().state, 'retrying');
  await engine.close();
  await engine2.close();
});

test('a local write during backoff does not bypass it; the timer still fires', async () => {
  addEntries(1);
  const clock = new ManualClock();
  let failing = 1;
  const fake = fakeRemote((_t, rows) => (failing-- > 0 ? fail({ status: 0, code: '', message: 'fetch failed' }) : okIds(rows)));
  const engine = engineWith(fake.remote, clock);
  await engine.syncNow();
  const callsAfterFailure = fake.calls.length;
  engine.wake();
  assert.equal(clock.timers.length, 1, 'only the backoff timer is pending');
  const done = nextStatus(engine, (s) => s.state === 'idle');
  assert.equal(clock.fireNext(), 1_000);
  await done;
  assert.ok(fake.calls.length > callsAfterFailure);
  assert.equal(engine.status().pending, 0);
  await engine.close();
});

import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DatabaseOpenError, migrate, openDatabase, schemaVersion } from '../../../main/core/db/database';
import { MIGRATIONS } from '../../../main/core/db/migrations';
import { DEMO_CANDIDATES, DEMO_POSITIONS, seedDemoData } from '../../../main/core/db/seed';
import { createStore } from '../../../main/core/db/store';

const dir = mkdtempSync(join(tmpdir(), 'kiosk-db-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('opens in WAL with synchronous FULL, foreign keys on, all migrations applied once', () => {
  const file = join(dir, 'a.sqlite');
  const db = openDatabase(file);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('synchronous', { simple: true }), 2); // FULL
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(schemaVersion(db), MIGRATIONS.at(-1)!.version);
  assert.deepEqual(migrate(db), [], 'nothing to do the second time');
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  for (const t of ['tenants', 'positions', 'candidates', 'interview_sessions', 'transcript_entries', 'recordings', 'schema_migrations']) assert.ok(tables.includes(t), t);
  db.close();
  const normal = openDatabase(file, { synchronous: 'NORMAL' });
  assert.equal(normal.pragma('synchronous', { simple: true }), 1);
  normal.close();
});

test('a failing migration rolls back entirely and is not recorded', () => {
  const db = openDatabase(join(dir, 'b.sqlite'));
  const bad = [...MIGRATIONS, { version: 999, name: 'broken', sql: 'CREATE TABLE half (x INTEGER); THIS IS NOT SQL;' }];
  assert.throws(() => migrate(db, bad));
  assert.equal(schemaVersion(db), MIGRATIONS.at(-1)!.version);
  assert.equal((db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'").get() as { n: number }).n, 0);
  db.close();
});

test('a corrupt file gives an operator-readable error', () => {
  const file = join(dir, 'corrupt.sqlite');
  writeFileSync(file, 'this is not a database, just text that is long enough to have a header'.repeat(20));
  assert.throws(() => openDatabase(file), (e: unknown) => e instanceof DatabaseOpenError && /could not be opened/.test(e.message) && /move it aside/.test(e.message));
});

test('demo data: a tenant with name and values, ≥3 positions with competencies, ≥4 candidates; seeding twice is a no-op', () => {
  const db = openDatabase(join(dir, 'c.sqlite'));
  assert.equal(seedDemoData(db), true);
  assert.equal(seedDemoData(db), false);
  const store = createStore(db);
  const tenant = store.tenant()!;
  assert.ok(tenant.name && tenant.values && tenant.demo);
  const positions = store.positions(tenant.id);
  assert.ok(positions.length >= 3 && positions.length === DEMO_POSITIONS.length);
  assert.ok(positions.every((p) => p.competencies.length >= 3));
  assert.ok(store.candidates(tenant.id).length >= 4 && store.candidates(tenant.id).length === DEMO_CANDIDATES.length);
  db.close();
});

test('constraints: unique item per session, speaker/status checks, foreign keys', () => {
  const db = openDatabase(join(dir, 'd.sqlite'));
  seedDemoData(db);
  const store = createStore(db);
  const t = store.tenant()!;
  store.insertSession({ id: '10000000-0000-4000-8000-000000000001', tenantId: t.id, candidateId: DEMO_CANDIDATES[0]!.id, positionId: DEMO_POSITIONS[0]!.id, recordingConsent: true });
  const entry = { id: 'e1', itemId: 'item_1', previousItemId: null, seq: 0, speaker: 'candidate' as const, text: 'a', startMs: 1, status: 'final' as const, confidence: null };
  store.writeEntries('10000000-0000-4000-8000-000000000001', [entry]);
  store.writeEntries('10000000-0000-4000-8000-000000000001', [{ ...entry, text: 'b' }]); // upsert by (session, item)
  const rows = db.prepare('SELECT id, text FROM transcript_entries').all();
  assert.deepEqual(rows, [{ id: 'e1', text: 'b' }]);
  assert.throws(() => store.writeEntries('10000000-0000-4000-8000-000000000001', [{ ...entry, id: 'e2', itemId: 'x', speaker: 'robot' as never }]), /CHECK/);
  assert.equal((db.prepare('SELECT count(*) AS n FROM transcript_entries').get() as { n: number }).n, 1, 'the failed transaction wrote nothing');
  assert.throws(() => store.writeEntries('20000000-0000-4000-8000-000000000009', [{ ...entry, id: 'e3', itemId: 'y' }]), /FOREIGN KEY/);
  db.close();
  // Readable by a plain better-sqlite3 connection (as the e2e tests do).
  const ro = new Database(join(dir, 'd.sqlite'), { readonly: true });
  assert.equal((ro.prepare('SELECT count(*) AS n FROM interview_sessions').get() as { n: number }).n, 1);
  ro.close();
});

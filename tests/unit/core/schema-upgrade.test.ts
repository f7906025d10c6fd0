// Upgrades: a database written by every earlier schema version (tests/fixtures/schema/v<N>.sql, with data in every
// table) opens in the current build with nothing lost: every row of every table it had is still there with the
// same values, the store reads its interviews, and the schema is at the current version. A version without a
// fixture fails the coverage test (make one with tests/fixtures/schema/make.ts before adding the next version).
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { openDatabase, schemaVersion } from '../../../main/core/db/database';
import { MIGRATIONS } from '../../../main/core/db/migrations';
import { createStore, sessionView } from '../../../main/core/db/store';

const FIXTURES = fileURLToPath(new URL('../../fixtures/schema/', import.meta.url));
const CURRENT = Math.max(...MIGRATIONS.map((m) => m.version));
const fixture = (v: number) => join(FIXTURES, `v${v}.sql`);
const dir = mkdtempSync(join(tmpdir(), 'kiosk-schema-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Row = Record<string, unknown>;

/**
 * Data a migration removes on purpose, by the version that does it: the check below expects exactly these rows
 * gone and these columns changed when upgrading from below that version, and everything else kept.
 */
const DELIBERATE: { version: number; table: string; gone: (row: Row) => boolean; changed: string[] }[] = [
  // 5: invitation codes are no longer kept in plain text; open ones are pulled again as keyed hashes.
  { version: 5, table: 'invitations', gone: (r) => r.status === 'open' && r.session_id === null, changed: ['token'] },
];

/** Every table's rows (by rowid), as the old version left them. */
function snapshot(db: Database.Database): Map<string, Row[]> {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((r) => r.name);
  return new Map(tables.map((t) => [t, db.prepare(`SELECT rowid AS _rowid, * FROM "${t}" ORDER BY rowid`).all() as Row[]]));
}

describe('schema upgrades', () => {
  it('every schema version below the current one has a fixture', () => {
    const missing = MIGRATIONS.map((m) => m.version).filter((v) => v < CURRENT && !existsSync(fixture(v)));
    assert.deepEqual(missing, [], `no fixture for schema version(s) ${missing.join(', ')}: run npx tsx tests/fixtures/schema/make.ts <N> while N is the newest version`);
  });

  for (const { version } of MIGRATIONS.filter((m) => existsSync(fixture(m.version)))) {
    it(`a version ${version} database opens at version ${CURRENT} with every row kept`, () => {
      const file = join(dir, `v${version}.sqlite`);
      const old = new Database(file);
      old.exec(readFileSync(fixture(version), 'utf8'));
      assert.equal((old.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v, version, 'the fixture is at its version');
      const before = snapshot(old);
      old.close();
      assert.ok([...before.values()].every((rows) => rows.length > 0), `every table of version ${version} has rows in the fixture: ${[...before].filter(([, r]) => r.length === 0).map(([t]) => t).join(', ')}`);

      const db = openDatabase(file);
      assert.equal(schemaVersion(db), CURRENT);
      const now = snapshot(db);
      for (const [table, rows] of before) {
        if (table === 'schema_migrations') continue;
        const after = new Map((now.get(table) ?? []).map((r) => [r._rowid, r]));
        const deliberate = DELIBERATE.filter((d) => d.table === table && d.version > version);
        for (const row of rows) {
          const kept = after.get(row._rowid);
          if (deliberate.some((d) => d.gone(row))) {
            assert.equal(kept, undefined, `${table} row ${String(row._rowid)} should have been removed`);
            continue;
          }
          assert.ok(kept, `${table} row ${JSON.stringify(row)} was lost`);
          for (const [col, value] of Object.entries(row)) {
            if (deliberate.some((d) => d.changed.includes(col))) assert.notDeepEqual(kept[col], value, `${table}.${col} of row ${String(row._rowid)} should have been scrubbed`);
            else assert.deepEqual(kept[col], value, `${table}.${col} of row ${String(row._rowid)} changed`);
          }
        }
      }
      const applied = (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version);
      assert.deepEqual(applied, MIGRATIONS.map((m) => m.version).sort((a, b) => a - b));

      // The current build reads the old interviews as it reads its own.
      const store = createStore(db);
      const done = store.session('s-done');
      assert.equal(done?.status, 'completed');
      // (Fixtures of version 8 and later add a typed answer after these four.)
      assert.deepEqual(store.entries('s-done').slice(0, 4).map((e) => [e.seq, e.speaker, e.status]), [[0, 'interviewer', 'final'], [1, 'candidate', 'final'], [2, 'interviewer', 'final'], [3, 'candidate', 'failed']]);
      // Sessions from before version 9 had no extra time and no warm-up; positions keep the default turn detection.
      if (version < 9) assert.deepEqual([done!.extra_time, done!.warm_up, store.position('p-1')?.turnDetection], [0, 0, null]);
      // Positions and interviews from before version 11 have the default interviewer persona.
      if (version < 11) assert.deepEqual([store.position('p-1')?.persona, sessionView(done!).interviewerName], [null, null]);
      assert.equal(store.entries('s-done')[1]!.text, 'I\'ve kept "kiosks" running — 24/7.');
      assert.equal(store.entries('s-live')[0]!.text, 'مرحبا، كيف حالك؟');
      assert.equal(store.recording('s-done')?.bytes, 482133);
      assert.equal(store.candidates('t-acme').length, 2);
      db.close();
    });
  }
});

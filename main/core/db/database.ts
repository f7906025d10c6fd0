// Opens the kiosk's SQLite cache: WAL, a deliberate `synchronous` level, foreign keys, versioned migrations.
import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS, type Migration } from './migrations';

export type KioskDatabase = Database.Database;

export type SynchronousLevel = 'NORMAL' | 'FULL';

/**
 * synchronous=FULL by default. In WAL mode NORMAL already survives an app crash or kill (committed pages sit in
 * the WAL, which the OS keeps); only FULL also survives a power cut or OS crash, because it fsyncs the WAL on
 * every commit. Kiosks lose power (unplugged, batteries) more often than servers, and the design rule is that
 * nothing the candidate said may be lost, so we pay for FULL.
 * The cost, measured by tests/bench/durable.bench.ts (dev box: 2 shared cores, Debian 12), per reported
 * Realtime event through the dispatcher: p50 0.28–0.31 ms with FULL vs 0.05–0.06 ms with NORMAL (~5×), p99
 * 1.4–2.2 ms vs 0.3–1.9 ms; a raw single-row INSERT costs 0.20 ms vs 0.017 ms (~11×). That is one fsync per
 * transcript change, far inside the 250 ms a transcript write may take, so FULL stays. Pass
 * `synchronous: 'NORMAL'` only on a disk whose fsync is pathologically slow.
 */
export const DEFAULT_SYNCHRONOUS: SynchronousLevel = 'FULL';

export interface OpenDatabaseOptions {
  /** Path of a better-sqlite3 .node built for the running ABI (Electron ships its own copy). */
  nativeBinding?: string;
  synchronous?: SynchronousLevel;
}

/** SQLite's words for a file whose pages are not a valid database: salvage (recover.ts), not a retry, helps. */
const DAMAGE_CODES = /^SQLITE_(CORRUPT|NOTADB)/;

export class DatabaseOpenError extends Error {
  /** The file itself is damaged (not a permission, lock or full-disk problem). */
  readonly damaged: boolean;
  /** What SQLite said. */
  readonly detail: string;
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`The kiosk's local database at ${file} could not be opened (${detail}). ` +
      'If the file is damaged, move it aside and restart: demo data is recreated and a backend resyncs.');
    this.name = 'DatabaseOpenError';
    this.detail = detail;
    const code = (cause as { code?: unknown } | null)?.code;
    this.damaged = typeof code === 'string' && DAMAGE_CODES.test(code);
  }
}

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): KioskDatabase {
  if (file !== ':memory:') {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // Transcripts are personal data: the file is created owner-only, and SQLite gives its -wal and -shm files the
    // database file's mode.
    closeSync(openSync(file, 'a', 0o600));
  }
  let db: KioskDatabase | undefined;
  try {
    db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous ?? DEFAULT_SYNCHRONOUS}`);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Reading the schema fails fast on a corrupt or non-SQLite file, before anything else runs.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    // A damaged page in the middle passes the line above and would only fail mid-interview: check every page now
    // (quick_check reads the whole file once; milliseconds for a kiosk's few megabytes).
    const check = db.pragma('quick_check(1)', { simple: true });
    if (check !== 'ok') throw Object.assign(new Error(`integrity check failed: ${String(check).replace(/\s+/g, ' ').trim()}`), { code: 'SQLITE_CORRUPT' });
    migrate(db);
    return db;
  } catch (error) {
    db?.close();
    throw new DatabaseOpenError(file, error);
  }
}

export function migrate(db: KioskDatabase, migrations: readonly Migration[] = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  const ran: number[] = [];
  for (const m of ordered) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version, m.name, new Date().toISOString());
    })();
    ran.push(m.version);
  }
  return ran;
}

export function schemaVersion(db: KioskDatabase): number {
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

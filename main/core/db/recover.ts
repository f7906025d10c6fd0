// Opening the kiosk's database with salvage: a damaged file (SQLite says corrupt / not a database, or the page
// check at open fails) is moved aside with its -wal/-shm under a timestamped name (never deleted), a fresh
// database is opened with every migration, and every readable row is copied into it. The kiosk then starts
// normally instead of exiting in its supervisor's restart loop; the report says what happened in words.
import Database from 'better-sqlite3';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { DatabaseOpenError, openDatabase, type KioskDatabase, type OpenDatabaseOptions } from './database';
import { asideName, describeSalvage, readByRanges, type SalvageReport, type TableSalvage } from './salvage';

export interface OpenedDatabase {
  db: KioskDatabase;
  /** Set when the file was damaged and salvaged: what the operator is told. */
  salvage: SalvageReport | null;
}

export function openOrSalvage(file: string, options: OpenDatabaseOptions = {}, now: Date = new Date()): OpenedDatabase {
  try {
    return { db: openDatabase(file, options), salvage: null };
  } catch (error) {
    // Permissions, a lock or a full disk are not cured by moving the file: those still stop the start in words.
    if (!(error instanceof DatabaseOpenError) || !error.damaged || file === ':memory:') throw error;
    const aside = asideName(file, now);
    const movedTo: SalvageReport['movedTo'] = [];
    for (const suffix of ['', '-wal', '-shm']) {
      if (!existsSync(file + suffix)) continue;
      renameSync(file + suffix, aside + suffix); // the WAL keeps its name pairing, so its commits stay readable
      movedTo.push({ from: file + suffix, to: aside + suffix });
    }
    const db = openDatabase(file, options);
    const report: SalvageReport = {
      at: now.toISOString(), file, reason: error.detail, movedTo,
      tables: copyReadable(aside, db, options),
    };
    // Beside the set-aside file too, so the words outlive this run.
    writeFileSync(`${aside}.salvage.txt`, `${describeSalvage(report)}\n\n${JSON.stringify(report, null, 2)}\n`, { mode: 0o600 });
    return { db, salvage: report };
  }
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function copyReadable(asideFile: string, db: KioskDatabase, options: OpenDatabaseOptions): TableSalvage[] {
  let old: Database.Database;
  let oldTables: Set<string>;
  try {
    // Read-only: the set-aside file stays as it was found.
    old = new Database(asideFile, { readonly: true, fileMustExist: true, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
    oldTables = new Set(old.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[]);
  } catch (error) {
    return [{ table: 'all tables', saved: 0, unreadable: 0, failed: (error as Error).message }];
  }
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name`).pluck().all() as string[];
  const results: TableSalvage[] = [];
  // A row whose parent row was lost is still kept (nothing the candidate said is dropped for a lost session row).
  db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      for (const table of tables) {
        if (table === 'sync_outbox' || !oldTables.has(table)) continue;
        results.push(copyTable(old, db, table));
      }
      // The insert triggers queued every salvaged row for upload afresh. A wholly readable old outbox is the truth
      // (attempts, quarantine); otherwise those fresh rows stay and the readable old ones join them: re-sending
      // is harmless, the backend upserts by id.
      if (oldTables.has('sync_outbox')) {
        const probe = readTable(old, db, 'sync_outbox');
        if (!probe.failed && probe.unreadable === 0) db.prepare('DELETE FROM sync_outbox').run();
        results.push(insertRows(db, 'sync_outbox', probe));
      }
    })();
  } finally {
    db.pragma('foreign_keys = ON');
    old.close();
  }
  return results;
}

interface TableRead {
  columns: string[];
  rows: unknown[][];
  unreadable: number;
  failed?: string;
}

function readTable(old: Database.Database, db: KioskDatabase, table: string): TableRead {
  try {
    const have = new Set((old.pragma(`table_info(${quote(table)})`) as { name: string }[]).map((c) => c.name));
    const columns = (db.pragma(`table_info(${quote(table)})`) as { name: string }[]).map((c) => c.name).filter((c) => have.has(c));
    const select = `SELECT ${columns.map(quote).join(', ')} FROM ${quote(table)}`;
    try {
      return { columns, rows: old.prepare(select + ' ORDER BY rowid').raw().all() as unknown[][], unreadable: 0 };
    } catch {
      // A damaged page: read around it, rowid range by range.
      const ranged = old.prepare(`${select} WHERE rowid BETWEEN ? AND ? ORDER BY rowid`).raw();
      // A single row by equality: a range scan also steps onto the next (maybe damaged) page to find its end.
      const one = old.prepare(`${select} WHERE rowid = ?`).raw();
      const read = readByRanges(1, upperRowid(old, table), (lo, hi) =>
        (lo === hi ? one.all(lo) : ranged.all(lo, hi)) as unknown[][]);
      return { columns, rows: read.rows, unreadable: read.unreadable };
    }
  } catch (error) {
    return { columns: [], rows: [], unreadable: 0, failed: (error as Error).message };
  }
}

/** The highest rowid worth probing: max(rowid), else the AUTOINCREMENT counter, else past the readable prefix. */
function upperRowid(old: Database.Database, table: string): number {
  try {
    return Number(old.prepare(`SELECT max(rowid) FROM ${quote(table)}`).pluck().get() ?? 0);
  } catch { /* the max page is damaged: estimate below */ }
  let seen = 0;
  try {
    seen = Number(old.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').pluck().get(table) ?? 0);
  } catch { /* no counter */ }
  try {
    for (const id of old.prepare(`SELECT rowid FROM ${quote(table)}`).pluck().iterate()) seen = Math.max(seen, Number(id));
  } catch { /* stopped at the damage: the prefix read so far counts */ }
  return seen * 2 + 1024;
}

function copyTable(old: Database.Database, db: KioskDatabase, table: string): TableSalvage {
  return insertRows(db, table, readTable(old, db, table));
}

function insertRows(db: KioskDatabase, table: string, read: TableRead): TableSalvage {
  if (read.failed) return { table, saved: 0, unreadable: 0, failed: read.failed };
  const insert = db.prepare(`INSERT OR IGNORE INTO ${quote(table)} (${read.columns.map(quote).join(', ')}) VALUES (${read.columns.map(() => '?').join(', ')})`);
  let saved = 0;
  let refused = 0;
  for (const row of read.rows) {
    try {
      if (insert.run(...row).changes > 0) saved++;
      else refused++;
    } catch {
      refused++; // a row whose read bytes do not fit the schema any more
    }
  }
  return { table, saved, unreadable: read.unreadable + refused };
}

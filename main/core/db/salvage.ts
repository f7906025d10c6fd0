// Salvage of a damaged database, the pure part: reading a table by rowid ranges around unreadable pages, and the
// operator's words for what was set aside and what was saved. The file moves and SQLite reads are in recover.ts.

/** Rows of one table read from the damaged file, and how many rowid positions failed to read. */
export interface RangeRead<R> {
  rows: R[];
  /** Single rowids whose read raised an error: a row may or may not have lived there. */
  unreadable: number;
}

/**
 * Reads rowids lo..hi through readRange (which throws when SQLite meets a damaged page). A failing range is split
 * in halves down to single rowids, so one bad page costs only the rows on it, not the whole table.
 */
export function readByRanges<R>(lo: number, hi: number, readRange: (lo: number, hi: number) => R[], chunk = 512): RangeRead<R> {
  const out: RangeRead<R> = { rows: [], unreadable: 0 };
  const visit = (a: number, b: number): void => {
    try {
      out.rows.push(...readRange(a, b));
    } catch {
      if (a === b) {
        out.unreadable++;
        return;
      }
      const mid = Math.floor((a + b) / 2);
      visit(a, mid);
      visit(mid + 1, b);
    }
  };
  for (let a = lo; a <= hi; a += chunk) visit(a, Math.min(hi, a + chunk - 1));
  return out;
}

export interface TableSalvage {
  table: string;
  saved: number;
  /** Rowid positions that could not be read (0 = the whole table was read). */
  unreadable: number;
  /** The table could not be read at all (its schema or root page is gone): why, in words. */
  failed?: string;
}

export interface SalvageReport {
  /** ISO time of the salvage. */
  at: string;
  /** The damaged database, where it was, and what SQLite said. */
  file: string;
  reason: string;
  /** file → where it now is (the database and its -wal/-shm): set aside, never deleted. */
  movedTo: { from: string; to: string }[];
  tables: TableSalvage[];
}

/** The aside name: <file>.damaged-<UTC timestamp>, with SQLite's -wal/-shm suffixes kept after it. */
export function asideName(file: string, at: Date): string {
  return `${file}.damaged-${at.toISOString().replace(/[:.]/g, '-')}`;
}

/** What the operator reads: which file went where, how many rows per table were saved, which were not. */
export function describeSalvage(report: SalvageReport): string {
  const aside = report.movedTo.find((m) => m.from === report.file)?.to ?? '(not moved)';
  const saved = report.tables.filter((t) => !t.failed && t.saved > 0).map((t) => `${t.table} ${t.saved}`);
  const partial = report.tables.filter((t) => !t.failed && t.unreadable > 0).map((t) => `${t.table} (${t.unreadable} unreadable row position${t.unreadable === 1 ? '' : 's'})`);
  const failed = report.tables.filter((t) => t.failed).map((t) => `${t.table} (${t.failed})`);
  return [
    `The local database was damaged (${report.reason}) and was set aside, not deleted, as ${aside}; a new database was started.`,
    saved.length ? `Rows saved into it: ${saved.join(', ')}.` : 'No rows could be saved from it.',
    partial.length ? `Partly unreadable: ${partial.join(', ')}.` : '',
    failed.length ? `Not readable at all: ${failed.join(', ')}.` : '',
    partial.length || failed.length ? 'Keep the set-aside file: it may still be repaired by hand.' : 'Every row could be read.',
  ].filter(Boolean).join(' ');
}

// A damaged database at start-up: the web host moves it aside (never deletes it), starts on a fresh database with
// every readable committed row salvaged into it, and tells the operator in words.
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeSync, closeSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openDatabase } from '../../../main/core/db/database';
import { seedDemoData, DEMO_CANDIDATES, DEMO_POSITIONS } from '../../../main/core/db/seed';
import { DATABASE_FILE } from '../../../main/web/host';
import { startTestWebHost } from '../../support/webhost';

const dir = mkdtempSync(join(tmpdir(), 'kiosk-damaged-'));
after(() => process.env.KEEP ? undefined : rmSync(dir, { recursive: true, force: true }));

const ENTRIES = 3000;

/** A kiosk database with committed interviews on a (non-demo) tenant, so the outbox holds their rows too. */
function writeInterviews(file: string): void {
  const db = openDatabase(file);
  seedDemoData(db);
  db.prepare('UPDATE tenants SET demo = 0').run();
  const tenant = (db.prepare('SELECT id FROM tenants').pluck().get()) as string;
  const at = '2026-12-02T00:00:00.000Z';
  db.transaction(() => {
    for (let s = 0; s < 3; s++) {
      db.prepare(`INSERT INTO interview_sessions (id, tenant_id, candidate_id, position_id, status, recording_consent, created_at, updated_at)
        VALUES (?, ?, ?, ?, 'completed', 0, ?, ?)`).run(`session-${s}`, tenant, DEMO_CANDIDATES[0]!.id, DEMO_POSITIONS[0]!.id, at, at);
    }
    const entry = db.prepare(`INSERT INTO transcript_entries (id, session_id, item_id, seq, speaker, text, status, created_at, updated_at)
      VALUES (?, ?, ?, ?, 'candidate', ?, 'final', ?, ?)`);
    for (let i = 0; i < ENTRIES; i++) entry.run(`entry-${i}`, `session-${i % 3}`, `item-${i}`, i, `answer ${i} `.repeat(20), at, at);
  })();
  db.close(); // checkpointed: every commit is in the main file
}

/** Overwrites leaf pages in the middle of the transcript table and of an index with garbage. */
function damage(file: string): number[] {
  const db = new Database(file, { readonly: true });
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const leaves = (name: string) => db.prepare(`SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno`).pluck().all(name) as number[];
  const entryLeaves = leaves('transcript_entries');
  const indexLeaves = leaves('transcript_entries_session_seq');
  db.close();
  const mid = Math.floor(entryLeaves.length / 2);
  const pages = [...entryLeaves.slice(mid, mid + 3), indexLeaves[Math.floor(indexLeaves.length / 2)]!];
  const fd = openSync(file, 'r+');
  const garbage = Buffer.alloc(pageSize);
  for (let i = 0; i < pageSize; i++) garbage[i] = (i * 131 + 7) & 0xff;
  for (const p of pages) writeSync(fd, garbage, 0, pageSize, (p - 1) * pageSize);
  closeSync(fd);
  return pages;
}

/** Which entries a row-by-row read of the damaged file still gets back intact (independent of the salvage code). */
function readableEntries(file: string): Set<string> {
  const copy = `${file}.probe`;
  copyFileSync(file, copy);
  const db = new Database(copy, { readonly: true });
  const ok = new Set<string>();
  const one = db.prepare('SELECT id, text FROM transcript_entries WHERE rowid = ?');
  for (let rowid = 1; rowid <= ENTRIES; rowid++) {
    try {
      const row = one.get(rowid) as { id: string; text: string } | undefined;
      const i = row ? Number(row.id.slice('entry-'.length)) : NaN;
      if (row && row.text === `answer ${i} `.repeat(20)) ok.add(row.id);
    } catch { /* unreadable */ }
  }
  db.close();
  rmSync(copy);
  return ok;
}

test('a damaged database is set aside, readable rows are salvaged, the kiosk starts and the operator is told', async () => {
  const dataDir = join(dir, 'data');
  const file = join(dataDir, DATABASE_FILE);
  writeInterviews(file);
  const damagedPages = damage(file);
  const before = readFileSync(file);
  const readable = readableEntries(file);
  assert.ok(readable.size > 0 && readable.size < ENTRIES, `the damage hit some entries and spared others (${readable.size}/${ENTRIES}, pages ${damagedPages.join(',')})`);

  const host = await startTestWebHost({ dataDir });
  try {
    // Set aside, byte for byte as found.
    const aside = readdirSync(dataDir).filter((f) => /^kiosk\.sqlite\.damaged-[0-9TZ-]+$/.test(f));
    assert.equal(aside.length, 1, readdirSync(dataDir).join(', '));
    assert.deepEqual(readFileSync(join(dataDir, aside[0]!)), before);
    assert.ok(existsSync(join(dataDir, `${aside[0]}.salvage.txt`)), 'a report beside the set-aside file');

    // Every readable committed entry is in the new database; the sessions too; unsynced rows are queued again.
    const db = new Database(host.dbFile, { readonly: true });
    const saved = new Set(db.prepare('SELECT id FROM transcript_entries').pluck().all() as string[]);
    for (const id of readable) assert.ok(saved.has(id), `${id} was readable but not salvaged`);
    assert.equal(db.prepare('SELECT count(*) FROM interview_sessions').pluck().get(), 3);
    const queued = db.prepare(`SELECT count(*) FROM sync_outbox WHERE kind = 'entry'`).pluck().get() as number;
    assert.ok(queued >= saved.size, `every salvaged entry still reaches the backend (${queued} queued for ${saved.size})`);
    assert.equal(db.pragma('quick_check', { simple: true }), 'ok');
    db.close();

    // The operator is told in words: where the file went, rows saved per table, what could not be read.
    const status = await host.core.getSyncStatus();
    const notice = status.storageNotices?.[0]?.message ?? '';
    assert.match(notice, new RegExp(`set aside, not deleted, as .*${aside[0]!.replace(/[.]/g, '\\.')}`));
    assert.match(notice, new RegExp(`transcript_entries ${saved.size}\\b`));
    assert.match(notice, /transcript_entries \(\d+ unreadable row positions?\)/);
    assert.ok(host.logs.some((l) => l.includes('set aside')), 'logged too');
  } finally {
    await host.close();
  }
});

test('a database that cannot be opened for another reason still stops the start in words, and is not moved', async () => {
  const dataDir = join(dir, 'locked');
  const file = join(dataDir, DATABASE_FILE);
  writeInterviews(file);
  // An exclusive lock held by another process: busy, not damaged.
  const holder = new Database(file);
  holder.pragma('locking_mode = EXCLUSIVE');
  holder.exec('BEGIN EXCLUSIVE');
  try {
    await assert.rejects(startTestWebHost({ dataDir }), /could not be opened/);
    assert.deepEqual(readdirSync(dataDir).filter((f) => f.includes('damaged')), []);
  } finally {
    holder.exec('ROLLBACK');
    holder.close();
  }
});

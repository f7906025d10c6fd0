import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asideName, describeSalvage, readByRanges, type SalvageReport } from '../../../main/core/db/salvage';

test('readByRanges reads around unreadable rowids, costing only those rows', () => {
  const bad = new Set([7, 300, 301, 302, 999]);
  const calls: [number, number][] = [];
  const read = readByRanges(1, 1000, (lo, hi) => {
    calls.push([lo, hi]);
    for (let id = lo; id <= hi; id++) if (bad.has(id)) throw new Error('database disk image is malformed');
    return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  }, 128);
  assert.equal(read.unreadable, 5);
  assert.deepEqual(read.rows, Array.from({ length: 1000 }, (_, i) => i + 1).filter((id) => !bad.has(id)));
  assert.ok(calls.length < 200, `split only where it fails (${calls.length} reads)`);
});

test('readByRanges: an empty or wholly unreadable range', () => {
  assert.deepEqual(readByRanges(1, 0, () => [1]), { rows: [], unreadable: 0 });
  assert.deepEqual(readByRanges(1, 4, () => { throw new Error('x'); }), { rows: [], unreadable: 4 });
});

test('the aside name keeps the file name, adds a sortable UTC time and no path separators or colons', () => {
  const name = asideName('/data/kiosk.sqlite', new Date('2026-12-02T04:05:06.789Z'));
  assert.equal(name, '/data/kiosk.sqlite.damaged-2026-12-02T04-05-06-789Z');
});

test('the operator reads where the file went and what was and was not saved', () => {
  const report: SalvageReport = {
    at: '2026-12-02T04:05:06.789Z', file: '/d/kiosk.sqlite', reason: 'database disk image is malformed',
    movedTo: [{ from: '/d/kiosk.sqlite', to: '/d/kiosk.sqlite.damaged-x' }, { from: '/d/kiosk.sqlite-wal', to: '/d/kiosk.sqlite.damaged-x-wal' }],
    tables: [
      { table: 'transcript_entries', saved: 40, unreadable: 3 },
      { table: 'interview_sessions', saved: 2, unreadable: 0 },
      { table: 'evaluations', saved: 0, unreadable: 0, failed: 'root page damaged' },
    ],
  };
  const words = describeSalvage(report);
  assert.match(words, /set aside, not deleted, as \/d\/kiosk\.sqlite\.damaged-x;/);
  assert.match(words, /transcript_entries 40, interview_sessions 2/);
  assert.match(words, /transcript_entries \(3 unreadable row positions\)/);
  assert.match(words, /Not readable at all: evaluations \(root page damaged\)/);
  assert.match(words, /database disk image is malformed/);
  const clean = describeSalvage({ ...report, tables: [{ table: 'tenants', saved: 1, unreadable: 0 }] });
  assert.match(clean, /Every row could be read/);
});

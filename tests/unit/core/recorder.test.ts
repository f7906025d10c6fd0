import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { KioskError } from '../../../preload/contract';
import { openDatabase } from '../../../main/core/db/database';
import { DEMO_CANDIDATES, DEMO_POSITIONS, DEMO_TENANT, seedDemoData } from '../../../main/core/db/seed';
import { createStore } from '../../../main/core/db/store';
import { createRecorder, MAX_CHUNK_BYTES } from '../../../main/core/recording/recorder';

const SESSION = '30000000-0000-4000-8000-000000000003';

test('recorder: in-order append, repeats ignored, gaps and oversize rejected, crash leftovers cut back on reopen', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-recorder-'));
  try {
    const db = openDatabase(join(dir, 'k.sqlite'));
    seedDemoData(db);
    const store = createStore(db);
    store.insertSession({ id: SESSION, tenantId: DEMO_TENANT.id, candidateId: DEMO_CANDIDATES[0]!.id, positionId: DEMO_POSITIONS[0]!.id, recordingConsent: true });
    let rec = createRecorder(store, dir);
    assert.deepEqual(rec.append(SESSION, 0, new Uint8Array([1, 2, 3])), { bytes: 3 });
    assert.deepEqual(rec.append(SESSION, 0, new Uint8Array([9, 9, 9])), { bytes: 3 });
    assert.throws(() => rec.append(SESSION, 2, new Uint8Array([4])), (e: unknown) => e instanceof KioskError && e.code === 'conflict');
    assert.throws(() => rec.append(SESSION, 1, new Uint8Array(MAX_CHUNK_BYTES + 1)), (e: unknown) => e instanceof KioskError && e.code === 'payload_too_large');
    assert.deepEqual(rec.append(SESSION, 1, new Uint8Array([4, 5])), { bytes: 5 });
    rec.closeAll();
    // A crash after the bytes were written but before the row was updated leaves extra bytes: a restart cuts them.
    const file = join(dir, 'recordings', `${SESSION}.webm`);
    appendFileSync(file, Buffer.from([7, 7, 7, 7]));
    rec = createRecorder(store, dir);
    assert.deepEqual(rec.append(SESSION, 2, new Uint8Array([6])), { bytes: 6 });
    assert.deepEqual([...readFileSync(file)], [1, 2, 3, 4, 5, 6]);
    const done = rec.finalize(SESSION)!;
    assert.deepEqual({ bytes: done.bytes, chunks: done.chunks, finalized: done.finalized }, { bytes: 6, chunks: 3, finalized: 1 });
    assert.throws(() => rec.append(SESSION, 3, new Uint8Array([1])), /already finalized/);
    assert.equal(statSync(file).size, 6);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

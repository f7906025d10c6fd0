// Checks that the contract table, the dispatcher's schemas, the service, the operator gate, the IPC binding and
// the preload bridge all cover exactly the same methods. (That each schema matches its request type exactly is a
// compile-time check: main/core/api/schemas.ts and tests/types/contract-drift.ts.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { KIOSK_CONTRACT, KIOSK_EVENTS, KIOSK_METHODS } from '../../../preload/contract';
import { ADMIN_METHODS } from '../../../main/core/operator/gate';
import { createBridge } from '../../../preload/wire';
import { REQUEST_SCHEMAS } from '../../../main/core/api/schemas';
import { createKioskService } from '../../../main/core/api/service';
import { openDatabase } from '../../../main/core/db/database';
import { memorySecretStore, memorySettingsStore } from '../../../main/core/settings/types';

const root = new URL('../../../', import.meta.url).pathname;

function interfaceMembers(file: string, name: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const members: string[] = [];
  source.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === name) {
      for (const m of node.members) if (m.name && ts.isIdentifier(m.name)) members.push(m.name.text);
    }
  });
  return members.sort();
}

test('KIOSK_METHODS is the contract table; the events list matches KioskEvents', () => {
  assert.deepEqual(KIOSK_METHODS, Object.keys(KIOSK_CONTRACT));
  assert.ok(KIOSK_METHODS.length >= 20);
  assert.deepEqual([...KIOSK_EVENTS].sort(), interfaceMembers('preload/contract.ts', 'KioskEvents'));
});

test('the operator gate guards exactly the methods the table marks operator-only', () => {
  assert.deepEqual([...ADMIN_METHODS].sort(), KIOSK_METHODS.filter((m) => KIOSK_CONTRACT[m].operator).sort());
  // Changing secrets, the backend and quitting are never open to the candidate's screen.
  for (const m of ['updateSettings', 'setOpenAIKey', 'clearOpenAIKey', 'configureBackend', 'signInDevice', 'quitApp'] as const) {
    assert.ok(ADMIN_METHODS.includes(m), m);
  }
  for (const m of ['startCall', 'reportRealtimeEvent', 'unlockOperator', 'getSettings'] as const) assert.equal(KIOSK_CONTRACT[m].operator, false, m);
});

test('the dispatcher has a schema, and the service an implementation, for every method', async () => {
  assert.deepEqual(Object.keys(REQUEST_SCHEMAS).sort(), [...KIOSK_METHODS].sort());
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-coverage-'));
  const db = openDatabase(join(dir, 'k.sqlite'));
  try {
    const service = createKioskService({ db, dataDir: dir, settings: memorySettingsStore(), secrets: memorySecretStore() });
    for (const m of KIOSK_METHODS) assert.equal(typeof service[m], 'function', m);
    await service.close(); // its background starts must not outlive the database
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the preload bridge exposes every method and nothing else; the IPC binding forwards any listed method', () => {
  const bridge = createBridge(async () => ({ ok: true, value: null }), () => () => {});
  assert.deepEqual(Object.keys(bridge).sort(), [...KIOSK_METHODS, 'on'].sort());
  // The preload builds its bridge with createBridge (so the list above is what the page gets) and only invokes
  // the one request channel; the IPC binding hands every method to the dispatcher (no per-method switch).
  const preload = readFileSync(join(root, 'preload/index.ts'), 'utf8');
  assert.match(preload, /createBridge\(/);
  assert.match(preload, /exposeInMainWorld\('kiosk', bridge\)/);
  assert.deepEqual(preload.match(/ipcRenderer\.(\w+)/g)?.sort(), ['ipcRenderer.invoke', 'ipcRenderer.on']);
  const ipc = readFileSync(join(root, 'main/electron/ipc.ts'), 'utf8');
  assert.match(ipc, /ipcMain\.handle\(IPC_REQUEST_CHANNEL/);
  assert.match(ipc, /return dispatch\(method, payload\)/);
});

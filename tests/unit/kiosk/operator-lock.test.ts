// The operator lock under plain Node: hashing, backoff, unlock timeout, first-run rules, persistence, fail-closed
// on a damaged file, and the main-side gate through the real dispatcher.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createKioskService } from '../../../main/core/api/service';
import { openDatabase } from '../../../main/core/db/database';
import { ADMIN_METHODS } from '../../../main/core/operator/gate';
import {
  afterWrongPin,
  createOperatorLock,
  EMPTY_RECORD,
  FIRST_LOCKOUT_MS,
  hashPin,
  lockoutMs,
  MAX_LOCKOUT_MS,
  memoryLockRecordStore,
  UNLOCK_IDLE_MS,
  verifyPin,
  type ScryptParams,
} from '../../../main/core/operator/lock';
import { fileLockRecordStore, OPERATOR_LOCK_FILE } from '../../../main/core/operator/store';
import { memorySecretStore, memorySettingsStore } from '../../../main/core/settings/types';

const CHEAP: ScryptParams = { N: 1024, r: 8, p: 1, keyLen: 32 };

function clock(start = 1_700_000_000_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

async function rejectsWith(p: Promise<unknown>, code: string, message?: RegExp) {
  await assert.rejects(p, (e: { code?: string; message?: string }) => {
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message ?? '', message);
    return true;
  });
}

describe('PIN hashing', () => {
  it('stores a salted scrypt hash, never the PIN, and verifies only the right PIN', async () => {
    const a = await hashPin('4821', CHEAP);
    const b = await hashPin('4821', CHEAP);
    assert.notEqual(a.salt, b.salt, 'a fresh salt each time');
    assert.notEqual(a.hash, b.hash);
    assert.ok(!JSON.stringify(a).includes('4821'));
    assert.equal(await verifyPin('4821', a), true);
    assert.equal(await verifyPin('4822', a), false);
    assert.equal(await verifyPin('', a), false);
  });

  it('backoff is pure: 3 free tries, then 30 s doubling to a cap', () => {
    let r = { ...EMPTY_RECORD };
    r = afterWrongPin(r, 0);
    r = afterWrongPin(r, 0);
    assert.equal(r.lockedUntil, null);
    r = afterWrongPin(r, 0);
    assert.equal(r.lockedUntil, FIRST_LOCKOUT_MS);
    assert.equal(lockoutMs(1), 2 * FIRST_LOCKOUT_MS);
    assert.equal(lockoutMs(50), MAX_LOCKOUT_MS);
  });
});

describe('OperatorLock', () => {
  it('first run in recruiter mode: admin open until a PIN is chosen; then closed until unlocked', async () => {
    const c = clock();
    const lock = createOperatorLock({ store: memoryLockRecordStore(), kioskMode: false, now: c.now, scrypt: CHEAP });
    assert.equal(lock.state().adminOpen, true);
    lock.requireAdmin('x');
    const s = await lock.setPin({ newPin: '482193' });
    assert.equal(s.pinSet, true);
    assert.equal(s.unlocked, true, 'choosing the PIN unlocks');
    lock.lock();
    assert.equal(lock.state().adminOpen, false);
    assert.throws(() => lock.requireAdmin('Changing the settings'), /needs the operator PIN/);
  });

  it('first run in kiosk mode: nothing admin works until a PIN is chosen', async () => {
    const lock = createOperatorLock({ store: memoryLockRecordStore(), kioskMode: true, now: clock().now, scrypt: CHEAP });
    assert.equal(lock.state().adminOpen, false);
    assert.throws(() => lock.requireAdmin('Quitting the kiosk'), (e: { code?: string; message?: string }) => e.code === 'operator_locked' && /none is set/.test(e.message ?? ''));
    await lock.setPin({ newPin: '1234' });
    lock.requireAdmin('x');
  });

  it('three wrong PINs pause the pad, even for the right PIN; the pause grows; the right PIN resets it', async () => {
    const c = clock();
    const store = memoryLockRecordStore();
    const lock = createOperatorLock({ store, kioskMode: true, now: c.now, scrypt: CHEAP });
    await lock.setPin({ newPin: '1234' });
    lock.lock();
    await rejectsWith(lock.unlock('0000'), 'pin_incorrect', /2 tries left/);
    await rejectsWith(lock.unlock('0001'), 'pin_incorrect', /1 try left/);
    await rejectsWith(lock.unlock('0002'), 'too_many_attempts', /30 s/);
    assert.equal(lock.state().attemptsLeft, 0);
    assert.equal(lock.state().retryInMs, FIRST_LOCKOUT_MS);
    await rejectsWith(lock.unlock('1234'), 'too_many_attempts', /Try again in 30 s/);
    assert.equal(lock.state().unlocked, false);
    c.t += FIRST_LOCKOUT_MS - 1;
    await rejectsWith(lock.unlock('1234'), 'too_many_attempts', /1 s/);
    c.t += 1;
    for (const p of ['0000', '0001']) await rejectsWith(lock.unlock(p), 'pin_incorrect');
    await rejectsWith(lock.unlock('0002'), 'too_many_attempts', /60 s/, );
    c.t += 2 * FIRST_LOCKOUT_MS;
    const s = await lock.unlock('1234');
    assert.equal(s.unlocked, true);
    assert.equal(s.attemptsLeft, 3);
    assert.deepEqual({ ...store.record, pin: null }, { pin: null, failures: 0, lockouts: 0, lockedUntil: null });
  });

  it('parallel guesses are counted one by one (no burst past the backoff)', async () => {
    const lock = createOperatorLock({ store: memoryLockRecordStore(), kioskMode: true, now: clock().now, scrypt: CHEAP });
    await lock.setPin({ newPin: '1234' });
    lock.lock();
    const guesses = ['0000', '0001', '0002', '0003', '0004', '1234'];
    const results = await Promise.allSettled(guesses.map((p) => lock.unlock(p)));
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok'));
    assert.deepEqual(codes, ['pin_incorrect', 'pin_incorrect', 'too_many_attempts', 'too_many_attempts', 'too_many_attempts', 'too_many_attempts']);
  });

  it('unlocked lasts while used and ends after the idle time; lock() ends it at once', async () => {
    const c = clock();
    const lock = createOperatorLock({ store: memoryLockRecordStore(), kioskMode: true, now: c.now, scrypt: CHEAP });
    await lock.setPin({ newPin: '1234' });
    c.t += UNLOCK_IDLE_MS - 1000;
    lock.requireAdmin('x'); // extends
    c.t += UNLOCK_IDLE_MS - 1000;
    lock.requireAdmin('x');
    c.t += UNLOCK_IDLE_MS;
    assert.throws(() => lock.requireAdmin('x'), /needs the operator PIN/);
    await lock.unlock('1234');
    lock.lock();
    assert.throws(() => lock.requireAdmin('x'));
  });

  it('changing the PIN needs the current one (and a wrong one counts as a guess)', async () => {
    const lock = createOperatorLock({ store: memoryLockRecordStore(), kioskMode: false, now: clock().now, scrypt: CHEAP });
    await lock.setPin({ newPin: '1234' });
    await rejectsWith(lock.setPin({ newPin: '5678' }), 'operator_locked');
    await rejectsWith(lock.setPin({ currentPin: '9999', newPin: '5678' }), 'pin_incorrect', /2 tries/);
    await rejectsWith(lock.setPin({ currentPin: '1234', newPin: '12' }), 'invalid_request');
    await lock.setPin({ currentPin: '1234', newPin: '5678' });
    lock.lock();
    await rejectsWith(lock.unlock('1234'), 'pin_incorrect');
    assert.equal((await lock.unlock('5678')).unlocked, true);
  });

  it('persists the hash and the failures (a restart does not reset the backoff), 0600 on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-oplock-'));
    try {
      const c = clock();
      const a = createOperatorLock({ store: fileLockRecordStore(dir), kioskMode: true, now: c.now, scrypt: CHEAP });
      await a.setPin({ newPin: '246810' });
      a.lock();
      for (const p of ['0000', '0001']) await rejectsWith(a.unlock(p), 'pin_incorrect');
      const file = join(dir, OPERATOR_LOCK_FILE);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.ok(!readFileSync(file, 'utf8').includes('246810'));
      const b = createOperatorLock({ store: fileLockRecordStore(dir), kioskMode: true, now: c.now, scrypt: CHEAP });
      assert.equal(b.state().pinSet, true);
      assert.equal(b.state().unlocked, false, 'a restart starts locked');
      await rejectsWith(b.unlock('0002'), 'too_many_attempts');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a damaged record fails closed: no PIN matches and none can be chosen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-oplock-'));
    try {
      writeFileSync(join(dir, OPERATOR_LOCK_FILE), '{"pin": {"v": 1, "algo": "md5"}}');
      chmodSync(join(dir, OPERATOR_LOCK_FILE), 0o600);
      const logs: string[] = [];
      const lock = createOperatorLock({ store: fileLockRecordStore(dir, { log: (l) => logs.push(l) }), kioskMode: true, now: clock().now, scrypt: CHEAP });
      assert.equal(lock.state().pinSet, true);
      await rejectsWith(lock.setPin({ newPin: '1111' }), 'operator_locked');
      await rejectsWith(lock.unlock('1111'), 'pin_incorrect');
      assert.match(logs.join('\n'), /malformed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the main-side gate (through the dispatcher)', () => {
  it('admin requests are refused while locked and change nothing; quitApp runs onQuit only when unlocked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-oplock-svc-'));
    const db = openDatabase(join(dir, 'kiosk.sqlite'));
    let quits = 0;
    const settings = memorySettingsStore();
    const service = createKioskService({
      db, dataDir: dir, settings, secrets: memorySecretStore(), kioskMode: true, operatorScrypt: CHEAP,
      operatorLock: memoryLockRecordStore(), onQuit: () => void quits++,
    });
    try {
      const d = service.dispatch;
      let r = await d('updateSettings', { voice: 'cedar' });
      assert.deepEqual(r.ok ? null : r.error.code, 'operator_locked');
      assert.equal(settings.get().voice, 'marin', 'nothing changed');
      r = await d('quitApp', undefined);
      assert.equal(r.ok, false);
      r = await d('unlockOperator', { pin: '12' });
      assert.equal(r.ok ? null : r.error.code, 'invalid_request', 'a malformed PIN is not a guess');
      r = await d('unlockOperator', { pin: '1234' });
      assert.equal(r.ok ? null : r.error.code, 'not_configured');
      r = await d('setOperatorPin', { newPin: '7531' });
      assert.equal(r.ok, true);
      assert.equal((await d('updateSettings', { voice: 'cedar' })).ok, true);
      assert.equal(settings.get().voice, 'cedar');
      assert.equal((await d('lockOperator', undefined)).ok, true);
      for (const m of ADMIN_METHODS) {
        const res = await d(m, m === 'updateSettings' ? {} : undefined);
        if (res.ok === false && res.error.code === 'invalid_request') continue; // payload checked first
        assert.equal(res.ok ? null : res.error.code, 'operator_locked', m);
      }
      assert.equal((await d('unlockOperator', { pin: '7531' })).ok, true);
      // A new interview locks the admin screens again.
      const setup = await service.getSetupData();
      await service.createSession({ candidateId: setup.candidates[0]!.id, positionId: setup.positions[0]!.id, recordingConsent: false });
      assert.equal((await service.getOperatorLockState()).unlocked, false);
      await d('unlockOperator', { pin: '7531' });
      const q = await d('quitApp', undefined);
      assert.deepEqual(q, { ok: true, value: { quitting: true } });
      await new Promise((ok) => setImmediate(ok));
      assert.equal(quits, 1);
    } finally {
      await service.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

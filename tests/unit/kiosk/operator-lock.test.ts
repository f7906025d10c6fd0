// The operator lock under plain Node: hashing, PIN rules, backoff (growing without a 15-minute cap), failed
// attempts reported after the next unlock, unlock timeout, first-run rules (kiosk mode: provisioned by an
// administrator, never chosen on screen), persistence, fail-closed on a damaged file, the terminal provisioning
// step, and the main-side gate through the real dispatcher.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
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
  memoryLockRecordStore,
  pinProblem,
  UNLOCK_IDLE_MS,
  verifyPin,
  type ScryptParams,
} from '../../../main/core/operator/lock';
import { provisionOperatorPin, readNewPin } from '../../../main/core/operator/provision';
import { fileLockRecordStore, OPERATOR_LOCK_FILE } from '../../../main/core/operator/store';
import { memorySecretStore, memorySettingsStore } from '../../../main/core/settings/types';

const CHEAP: ScryptParams = { N: 1024, r: 8, p: 1, keyLen: 32 };
const PIN = '482193';

/** A kiosk-mode lock whose PIN an administrator provisioned (the only way a kiosk gets its first PIN). */
async function provisioned(now: () => number, pin = PIN) {
  const store = memoryLockRecordStore();
  await provisionOperatorPin(store, pin, CHEAP);
  return { store, lock: createOperatorLock({ store, kioskMode: true, now, scrypt: CHEAP }) };
}

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

  it('backoff is pure: 3 free tries, then 30 s doubling, still growing far past 15 minutes', () => {
    let r = { ...EMPTY_RECORD };
    r = afterWrongPin(r, 0);
    r = afterWrongPin(r, 0);
    assert.equal(r.lockedUntil, null);
    r = afterWrongPin(r, 0);
    assert.equal(r.lockedUntil, FIRST_LOCKOUT_MS);
    assert.equal(r.failedSinceUnlock, 3, 'every wrong PIN is counted for the next unlock');
    assert.equal(lockoutMs(1), 2 * FIRST_LOCKOUT_MS);
    for (let n = 1; n < 20; n++) assert.ok(lockoutMs(n) > lockoutMs(n - 1), `lockout ${n} is longer than ${n - 1}`);
    assert.ok(lockoutMs(10) > 15 * 60_000 * 20, 'no 15-minute cap');
    assert.ok(Number.isFinite(lockoutMs(1e6)));
  });

  it('PIN rules: 6 to 12 digits; repeats, runs, short patterns and common PINs are refused in words', () => {
    for (const bad of ['1234', '12345', '1234567890123', 'abcdef', '']) assert.match(pinProblem(bad) ?? '', /6 to 12 digits/, bad);
    for (const weak of ['000000', '999999', '123456', '654321', '234567', '890123', '987654321', '121212', '123123', '12341234', '112211', '147258', '159753', '696969']) {
      assert.notEqual(pinProblem(weak), null, weak);
    }
    for (const good of [PIN, '739154', '20481736', '918273645']) assert.equal(pinProblem(good), null, good);
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

  it('first run in kiosk mode: not provisioned; the screens cannot choose the first PIN; an administrator can', async () => {
    const store = memoryLockRecordStore();
    const lock = createOperatorLock({ store, kioskMode: true, now: clock().now, scrypt: CHEAP });
    assert.equal(lock.state().adminOpen, false);
    assert.throws(() => lock.requireAdmin('Quitting the kiosk'), (e: { code?: string; message?: string }) => e.code === 'operator_locked' && /--set-operator-pin/.test(e.message ?? ''));
    await rejectsWith(lock.setPin({ newPin: PIN }), 'operator_locked', /administrator/);
    assert.equal(store.record, null, 'nothing was stored');
    assert.equal(lock.state().pinSet, false);
    await provisionOperatorPin(store, PIN, CHEAP);
    const after = createOperatorLock({ store, kioskMode: true, now: clock().now, scrypt: CHEAP });
    assert.equal(after.state().pinSet, true);
    assert.equal(after.state().adminOpen, false, 'provisioning does not unlock');
    assert.equal((await after.unlock(PIN)).adminOpen, true);
  });

  it('weak PINs are refused on every path: the provisioning step and a change', async () => {
    await rejectsWith(provisionOperatorPin(memoryLockRecordStore(), '1234', CHEAP), 'invalid_request', /6 to 12 digits/);
    await rejectsWith(provisionOperatorPin(memoryLockRecordStore(), '111111', CHEAP), 'invalid_request', /repeats/);
    const { lock } = await provisioned(clock().now);
    await rejectsWith(lock.setPin({ currentPin: PIN, newPin: '123456' }), 'invalid_request', /run of digits/);
  });

  it('wrong PINs are reported after the next unlock (how many, the last when), then forgotten', async () => {
    const c = clock();
    const { lock } = await provisioned(c.now);
    await rejectsWith(lock.unlock('000000'), 'pin_incorrect');
    c.t += 5000;
    await rejectsWith(lock.unlock('000001'), 'pin_incorrect');
    const lastAt = new Date(c.t).toISOString();
    c.t += 60_000;
    assert.equal(lock.state().failedBeforeUnlock, null, 'nothing is shown while locked');
    const s = await lock.unlock(PIN);
    assert.deepEqual(s.failedBeforeUnlock, { count: 2, lastAt });
    lock.lock();
    assert.deepEqual((await lock.unlock(PIN)).failedBeforeUnlock, { count: 0, lastAt: null });
  });

  it('the terminal step reads the PIN twice (as a pipe delivers it), refuses a weak one and a mismatch', async () => {
    const run = async (text: string) => {
      const input = new PassThrough();
      const output = new PassThrough();
      const said: string[] = [];
      output.on('data', (d: Buffer) => said.push(d.toString()));
      input.end(text);
      try {
        return { pin: await readNewPin(input, output), said: said.join('') };
      } catch (error) {
        return { error: (error as Error).message, said: said.join('') };
      }
    };
    assert.equal((await run(`${PIN}\n${PIN}\n`)).pin, PIN);
    const weak = await run(`123456\n${PIN}\r\n${PIN}\r\n`);
    assert.equal(weak.pin, PIN);
    assert.match(weak.said, /run of digits/);
    assert.ok(!weak.said.includes(PIN), 'the PIN is never echoed');
    const differ = await run(`${PIN}\n739154\n`);
    assert.match(differ.error ?? '', /ended before a PIN/);
    assert.match(differ.said, /differ/);
  });

  it('three wrong PINs pause the pad, even for the right PIN; the pause grows; the right PIN resets it', async () => {
    const c = clock();
    const { store, lock } = await provisioned(c.now);
    await rejectsWith(lock.unlock('0000'), 'pin_incorrect', /2 tries left/);
    await rejectsWith(lock.unlock('0001'), 'pin_incorrect', /1 try left/);
    await rejectsWith(lock.unlock('0002'), 'too_many_attempts', /30 s/);
    assert.equal(lock.state().attemptsLeft, 0);
    assert.equal(lock.state().retryInMs, FIRST_LOCKOUT_MS);
    await rejectsWith(lock.unlock(PIN), 'too_many_attempts', /Try again in 30 s/);
    assert.equal(lock.state().unlocked, false);
    c.t += FIRST_LOCKOUT_MS - 1;
    await rejectsWith(lock.unlock(PIN), 'too_many_attempts', /1 s/);
    c.t += 1;
    for (const p of ['0000', '0001']) await rejectsWith(lock.unlock(p), 'pin_incorrect');
    await rejectsWith(lock.unlock('0002'), 'too_many_attempts', /60 s/, );
    c.t += 2 * FIRST_LOCKOUT_MS;
    const s = await lock.unlock(PIN);
    assert.equal(s.unlocked, true);
    assert.equal(s.attemptsLeft, 3);
    assert.deepEqual({ ...store.record, pin: null }, { pin: null, failures: 0, lockouts: 0, lockedUntil: null, failedSinceUnlock: 0, lastFailureAt: null });
    assert.equal(s.failedBeforeUnlock?.count, 6, 'all six wrong PINs are reported');
  });

  it('parallel guesses are counted one by one (no burst past the backoff)', async () => {
    const { lock } = await provisioned(clock().now);
    const guesses = ['0000', '0001', '0002', '0003', '0004', PIN];
    const results = await Promise.allSettled(guesses.map((p) => lock.unlock(p)));
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok'));
    assert.deepEqual(codes, ['pin_incorrect', 'pin_incorrect', 'too_many_attempts', 'too_many_attempts', 'too_many_attempts', 'too_many_attempts']);
  });

  it('unlocked lasts while used and ends after the idle time; lock() ends it at once', async () => {
    const c = clock();
    const { lock } = await provisioned(c.now);
    await lock.unlock(PIN);
    c.t += UNLOCK_IDLE_MS - 1000;
    lock.requireAdmin('x'); // extends
    c.t += UNLOCK_IDLE_MS - 1000;
    lock.requireAdmin('x');
    c.t += UNLOCK_IDLE_MS;
    assert.throws(() => lock.requireAdmin('x'), /needs the operator PIN/);
    await lock.unlock(PIN);
    lock.lock();
    assert.throws(() => lock.requireAdmin('x'));
  });

  it('changing the PIN needs the current one (and a wrong one counts as a guess)', async () => {
    const lock = createOperatorLock({ store: memoryLockRecordStore(), kioskMode: false, now: clock().now, scrypt: CHEAP });
    await lock.setPin({ newPin: PIN });
    await rejectsWith(lock.setPin({ newPin: '739154' }), 'operator_locked');
    await rejectsWith(lock.setPin({ currentPin: '9999', newPin: '739154' }), 'pin_incorrect', /2 tries/);
    await rejectsWith(lock.setPin({ currentPin: PIN, newPin: '12' }), 'invalid_request');
    await lock.setPin({ currentPin: PIN, newPin: '739154' });
    lock.lock();
    await rejectsWith(lock.unlock(PIN), 'pin_incorrect');
    assert.equal((await lock.unlock('739154')).unlocked, true);
  });

  it('persists the hash and the failures (a restart does not reset the backoff), 0600 on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-oplock-'));
    try {
      const c = clock();
      await provisionOperatorPin(fileLockRecordStore(dir), '739154', CHEAP);
      const a = createOperatorLock({ store: fileLockRecordStore(dir), kioskMode: true, now: c.now, scrypt: CHEAP });
      for (const p of ['0000', '0001']) await rejectsWith(a.unlock(p), 'pin_incorrect');
      const file = join(dir, OPERATOR_LOCK_FILE);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.ok(!readFileSync(file, 'utf8').includes('739154'));
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
      await rejectsWith(lock.setPin({ newPin: '739154' }), 'operator_locked');
      await rejectsWith(lock.unlock('739154'), 'pin_incorrect');
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
    const operatorLock = memoryLockRecordStore();
    let service = createKioskService({
      db, dataDir: dir, settings, secrets: memorySecretStore(), kioskMode: true, operatorScrypt: CHEAP,
      operatorLock, onQuit: () => void quits++,
    });
    try {
      let d = service.dispatch;
      let r = await d('updateSettings', { voice: 'cedar' });
      assert.deepEqual(r.ok ? null : r.error.code, 'operator_locked');
      assert.equal(settings.get().voice, 'marin', 'nothing changed');
      r = await d('quitApp', undefined);
      assert.equal(r.ok, false);
      r = await d('unlockOperator', { pin: '12' });
      assert.equal(r.ok ? null : r.error.code, 'invalid_request', 'a malformed PIN is not a guess');
      r = await d('unlockOperator', { pin: '1234' });
      assert.equal(r.ok ? null : r.error.code, 'not_configured');
      r = await d('setOperatorPin', { newPin: '582046' });
      assert.equal(r.ok ? null : r.error.code, 'operator_locked', 'kiosk mode: the first PIN is never chosen by the renderer');
      r = await d('setOperatorPin', { newPin: '1234' });
      assert.equal(r.ok ? null : r.error.code, 'invalid_request', 'a 4-digit PIN is refused');
      assert.equal(operatorLock.record, null);
      await provisionOperatorPin(operatorLock, '582046', CHEAP);
      // A fresh service reads the provisioned record (as the app does at its next start).
      r = await d('unlockOperator', { pin: '582046' });
      assert.equal(r.ok ? null : r.error.code, 'not_configured', 'this running service has not read it yet');
      await service.close();
      service = createKioskService({
        db, dataDir: dir, settings, secrets: memorySecretStore(), kioskMode: true, operatorScrypt: CHEAP,
        operatorLock, onQuit: () => void quits++,
      });
      d = service.dispatch;
      r = await d('unlockOperator', { pin: '582046' });
      assert.equal(r.ok, true);
      assert.equal((await d('updateSettings', { voice: 'cedar' })).ok, true);
      assert.equal(settings.get().voice, 'cedar');
      assert.equal((await d('lockOperator', undefined)).ok, true);
      for (const m of ADMIN_METHODS) {
        const res = await d(m, m === 'updateSettings' ? {} : undefined);
        if (res.ok === false && res.error.code === 'invalid_request') continue; // payload checked first
        assert.equal(res.ok ? null : res.error.code, 'operator_locked', m);
      }
      assert.equal((await d('unlockOperator', { pin: '582046' })).ok, true);
      // A new interview locks the admin screens again.
      const setup = await service.getSetupData();
      const chosen = { candidateId: setup.candidates[0]!.id, positionId: setup.positions[0]!.id };
      const { ticket } = await service.authorizeCandidate(chosen);
      await rejectsWith(service.createSession({ ...chosen, recordingConsent: false }), 'operator_locked'); // kiosk mode: no ticket
      await service.createSession({ ...chosen, recordingConsent: false, operatorTicket: ticket });
      await rejectsWith(service.createSession({ ...chosen, recordingConsent: false, operatorTicket: ticket }), 'operator_locked'); // one use
      assert.equal((await service.getOperatorLockState()).unlocked, false);
      // The operator's extra time travels with the ticket: the session has it whatever the request says, and a
      // request cannot claim it without such a ticket; who chose it needs extra time.
      await d('unlockOperator', { pin: '582046' });
      const plainTicket = (await service.authorizeCandidate(chosen)).ticket;
      await rejectsWith(service.createSession({ ...chosen, recordingConsent: false, operatorTicket: plainTicket, extraTime: true, extraTimeBy: 'operator' }), 'operator_locked', /Only the staff/);
      await d('unlockOperator', { pin: '582046' });
      const extraTicket = (await service.authorizeCandidate({ ...chosen, extraTime: true })).ticket;
      const arranged = await service.createSession({ ...chosen, recordingConsent: false, operatorTicket: extraTicket });
      assert.deepEqual([arranged.extraTime, arranged.extraTimeBy], [true, 'operator']);
      assert.deepEqual(db.prepare('SELECT extra_time, extra_time_by FROM interview_sessions WHERE id = ?').get(arranged.id), { extra_time: 1, extra_time_by: 'operator' });
      const orphan = await d('createSession', { ...chosen, recordingConsent: false, extraTimeBy: 'candidate' });
      assert.equal(orphan.ok ? null : orphan.error.code, 'invalid_request');
      await d('unlockOperator', { pin: '582046' });
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

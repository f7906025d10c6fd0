// The operator lock: a PIN (scrypt hash + salt, never the PIN itself) guards the admin screens and quitting.
// Plain Node; the Electron shell and the web host only choose where the record is kept.
//
// Rules:
// - No PIN yet (first run): in recruiter mode the admin screens are open and invite the operator to set one;
//   in kiosk mode the kiosk is "not provisioned": nothing admin works, and the renderer cannot choose the first
//   PIN (whoever walks up first would own the kiosk). An administrator provisions it outside the app's screens
//   (`--set-operator-pin`, main/core/operator/provision.ts).
// - A PIN is 6 to 12 digits and not a common one (repeats, runs, patterns a guesser tries first).
// - 3 wrong PINs in a row lock the pad for 30 s; every further 3 double it, without a cap short of a year (a
//   capped pause would leave a steady guessing rate). A right PIN resets. Failures are persisted, so restarting
//   the app does not reset the backoff, and every wrong PIN since the last unlock is reported after the next one.
// - Attempts are serialised: parallel guesses cannot all slip in before the first one is counted.
// - Unlocked lasts UNLOCK_IDLE_MS after the last admin request; lock() or a new interview locks at once.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { KioskError, type OperatorLockState } from '../../../preload/contract';

export const FREE_ATTEMPTS = 3;
export const FIRST_LOCKOUT_MS = 30_000;
export const UNLOCK_IDLE_MS = 5 * 60_000;
export const PIN_PATTERN = /^\d{6,12}$/;
/** Doubling stops growing here only to keep the number finite: 30 s × 2^20 is about a year. */
const MAX_DOUBLINGS = 20;

/** PINs a guesser tries first, beyond the repeat/run/pattern rules below. */
const COMMON_PINS = new Set([
  '112233', '121212', '123123', '123321', '131313', '147258', '147852', '159753', '159357', '101010', '111222',
  '212121', '232323', '246810', '252525', '258258', '369369', '424242', '520520', '654321', '696969', '753159',
  '789456', '987654', '102030', '100200', '112358', '314159', '271828', '123654', '147369', '741852', '963852',
  '1234567890', '0987654321', '12341234', '11223344', '12344321', '20202020',
]);

/** Pure: why this PIN is refused, in words, or null when it is acceptable. */
export function pinProblem(pin: string): string | null {
  if (!PIN_PATTERN.test(pin)) return 'A PIN is 6 to 12 digits.';
  const d = [...pin].map(Number);
  const steps = d.slice(1).map((x, i) => (x - d[i]! + 10) % 10);
  if (steps.every((s) => s === 0)) return 'That PIN repeats one digit; choose one that is harder to guess.';
  if (steps.every((s) => s === 1) || steps.every((s) => s === 9)) return 'That PIN is a run of digits (like 123456); choose one that is harder to guess.';
  // A short block repeated (121212, 123123, 12341234): only as strong as the block.
  for (let len = 1; len <= pin.length / 2; len++) {
    if (pin.length % len === 0 && pin === pin.slice(0, len).repeat(pin.length / len)) {
      return 'That PIN repeats a short pattern; choose one that is harder to guess.';
    }
  }
  if (new Set(d).size <= 2) return 'That PIN uses only two different digits; choose one that is harder to guess.';
  if (COMMON_PINS.has(pin)) return 'That PIN is among the most common ones; choose one that is harder to guess.';
  return null;
}

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
  keyLen: number;
}

/** ~50–100 ms and 32 MiB per check on a kiosk PC: cheap for the operator, costly for an offline guesser. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1, keyLen: 32 };

export interface PinRecord extends ScryptParams {
  v: 1;
  algo: 'scrypt';
  salt: string; // base64
  hash: string; // base64
}

export interface LockRecord {
  pin: PinRecord | null;
  /** Wrong PINs since the last right one or the last lockout. */
  failures: number;
  /** Lockouts since the last right PIN (the next one lasts FIRST_LOCKOUT_MS × 2^lockouts). */
  lockouts: number;
  /** Epoch ms until which no PIN is checked, or null. */
  lockedUntil: number | null;
  /** Wrong PINs since the last successful unlock (reported to the operator after the next one). */
  failedSinceUnlock?: number;
  /** Epoch ms of the last wrong PIN, or null. */
  lastFailureAt?: number | null;
}

export interface LockRecordStore {
  load(): LockRecord | null;
  save(record: LockRecord): void;
}

export const EMPTY_RECORD: LockRecord = { pin: null, failures: 0, lockouts: 0, lockedUntil: null, failedSinceUnlock: 0, lastFailureAt: null };

/** Keeps only a well-formed record (a damaged or hand-edited file must not unlock anything it should not). */
export function parseLockRecord(raw: unknown): LockRecord | null {
  if (raw === null || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  const count = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1e6 ? v : 0);
  let pin: PinRecord | null = null;
  const p = r.pin as Record<string, unknown> | null | undefined;
  if (p && typeof p === 'object') {
    const ok =
      p.v === 1 && p.algo === 'scrypt' && typeof p.salt === 'string' && typeof p.hash === 'string' &&
      [p.N, p.r, p.p, p.keyLen].every((n) => typeof n === 'number' && Number.isInteger(n) && n > 0) &&
      Number.isInteger(Math.log2(p.N as number)) && (p.keyLen as number) >= 16 && (p.keyLen as number) <= 128;
    if (!ok) return null; // a corrupt PIN record: refuse rather than fall back to "no PIN" (which would open admin)
    pin = { v: 1, algo: 'scrypt', N: p.N as number, r: p.r as number, p: p.p as number, keyLen: p.keyLen as number, salt: p.salt as string, hash: p.hash as string };
  }
  const time = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    pin, failures: count(r.failures), lockouts: count(r.lockouts), lockedUntil: time(r.lockedUntil),
    failedSinceUnlock: count(r.failedSinceUnlock), lastFailureAt: time(r.lastFailureAt),
  };
}

export function memoryLockRecordStore(initial: LockRecord | null = null): LockRecordStore & { record: LockRecord | null } {
  const store = {
    record: initial,
    load: () => (store.record ? structuredClone(store.record) : null),
    save: (r: LockRecord) => void (store.record = structuredClone(r)),
  };
  return store;
}

function scrypt(pin: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((ok, fail) => scryptCb(pin.normalize('NFKC'), salt, params.keyLen, options, (err, key) => (err ? fail(err) : ok(key))));
}

export async function hashPin(pin: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<PinRecord> {
  const salt = randomBytes(16);
  const hash = await scrypt(pin, salt, params);
  return { v: 1, algo: 'scrypt', ...params, salt: salt.toString('base64'), hash: hash.toString('base64') };
}

/** Constant-time comparison of the derived keys (the PIN itself is never compared). */
export async function verifyPin(pin: string, record: PinRecord): Promise<boolean> {
  const expected = Buffer.from(record.hash, 'base64');
  const actual = await scrypt(pin, Buffer.from(record.salt, 'base64'), record);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Pure: the lockout that follows the given number of earlier lockouts. */
export function lockoutMs(lockoutsBefore: number): number {
  return FIRST_LOCKOUT_MS * 2 ** Math.min(lockoutsBefore, MAX_DOUBLINGS);
}

/** Pure: the record after one wrong PIN at time `now`. */
export function afterWrongPin(record: LockRecord, now: number): LockRecord {
  const failures = record.failures + 1;
  const seen = { failedSinceUnlock: (record.failedSinceUnlock ?? 0) + 1, lastFailureAt: now };
  if (failures < FREE_ATTEMPTS) return { ...record, ...seen, failures, lockedUntil: null };
  return { ...record, ...seen, failures: 0, lockouts: record.lockouts + 1, lockedUntil: now + lockoutMs(record.lockouts) };
}

export interface OperatorLockOptions {
  store: LockRecordStore;
  kioskMode: boolean;
  now?: () => number;
  scrypt?: ScryptParams;
}

export interface OperatorLock {
  state(): OperatorLockState;
  unlock(pin: string): Promise<OperatorLockState>;
  setPin(request: { currentPin?: string; newPin: string }): Promise<OperatorLockState>;
  lock(): OperatorLockState;
  /** Throws operator_locked unless an admin request may run now; extends the unlocked time when it may. */
  requireAdmin(what: string): void;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export const NOT_PROVISIONED =
  'This kiosk has no operator PIN yet. An administrator sets it at the machine, outside the kiosk screens ' +
  '(start the app once with --set-operator-pin and type the PIN in the terminal).';

export function createOperatorLock(options: OperatorLockOptions): OperatorLock {
  const now = options.now ?? Date.now;
  const params = options.scrypt ?? DEFAULT_SCRYPT;
  let record: LockRecord = options.store.load() ?? { ...EMPTY_RECORD };
  let unlockedUntil: number | null = null;
  /** What the last unlock reported: wrong PINs typed since the unlock before it. Shown while unlocked. */
  let report: { count: number; lastAt: string | null } | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  const save = (next: LockRecord) => {
    options.store.save(next); // persisted before the answer: a crash cannot forget a wrong guess
    record = next;
  };
  const isUnlocked = () => unlockedUntil !== null && now() < unlockedUntil;
  const lockedOutFor = () => (record.lockedUntil !== null && now() < record.lockedUntil ? record.lockedUntil - now() : 0);

  function state(): OperatorLockState {
    const wait = lockedOutFor();
    const unlocked = isUnlocked();
    return {
      pinSet: record.pin !== null,
      unlocked,
      kioskMode: options.kioskMode,
      adminOpen: unlocked || (record.pin === null && !options.kioskMode),
      attemptsLeft: wait > 0 ? 0 : FREE_ATTEMPTS - record.failures,
      lockedUntil: wait > 0 ? new Date(record.lockedUntil!).toISOString() : null,
      retryInMs: wait,
      unlockedUntil: unlocked ? new Date(unlockedUntil!).toISOString() : null,
      failedBeforeUnlock: unlocked ? report : null,
    };
  }

  /** One PIN check under the backoff rules; serialised with every other check. */
  function check(pin: string): Promise<void> {
    const run = async () => {
      if (!record.pin) throw new KioskError('not_configured', NOT_PROVISIONED);
      const wait = lockedOutFor();
      if (wait > 0) {
        throw new KioskError('too_many_attempts', `Too many wrong PINs. Try again in ${seconds(wait)} s.`);
      }
      if (await verifyPin(pin, record.pin)) {
        const failed = record.failedSinceUnlock ?? 0;
        report = { count: failed, lastAt: record.lastFailureAt ? new Date(record.lastFailureAt).toISOString() : null };
        if (record.failures || record.lockouts || record.lockedUntil || failed) {
          save({ ...record, failures: 0, lockouts: 0, lockedUntil: null, failedSinceUnlock: 0, lastFailureAt: null });
        }
        return;
      }
      const next = afterWrongPin(record, now());
      save(next);
      if (next.lockedUntil !== null) {
        throw new KioskError('too_many_attempts', `Wrong PIN. Too many wrong PINs: try again in ${seconds(next.lockedUntil - now())} s.`);
      }
      const left = FREE_ATTEMPTS - next.failures;
      throw new KioskError('pin_incorrect', `Wrong PIN. ${left} ${left === 1 ? 'try' : 'tries'} left before a pause.`);
    };
    const result = queue.then(run, run);
    queue = result.catch(() => undefined);
    return result;
  }

  const unlockNow = () => {
    unlockedUntil = now() + UNLOCK_IDLE_MS;
  };

  return {
    state,
    async unlock(pin) {
      await check(pin);
      unlockNow();
      return state();
    },
    async setPin({ currentPin, newPin }) {
      if (!record.pin && options.kioskMode) throw new KioskError('operator_locked', NOT_PROVISIONED);
      const problem = pinProblem(newPin);
      if (problem) throw new KioskError('invalid_request', problem);
      if (record.pin) {
        if (currentPin === undefined) throw new KioskError('operator_locked', 'Enter the current PIN to change it.');
        await check(currentPin);
      }
      const pin = await hashPin(newPin, params);
      save({ ...record, pin, failures: 0, lockouts: 0, lockedUntil: null, failedSinceUnlock: 0, lastFailureAt: null });
      unlockNow();
      return state();
    },
    lock() {
      unlockedUntil = null;
      return state();
    },
    requireAdmin(what) {
      if (isUnlocked()) {
        unlockNow();
        return;
      }
      if (record.pin === null && !options.kioskMode) return;
      throw new KioskError(
        'operator_locked',
        record.pin === null ? `${what} needs the operator PIN. ${NOT_PROVISIONED}` : `${what} needs the operator PIN. Unlock the operator screen first.`,
      );
    },
  };
}

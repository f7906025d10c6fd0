// The operator feature: the PIN lock, its KioskApi methods, quitting, and the gate over the operator-only
// methods of the whole api (gate.ts).
import { KioskError, type KioskApi, type KioskSlice } from '../../../preload/contract';
import { guardAdminMethods } from './gate';
import { guardKioskEntry } from './kiosk-entry';
import { createOperatorLock, type LockRecordStore, type ScryptParams } from './lock';
import { fileLockRecordStore } from './store';

export interface OperatorFeatureDeps {
  dataDir: string;
  /** Kiosk mode: the admin screens stay closed until an operator PIN is chosen. */
  kioskMode: boolean;
  /** Where the lock record is kept. Default: <dataDir>/operator-lock.json (0600). */
  store?: LockRecordStore;
  scrypt?: ScryptParams;
  /** What an operator quit does; without it, quitApp answers not_configured. */
  onQuit?: () => void;
  /** The interrupted interview an invitation started on this kiosk (kiosk-entry.ts: the candidate's code resumes it). */
  interruptedSessionOf?: (invitationId: string) => string | null;
  /** Kiosk mode: how long a candidate's summary stays readable after the end (main/core/operator/kiosk-entry.ts). */
  summaryMs?: number;
  now: () => number;
  log: (line: string) => void;
}

export function createOperatorFeature(deps: OperatorFeatureDeps) {
  const lock = createOperatorLock({
    store: deps.store ?? fileLockRecordStore(deps.dataDir, { log: deps.log }),
    kioskMode: deps.kioskMode,
    now: deps.now,
    ...(deps.scrypt ? { scrypt: deps.scrypt } : {}),
  });

  const api = {
    async getOperatorLockState() {
      return lock.state();
    },
    async unlockOperator({ pin }) {
      return lock.unlock(pin);
    },
    async setOperatorPin(request) {
      return lock.setPin(request);
    },
    async lockOperator() {
      return lock.lock();
    },
    async quitApp() {
      const onQuit = deps.onQuit;
      if (!onQuit) throw new KioskError('not_configured', 'This host cannot be quit from the kiosk screen.');
      deps.log('operator quit requested');
      setImmediate(onQuit); // after the reply has been handed to the binding
      return { quitting: true as const };
    },
  } satisfies KioskSlice<'getOperatorLockState' | 'unlockOperator' | 'setOperatorPin' | 'lockOperator' | 'quitApp'>;

  return {
    lock,
    api,
    /** Puts the kiosk-entry rules and the operator check in front of the composed api. */
    guard: (whole: KioskApi) => {
      guardKioskEntry(whole, lock, {
        now: deps.now,
        ...(deps.summaryMs ? { summaryMs: deps.summaryMs } : {}),
        ...(deps.interruptedSessionOf ? { interruptedSessionOf: deps.interruptedSessionOf } : {}),
      });
      guardAdminMethods(whole, lock);
    },
  };
}

export type OperatorFeature = ReturnType<typeof createOperatorFeature>;

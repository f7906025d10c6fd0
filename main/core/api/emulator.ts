// The practice-mode emulator as the core sees it: started lazily, in process, on 127.0.0.1, with a random key,
// through a factory the host injects (main/simulator/lazy.ts). The core imports only the simulator's types.
import { randomBytes } from 'node:crypto';

import type { EmulatorFaults, EmulatorHandle, EmulatorOptions } from '../../simulator/index';

export type EmulatorFaultsLike = EmulatorFaults;
export type EmulatorOptionsLike = EmulatorOptions;
export type EmulatorHandleLike = EmulatorHandle;
export type StartEmulatorFn = (options: EmulatorOptions) => Promise<EmulatorHandle>;

export interface PracticeEmulator {
  ensure(): Promise<{ baseUrl: string; apiKey: string }>;
  handle(): EmulatorHandleLike | null;
  close(): Promise<void>;
}

export function practiceEmulator(start: StartEmulatorFn | undefined, options: Partial<EmulatorOptionsLike> = {}): PracticeEmulator {
  const apiKey = `sk-practice-${randomBytes(18).toString('hex')}`;
  let starting: Promise<EmulatorHandleLike> | null = null;
  let handle: EmulatorHandleLike | null = null;
  return {
    async ensure() {
      if (!start) throw new Error('this host has no practice emulator');
      if (!starting) {
        starting = start({ host: '127.0.0.1', port: 0, candidates: 'all', ...options, apiKey }).then(
          (h) => (handle = h),
          (error: unknown) => {
            starting = null; // let the next call try again
            throw error;
          },
        );
      }
      const h = await starting;
      return { baseUrl: h.baseUrl, apiKey };
    },
    handle: () => handle,
    async close() {
      const h = starting ? await starting.catch(() => null) : null;
      starting = null;
      handle = null;
      await h?.close();
    },
  };
}

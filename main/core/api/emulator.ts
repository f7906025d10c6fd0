// The practice-mode emulator as the core sees it: started lazily, in process, on 127.0.0.1, with a random key.
// The shapes mirror main/simulator/index.ts (startEmulator); the import is dynamic so the core stays usable
// (live mode, tests with a stub) without loading WebRTC.
import { randomBytes } from 'node:crypto';

export interface EmulatorFaultsLike {
  sdpStatus?: number | null;
  dropCallAfterMs?: number | null;
  transcriptionAfterResponse?: boolean;
  transcriptionFailure?: boolean;
}

export interface EmulatorOptionsLike {
  apiKey: string;
  host?: string;
  port?: number;
  candidates?: 'loopback' | 'all';
  userTranscripts?: string[];
  sessionLimitMs?: number;
  faults?: EmulatorFaultsLike;
  log?: (line: string) => void;
}

export interface EmulatorHandleLike {
  baseUrl: string;
  setFaults(faults: Partial<EmulatorFaultsLike>): void;
  calls(): unknown[];
  close(): Promise<void>;
}

export type StartEmulatorFn = (options: EmulatorOptionsLike) => Promise<EmulatorHandleLike>;

export const loadEmulator: StartEmulatorFn = async (options) => {
  const mod = (await import('../../simulator/index')) as unknown as { startEmulator: StartEmulatorFn };
  return mod.startEmulator(options);
};

export interface PracticeEmulator {
  ensure(): Promise<{ baseUrl: string; apiKey: string }>;
  handle(): EmulatorHandleLike | null;
  close(): Promise<void>;
}

export function practiceEmulator(start: StartEmulatorFn, options: Partial<EmulatorOptionsLike> = {}): PracticeEmulator {
  const apiKey = `sk-practice-${randomBytes(18).toString('hex')}`;
  let starting: Promise<EmulatorHandleLike> | null = null;
  let handle: EmulatorHandleLike | null = null;
  return {
    async ensure() {
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

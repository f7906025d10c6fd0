// One pass at a time, kicks coalesced: the sync engine and the reviewers' uploads both run their passes through
// this, so a burst of wakes becomes at most one more pass, never two passes at once.

export interface PassRunnerOptions {
  pass: () => Promise<void>;
  /** A pass threw (a bug, a local I/O error): report it; the runner lives on and the caller's timer retries. */
  crashed: (error: unknown) => void;
  closed: () => boolean;
  /** May the pass asked for during the one in flight run now (not closed, not backing off)? */
  mayRepeat: () => boolean;
  afterPass?: () => void;
}

export interface PassRunner {
  /** Runs a pass now, or asks for one more after the pass in flight; resolves when the runner is idle again. */
  kick(): Promise<void>;
  /** Asks for one more pass after the one in flight; false (and nothing asked) when no pass is in flight. */
  again(): boolean;
  /** The passes in flight, if any. */
  current(): Promise<void> | null;
}

export function createPassRunner(options: PassRunnerOptions): PassRunner {
  let running: Promise<void> | null = null;
  let again = false;

  function kick(): Promise<void> {
    if (options.closed()) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      // Start on the next microtask, so `running` is set before the pass runs: a pass that asks for another
      // before its first await then gets a repeat, not a second pass at the same time.
      await Promise.resolve();
      try {
        do {
          again = false;
          try {
            await options.pass();
          } catch (error) {
            // After close the database may be gone: then there is nothing left to record.
            if (options.closed()) break;
            options.crashed(error);
          }
          options.afterPass?.();
        } while (again && options.mayRepeat());
      } finally {
        running = null;
      }
    })();
    return running;
  }

  return {
    kick,
    again(): boolean {
      if (running) again = true;
      return running !== null;
    },
    current: () => running,
  };
}

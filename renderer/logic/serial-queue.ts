// A queue that runs async tasks one at a time, in the order they were added.
// Why: data-channel events must reach main in the order they crossed the channel, and recording chunks must be
// appended in seq order; a failing task must not stop the ones behind it.

export interface SerialQueue {
  /** Adds a task; the returned promise settles with the task's own result once it has run. */
  enqueue<T>(task: () => Promise<T> | T): Promise<T>;
  /** Resolves once every task added so far has settled. */
  idle(): Promise<void>;
  /** Tasks added but not yet settled. */
  readonly pending: number;
}

export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  let pending = 0;
  return {
    enqueue<T>(task: () => Promise<T> | T): Promise<T> {
      pending++;
      const run = tail.then(() => task());
      // The chain continues whether or not this task failed; the caller still sees the failure on `run`.
      tail = run.then(
        () => {
          pending--;
        },
        () => {
          pending--;
        },
      );
      return run;
    },
    idle(): Promise<void> {
      return tail.then(() => undefined);
    },
    get pending() {
      return pending;
    },
  };
}

// A bounded wait on a condition that changes with events: resolves true as soon as `check()` holds after a
// notify(), false when the time limit passes. Used for "wait for output_audio_buffer.stopped (≤ 8 s)".

export interface Waiter {
  /** Call after every state change. */
  notify(): void;
  /** Resolves true when check() holds (immediately if it already does), false after `timeoutMs`. */
  until(check: () => boolean, timeoutMs: number): Promise<boolean>;
}

export function createWaiter(setTimer: (fn: () => void, ms: number) => unknown = setTimeout, clearTimer: (t: unknown) => void = (t) => clearTimeout(t as number)): Waiter {
  const waiting = new Set<() => void>();
  return {
    notify() {
      for (const w of [...waiting]) w();
    },
    until(check, timeoutMs) {
      if (check()) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const onChange = () => {
          if (check()) finish(true);
        };
        const timer = setTimer(() => finish(false), timeoutMs);
        const finish = (value: boolean) => {
          waiting.delete(onChange);
          clearTimer(timer);
          resolve(value);
        };
        waiting.add(onChange);
      });
    },
  };
}

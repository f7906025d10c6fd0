// Retry delays: one rule for every retry loop in the app (sync, the host socket, the Realtime call, a failed
// interviewer turn, the evaluation job). Each loop's policy is data, kept beside the loop. Pure; shared by main and
// the renderer (it lives in preload/ because that is what both sides may import).

export interface BackoffPolicy {
  /** Delays of the first tries, in order (at least one). */
  readonly stepsMs: readonly number[];
  /** After the steps, each delay is the previous one times this. 1 = stay at the last step. */
  readonly factor: number;
  /** No delay is longer than this (before jitter). */
  readonly capMs: number;
  /** The delay is multiplied by a random factor in [low, high]: [1, 1] none, [0, 1] full, [0.5, 1] "equal"
   * (never near-immediate), [0.5, 1.5] ±50 %. Jitter keeps a fleet that failed together from retrying in step. */
  readonly jitter: readonly [low: number, high: number];
}

/** The delay before try `attempt` (0 = the first retry). `random` is injectable for tests. */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const n = Math.max(0, Math.floor(Number.isFinite(attempt) ? attempt : 0));
  const steps = policy.stepsMs;
  const last = steps[steps.length - 1] ?? 0;
  const base = n < steps.length ? steps[n]! : last * policy.factor ** Math.min(n - steps.length + 1, 60);
  const capped = Math.min(policy.capMs, base);
  const r = Math.min(1, Math.max(0, random()));
  const [low, high] = policy.jitter;
  return Math.round(capped * (low + (high - low) * r));
}

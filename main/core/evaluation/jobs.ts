// The evaluation queue's runner: one job at a time, oldest first. A job is queued in the transaction that ends
// the interview; after a restart a job cut off while running runs again (the evaluation is unique per session
// and rubric version, so that adds nothing twice). Model unavailable (offline, 5xx, 429) → retried with
// exponential backoff on the runner's own timer; unusable output or a refused request → failed, with the reason,
// until someone retries it.
import { randomUUID } from 'node:crypto';
import type { KioskStore } from '../db/store';
import { evaluateSession } from './evaluate';
import type { GateEntry } from './gate';
import { callModel, type ModelTarget } from './model';
import type { Rubric } from './rubric';
import type { EvaluationStore, JobRow } from './store';
import { backoffDelay, type BackoffPolicy } from '../../../preload/backoff';

/** Evaluation retries: doubling from 5 s to 10 min, no jitter (one job per kiosk, nothing to spread out). */
export const EVALUATION_BACKOFF: BackoffPolicy = { stepsMs: [5_000], factor: 2, capMs: 10 * 60_000, jitter: [1, 1] };

export interface RunnerDeps {
  store: KioskStore;
  evaluations: EvaluationStore;
  rubric: Rubric;
  /** Where the model is (practice: the emulator), or why there is none right now (retried later). */
  target: () => Promise<ModelTarget | { unavailable: string }>;
  backoff?: BackoffPolicy;
  now?: () => number;
  log?: (line: string) => void;
  /** The job's state changed (the operator screen shows it). */
  onChange?: (sessionId: string) => void;
}

export function createJobRunner(deps: RunnerDeps) {
  const log = deps.log ?? (() => {});
  const now = deps.now ?? Date.now;
  const backoff = deps.backoff ?? EVALUATION_BACKOFF;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;

  function schedule(delayMs: number): void {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      wake();
    }, Math.max(0, delayMs));
    timer.unref?.();
  }

  function entriesOf(sessionId: string): GateEntry[] {
    return deps.store.entries(sessionId).map((e) => ({ id: e.id, speaker: e.speaker, text: e.text, startMs: e.startMs, status: e.status }));
  }

  async function runJob(job: JobRow): Promise<void> {
    deps.evaluations.markRunning(job.id);
    deps.onChange?.(job.session_id);
    const row = deps.store.session(job.session_id);
    const position = row ? deps.store.position(row.position_id) : null;
    if (!row || !position) {
      deps.evaluations.markJob(job.id, 'failed', 'The session or its position is missing on this kiosk.', null);
      return;
    }
    const endReason = deps.store.history(row).filter((h) => h.status === row.status).at(-1)?.reason ?? null;
    const step = await evaluateSession(
      { sessionId: row.id, session: { status: row.status, endReason }, position, entries: entriesOf(row.id), warmUp: row.warm_up === 1, rubric: deps.rubric },
      async (request) => {
        const target = await deps.target();
        if ('unavailable' in target) return { kind: 'unavailable', message: target.unavailable };
        return callModel(target, request);
      },
    );
    const attempts = job.attempts + 1;
    if (step.kind === 'stored') {
      deps.evaluations.finish(job.id, { id: randomUUID(), ...step.evaluation }, job.rubric_version);
      log(`evaluation of ${row.id}: ${step.evaluation.outcome}`);
    } else if (step.kind === 'retry') {
      const at = new Date(now() + backoffDelay(attempts - 1, backoff)).toISOString();
      deps.evaluations.markJob(job.id, 'retrying', step.message, at);
      log(`evaluation of ${row.id} will retry at ${at}: ${step.message}`);
    } else {
      deps.evaluations.markJob(job.id, 'failed', step.message, null);
      log(`evaluation of ${row.id} failed: ${step.message}`);
    }
  }

  async function drain(): Promise<void> {
    for (;;) {
      if (closed) return;
      const job = deps.evaluations.nextDue(new Date(now()).toISOString());
      if (!job) break;
      try {
        await runJob(job);
      } catch (error) {
        // A bug or a disk error: keep the job, try again later rather than spin.
        const message = `The evaluation hit an internal error: ${error instanceof Error ? error.message : String(error)}`;
        deps.evaluations.markJob(job.id, 'retrying', message, new Date(now() + backoff.capMs).toISOString());
        log(message);
      }
      deps.onChange?.(job.session_id);
    }
    const wakeAt = deps.evaluations.nextWake();
    if (wakeAt) schedule(Date.parse(wakeAt) - now());
  }

  function wake(): void {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    // A failure outside a job (the database closed under us at shutdown) is logged, never left unhandled.
    running = drain().catch((error: unknown) => log(`evaluation runner stopped: ${String(error)}`)).finally(() => {
      running = null;
      if (again) {
        again = false;
        wake();
      }
    });
  }

  return {
    start(): void {
      const n = deps.evaluations.recoverRunning();
      if (n) log(`${n} evaluation job(s) cut off by a restart run again`);
      setImmediate(wake); // after the service is wired, so subscribers see the first run's states

    },
    wake,
    /** Resolves when the runner has nothing due right now (tests). */
    async idle(): Promise<void> {
      while (running) await running;
    },
    async close(): Promise<void> {
      closed = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => {});
    },
  };
}

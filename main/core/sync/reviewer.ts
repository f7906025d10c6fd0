// Reviewers' decisions (overrides, dismissals) made on this kiosk reach the backend as the signed-in reviewer.
// A kiosk device may not write them (RLS: reviewers only, created_by = auth.uid()), so they wait in the same
// SQLite outbox as everything else (queued by triggers in the transaction that made them, migration 10) until a
// reviewer is signed in (the room view's tenant-user sign-in, role 'reviewer'); an observer's sign-in never sends
// them. Sent with `insertOnce` (ON CONFLICT DO NOTHING on the local id, then read back), so a retried upload never
// makes a second row; the server's errors are classified like the device's (./plan.ts), with the shared backoff.
import { backoffDelay, type BackoffPolicy } from '../../../preload/backoff';
import type { ReviewerQueueStatus } from '../../../preload/contract';
import type { Clock } from './engine';
import { dismissalToRemote, overrideToRemote } from './mapping';
import type { Outbox } from './outbox';
import { classifyError, describeError, type OutboxItem, type RemoteError } from './plan';
import type { Remote } from './remote';
import { createPassRunner } from './runner';

export interface ReviewerUploadOptions {
  outbox: Outbox;
  /** The signed-in reviewer (role 'reviewer'), else null. */
  reviewer: () => Remote | null;
  clock: Clock;
  backoff: BackoffPolicy;
  random?: () => number;
  /** A status change for the operator. */
  onChange: () => void;
  log?: (line: string) => void;
}

const BATCH = 100;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What the operator reads about decisions that cannot go now (pure). */
export function reviewerWaiting(counts: { noReviewer: number; notUploaded: number; otherTenant: number; signedOut: number }): string | null {
  const parts: string[] = [];
  const what = (n: number) => plural(n, 'reviewer decision (override or dismissal)', 'reviewer decisions (overrides or dismissals)');
  if (counts.noReviewer > 0) {
    parts.push(`${what(counts.noReviewer)} wait${counts.noReviewer === 1 ? 's' : ''} for a reviewer to sign in (Review → reviewer sign-in); a kiosk device or an observer may not upload them`);
  }
  if (counts.signedOut > 0) parts.push(`${what(counts.signedOut)} wait${counts.signedOut === 1 ? 's' : ''}: the reviewer's sign-in has ended; sign in again`);
  if (counts.notUploaded > 0) parts.push(`${what(counts.notUploaded)} wait${counts.notUploaded === 1 ? 's' : ''} until the kiosk has uploaded the interview and its evaluation`);
  if (counts.otherTenant > 0) parts.push(`${what(counts.otherTenant)} belong${counts.otherTenant === 1 ? 's' : ''} to another company than the signed-in reviewer's`);
  return parts.length ? `${parts.join('; ')}.` : null;
}

export function createReviewerUploads(options: ReviewerUploadOptions) {
  const { outbox, clock } = options;
  const random = options.random ?? Math.random;
  const log = options.log ?? (() => {});
  let closed = false;
  let timer: unknown = null;
  let failures = 0;
  let backoffUntil = 0;
  let waiting: string | null = null;
  let lastError: ReviewerQueueStatus['lastError'] = null;
  const iso = (ms: number) => new Date(ms).toISOString();

  function status(): ReviewerQueueStatus | null {
    const pending = outbox.reviewerPending();
    if (pending === 0 && !lastError) return null;
    return { pending, waiting: pending ? waiting : null, lastError, nextRetryAt: backoffUntil > clock.now() ? iso(backoffUntil) : null };
  }

  function schedule(ms: number): void {
    if (closed) return;
    if (timer !== null) clock.clearTimeout(timer);
    timer = clock.setTimeout(() => {
      timer = null;
      void kick();
    }, ms);
  }

  function failed(error: RemoteError, items: readonly OutboxItem[]): void {
    const message = describeError(error);
    lastError = { message, at: iso(clock.now()) };
    if (items.length) outbox.failed(items, message, error.code);
    failures += 1;
    const delay = backoffDelay(failures - 1, options.backoff, random);
    backoffUntil = clock.now() + delay;
    log(`reviewer decisions: upload failed (${failures}): ${message}; next try in ${delay} ms`);
    schedule(delay);
  }

  /** Sends one kind's items; a refused row is found by sending one at a time and quarantined with the server's words. */
  async function send(remote: Remote, kind: 'override' | 'dismissal', items: OutboxItem[]): Promise<{ ok: true } | { ok: false; error: RemoteError; items: OutboxItem[] }> {
    const present: OutboxItem[] = [];
    const rows: Record<string, unknown>[] = [];
    for (const item of items) {
      const row = kind === 'override' ? outbox.override(item.rowId) : outbox.dismissal(item.rowId);
      if (!row) {
        outbox.done([item], clock.now()); // the local row is gone (its tenant was wiped): nothing to send
        continue;
      }
      present.push(item);
      rows.push(kind === 'override' ? overrideToRemote(row as never) : dismissalToRemote(row as never));
    }
    if (rows.length === 0) return { ok: true };
    const res = await remote.insertOnce(kind === 'override' ? 'evaluation_overrides' : 'session_dismissals', rows, kind === 'override' ? 'id' : 'session_id');
    if (res.ok) {
      outbox.done(present, clock.now());
      return { ok: true };
    }
    if (classifyError(res.error) !== 'quarantine') return { ok: false, error: res.error, items: present };
    if (present.length === 1) {
      if (outbox.quarantine(present[0]!, describeError(res.error), res.error.code, clock.now())) {
        log(`reviewer decisions: quarantined ${kind} ${present[0]!.rowId}: ${describeError(res.error)}`);
      }
      return { ok: true };
    }
    for (const item of present) {
      const r = await send(remote, kind, [item]);
      if (!r.ok) return r;
    }
    return { ok: true };
  }

  async function pass(): Promise<void> {
    const items = outbox.reviewerItems(BATCH * 10);
    if (items.length === 0) {
      waiting = null;
      failures = 0;
      backoffUntil = 0;
      return;
    }
    const remote = options.reviewer();
    if (!remote) {
      // Nothing to retry on a timer: a reviewer's sign-in wakes this again.
      waiting = reviewerWaiting({ noReviewer: items.length, notUploaded: 0, otherTenant: 0, signedOut: 0 });
      backoffUntil = 0;
      return;
    }
    const token = await remote.ensureToken();
    if (!token.ok) {
      if (classifyError(token.error) === 'retry') return failed(token.error, []);
      waiting = reviewerWaiting({ noReviewer: 0, notUploaded: 0, otherTenant: 0, signedOut: items.length });
      return;
    }
    const tenant = remote.tenantId();
    const ready = items.filter((i) => i.ready && i.tenantId === tenant);
    const notUploaded = items.filter((i) => !i.ready && i.tenantId === tenant).length;
    const otherTenant = items.filter((i) => i.tenantId !== tenant).length;
    waiting = reviewerWaiting({ noReviewer: 0, notUploaded, otherTenant, signedOut: 0 });
    let refreshed = false;
    for (const kind of ['dismissal', 'override'] as const) {
      const mine = ready.filter((i) => i.kind === kind);
      for (let at = 0; at < mine.length && !closed;) {
        const batch = mine.slice(at, at + BATCH);
        const r = await send(remote, kind, batch);
        if (r.ok) {
          at += BATCH;
          failures = 0;
          backoffUntil = 0;
          lastError = null;
          options.onChange();
          continue;
        }
        if (classifyError(r.error) === 'refresh' && !refreshed) {
          refreshed = true;
          if ((await remote.refresh()).ok) continue;
        }
        return failed(r.error, r.items);
      }
    }
  }

  const runner = createPassRunner({
    pass,
    closed: () => closed,
    mayRepeat: () => !closed && backoffUntil <= clock.now(),
    crashed: (error) => void failed({ status: 0, code: 'internal', message: error instanceof Error ? error.message : String(error) }, []),
    afterPass: () => options.onChange(),
  });
  const kick = runner.kick;

  return {
    status,
    /** Something changed (a decision was made, a reviewer signed in, the kiosk uploaded an interview): try now,
     *  unless a retry is already scheduled by the backoff. */
    wake(): void {
      if (closed || backoffUntil > clock.now()) return;
      schedule(0);
    },
    /** Try now, ignoring the backoff; resolves when the pass is over. */
    async sendNow(): Promise<void> {
      backoffUntil = 0;
      await kick();
      await runner.current();
    },
    async close(): Promise<void> {
      closed = true;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      await runner.current()?.catch(() => undefined);
    },
  };
}

export type ReviewerUploads = ReturnType<typeof createReviewerUploads>;

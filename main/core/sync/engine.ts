// The sync engine: drains the SQLite outbox into Supabase whenever there is something to send. It wakes on local
// writes (the service's events) and on its own timer, so a failed upload is retried without waiting for the next
// write; nothing about an attempt in flight is persisted, so a kill mid-upload cannot leave the queue stuck (the
// next start simply sends again, and upserts by client UUID make that harmless).
// Planning and error classification are pure (./plan.ts); the clock is injected so tests can compress time.
import { RESUMABLE_THRESHOLD_BYTES } from './resumable';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { backoffDelay, type BackoffPolicy } from '../../../preload/backoff';
import type { SyncState, SyncStatus } from '../../../preload/contract';
import { entryToRemote, evaluationToRemote, recordingObjectName, redeemAnswerSchema, refusalFromCode, remoteInvitationSchema, sessionToRemote } from './mapping';
import type { Outbox } from './outbox';
import {
  classifyError,
  DEFAULT_LIMITS,
  describeError,
  planNext,
  splitBatch,
  SYNC_BACKOFF,
  type BatchLimits,
  type ErrorAction,
  type OutboxItem,
  type PlannedBatch,
  type RemoteError,
} from './plan';
import { pullReferenceData } from './pull';
import type { Remote } from './remote';
import { createPassRunner } from './runner';

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** A clock on which time runs `factor` times faster: timers fire after ms/factor real ms, now() advances to match. */
export function scaledClock(factor: number, base: Clock = systemClock): Clock {
  const t0 = base.now();
  return {
    now: () => t0 + (base.now() - t0) * factor,
    setTimeout: (fn, ms) => base.setTimeout(fn, Math.max(0, ms / factor)),
    clearTimeout: (h) => base.clearTimeout(h),
  };
}

export interface EngineOptions {
  outbox: Outbox;
  /** The backend client when configured and signed in, else null. */
  remote: () => Remote | null;
  /** Configured (URL + key) at all: tells 'not_configured' from 'signed_out'. */
  configured: () => boolean;
  dataDir: string;
  deviceId: () => string;
  clock?: Clock;
  backoff?: BackoffPolicy;
  limits?: BatchLimits;
  random?: () => number;
  /** Pull reference data at most this often while idle (and at start). */
  pullIntervalMs?: number;
  /** Delay between a local write and the upload, so a burst of writes goes in one batch. */
  wakeDelayMs?: number;
  /** Transcript-entry batches in flight at once (default 2). */
  parallel?: number;
  onStatus?: (status: SyncStatus) => void;
  /** Reviewers' decisions, sent apart from the device's rows (./reviewer.ts): shown beside them. */
  reviewerStatus?: () => SyncStatus['reviewer'];
  log?: (line: string) => void;
}

type Outcome = { ok: true } | { ok: false; action: ErrorAction; error: RemoteError; items: readonly OutboxItem[] };
const OK: Outcome = { ok: true };

export function createEngine(options: EngineOptions) {
  const { outbox } = options;
  const clock = options.clock ?? systemClock;
  const policy = options.backoff ?? SYNC_BACKOFF;
  const limits = options.limits ?? DEFAULT_LIMITS;
  const random = options.random ?? Math.random;
  const pullInterval = options.pullIntervalMs ?? 5 * 60_000;
  const wakeDelay = options.wakeDelayMs ?? 50;
  const parallel = Math.max(1, options.parallel ?? 2);
  const log = options.log ?? (() => {});

  let closed = false;
  let timer: unknown = null;
  let timerDue = 0;
  let failures = 0;
  let backoffUntil = 0;
  let state: SyncState = 'idle';
  let lastError: SyncStatus['lastError'] = null;
  let lastSuccessAt: string | null = outbox.state('last_success_at');
  let lastPullAt: string | null = outbox.state('last_pull_at');
  let lastPullMs = 0;
  let pullRequested = true;
  let lastEmit = 0; // real time (Date.now), not the injected clock: throttling is about the UI
  let lastEmittedState: SyncState | null = null;
  const listeners = new Set<(s: SyncStatus) => void>();
  /** Aborted by close(): a resumable upload stops (and continues from the server's offset after the restart). */
  const stopping = new AbortController();
  /** The recording upload in progress, for the operator. */
  let upload: SyncStatus['upload'] = null;

  const iso = (ms: number) => new Date(ms).toISOString();

  function status(): SyncStatus {
    const remote = options.remote();
    return {
      state: !options.configured() ? 'not_configured' : !remote ? 'signed_out' : state,
      configured: options.configured(),
      signedInAs: remote?.signedInAs() ?? null,
      pending: outbox.pendingCount(),
      quarantined: outbox.quarantined(),
      lastSuccessAt,
      lastError,
      nextRetryAt: backoffUntil > clock.now() ? iso(backoffUntil) : null,
      lastPullAt,
      upload,
      reviewer: options.reviewerStatus?.() ?? null,
    };
  }

  let trailing: NodeJS.Timeout | null = null;

  /** Pushes the status: at once on a state change (or when forced), else at most every 250 ms (real time), with a
   *  trailing push so the last state is always seen. */
  function emit(force = false): void {
    const real = Date.now();
    if (!force && state === lastEmittedState && real - lastEmit < 250) {
      if (!trailing) {
        trailing = setTimeout(() => {
          trailing = null;
          if (!closed) emitNow();
        }, 250 - (real - lastEmit));
        trailing.unref?.();
      }
      return;
    }
    emitNow();
  }

  function emitNow(): void {
    if (trailing) clearTimeout(trailing);
    trailing = null;
    lastEmit = Date.now();
    lastEmittedState = state;
    const s = status();
    options.onStatus?.(s);
    for (const l of [...listeners]) l(s);
  }

  function schedule(ms: number): void {
    if (closed) return;
    const due = clock.now() + ms;
    if (timer !== null && timerDue <= due) return;
    if (timer !== null) clock.clearTimeout(timer);
    timerDue = due;
    timer = clock.setTimeout(() => {
      timer = null;
      void kick();
    }, ms);
  }

  function succeeded(): void {
    failures = 0;
    backoffUntil = 0;
    lastSuccessAt = iso(clock.now());
    outbox.setState('last_success_at', lastSuccessAt);
  }

  function failed(error: RemoteError, items: readonly OutboxItem[]): void {
    const message = describeError(error);
    lastError = { message, at: iso(clock.now()) };
    if (items.length) outbox.failed(items, message, error.code);
    if (error.code === 'signed_out' || options.remote() === null) {
      // Needs the operator (sign in again); the queue waits, nothing is dropped.
      state = 'signed_out';
      backoffUntil = 0;
      log(`sync paused: ${message}`);
      emit(true);
      return;
    }
    failures += 1;
    const delay = backoffDelay(failures - 1, policy, random);
    backoffUntil = clock.now() + delay;
    state = 'retrying';
    log(`sync attempt failed (${failures}): ${message}; next try in ${delay} ms`);
    schedule(delay);
    emit(true);
  }

  /** The next batches to send: one, or for transcript entries up to `parallel` disjoint batches sent at once
   *  (independent rows, idempotent upserts), so the kiosk's work overlaps the server's. */
  function nextBatches(skip: ReadonlySet<number>): PlannedBatch[] {
    const items: OutboxItem[] = [];
    for (const kind of ['session', 'invitation_redeem', 'entry', 'evaluation', 'invitation', 'recording'] as const) {
      const many = kind === 'entry' ? limits.rows * parallel : kind === 'session' ? limits.rows : 20;
      items.push(...outbox.candidates(kind, many + skip.size));
      const plan = planNext(items, limits, skip);
      if (!plan) continue;
      if (plan.kind !== 'entry') return [plan];
      const batches = [plan];
      const taken = new Set(plan.items.map((i) => i.id));
      while (batches.length < parallel) {
        const more = planNext(items.filter((i) => !taken.has(i.id)), limits, skip);
        if (!more || more.kind !== 'entry') break;
        for (const i of more.items) taken.add(i.id);
        batches.push(more);
      }
      return batches;
    }
    return [];
  }

  /** Upserts rows; on a permanent error, bisects to quarantine exactly the refused rows. */
  async function sendRows(
    remote: Remote, table: string, items: readonly OutboxItem[], toRow: (item: OutboxItem) => Record<string, unknown> | null,
    confirm: (items: OutboxItem[]) => void = (sent) => outbox.done(sent, clock.now()),
  ): Promise<Outcome> {
    const present: OutboxItem[] = [];
    const rows: Record<string, unknown>[] = [];
    for (const item of items) {
      const row = toRow(item);
      if (row) {
        present.push(item);
        rows.push(row);
      } else outbox.done([item], clock.now()); // the local row is gone: nothing to send
    }
    if (rows.length === 0) return OK;
    const res = await remote.upsert(table, rows);
    if (res.ok) {
      confirm(present);
      return OK;
    }
    const action = classifyError(res.error);
    if (action !== 'quarantine') return { ok: false, action, error: res.error, items: present };
    if (present.length === 1) {
      quarantine(present[0]!, res.error);
      return OK;
    }
    for (const half of splitBatch(present)) {
      const r = await sendRows(remote, table, half, toRow, confirm);
      if (!r.ok) return r;
    }
    return OK;
  }

  function quarantine(item: OutboxItem, error: RemoteError, message = describeError(error)): void {
    if (outbox.quarantine(item, message, error.code, clock.now())) {
      log(`quarantined ${item.kind} ${item.rowId}: ${message}`);
    }
  }

  async function sendOne(remote: Remote, batch: PlannedBatch): Promise<Outcome> {
    const item = batch.items[0]!;
    switch (batch.kind) {
      case 'invitation_redeem': {
        const inv = outbox.invitation(item.rowId);
        if (!inv) return (outbox.done([item], clock.now()), OK);
        if (!inv.pending_code) {
          quarantine(item, { status: 0, code: 'no_code', message: '' }, `Invitation ${inv.id} was redeemed offline here, but its code is no longer on this kiosk to confirm it with the backend.`);
          return OK;
        }
        const res = await remote.rpc('redeem_invitation', { p_token: inv.pending_code, p_device: options.deviceId() });
        if (!res.ok) {
          const action = classifyError(res.error);
          if (action !== 'quarantine') return { ok: false, action, error: res.error, items: [item] };
          const refusal = refusalFromCode(res.error.code);
          quarantine(item, res.error, refusal === 'invitation_used'
            ? `Invitation ${inv.id} was redeemed offline here, but another kiosk had already used it (${res.error.code}).`
            : refusal ? `Invitation ${inv.id} was redeemed offline here, but the backend refused it: ${refusal} (${res.error.code}).`
              : describeError(res.error));
          return OK;
        }
        const parsed = redeemAnswerSchema.safeParse(res.value);
        if (parsed.success && parsed.data.outcome === 'unknown') {
          quarantine(item, { status: 400, code: 'KI404', message: '' }, `Invitation ${inv.id} was redeemed offline here, but the backend does not know its code.`);
          return OK;
        }
        if (!parsed.success || parsed.data.outcome !== 'redeemed' || parsed.data.invitation.id !== inv.id) {
          return { ok: false, action: 'retry', items: [item], error: { status: 200, code: '', badAnswer: true, message: 'redeem_invitation answered with something that is not the invitation row' } };
        }
        outbox.done([item], clock.now());
        outbox.clearPendingCode(inv.id);
        return OK;
      }
      case 'invitation': {
        const inv = outbox.invitation(item.rowId);
        if (!inv || inv.status !== 'completed') return (outbox.done([item], clock.now()), OK);
        // Devices cannot write invitations directly: the RPC sets status and session, for this device's own
        // redemption and session only, and answers the same row again on a repeat.
        const res = await remote.rpc('complete_invitation', { p_invitation: inv.id, p_session: inv.session_id });
        if (!res.ok) {
          const action = classifyError(res.error);
          if (action !== 'quarantine') return { ok: false, action, error: res.error, items: [item] };
          quarantine(item, res.error);
          return OK;
        }
        const parsed = remoteInvitationSchema.safeParse(res.value);
        if (!parsed.success || parsed.data.id !== inv.id || parsed.data.status !== 'completed') {
          return { ok: false, action: 'retry', items: [item], error: { status: 200, code: '', badAnswer: true, message: 'complete_invitation answered with something that is not the completed invitation' } };
        }
        outbox.done([item], clock.now());
        return OK;
      }
      case 'recording': {
        const rec = outbox.recording(item.rowId);
        if (!rec || rec.finalized !== 1) return (outbox.done([item], clock.now()), OK);
        const file = join(options.dataDir, 'recordings', rec.file_name);
        const unreadable = (error: unknown) => {
          quarantine(item, { status: 0, code: 'ENOENT', message: '' }, `The recording file ${rec.file_name} could not be read (${error instanceof Error ? error.message : String(error)}).`);
          return OK;
        };
        let size: number;
        try {
          size = (await stat(file)).size;
        } catch (error) {
          return unreadable(error);
        }
        const name = recordingObjectName(rec.tenant_id, rec.session_id);
        let res: Awaited<ReturnType<Remote['upload']>>;
        if (size > RESUMABLE_THRESHOLD_BYTES) {
          // Large: resumable, streamed from the file; a cut link or a restart continues from the server's offset.
          upload = { sessionId: rec.session_id, sentBytes: outbox.uploads.get(rec.session_id)?.offset ?? 0, totalBytes: size };
          emit(true);
          res = await remote.uploadResumable({
            file, bucket: 'recordings', objectName: name, contentType: 'audio/webm', key: rec.session_id, store: outbox.uploads, signal: stopping.signal,
            onProgress: (sent, total) => {
              upload = { sessionId: rec.session_id, sentBytes: sent, totalBytes: total };
              emit();
            },
          });
          upload = null;
          emit(true);
        } else {
          let body: Buffer;
          try {
            body = await readFile(file);
          } catch (error) {
            return unreadable(error);
          }
          res = await remote.upload('recordings', name, body, 'audio/webm');
        }
        // Recordings are insert-only: "already exists" (409) after a lost answer means our earlier upload landed —
        // only this device may create an object named after its own session.
        if (!res.ok && res.error.code !== '409') {
          const action = classifyError(res.error);
          if (action !== 'quarantine') return { ok: false, action, error: res.error, items: [item] };
          quarantine(item, res.error);
          return OK;
        }
        // Same transaction as the outbox delete is not needed: setting the path re-queues the session row, and a
        // crash between the two only repeats an idempotent upload.
        outbox.setRecordingPath(rec.session_id, name);
        outbox.done([item], clock.now());
        return OK;
      }
      default:
        return OK;
    }
  }

  async function send(remote: Remote, batch: PlannedBatch): Promise<Outcome> {
    switch (batch.kind) {
      case 'session': {
        const provisional = new Set<number>();
        return sendRows(remote, 'interview_sessions', batch.items, (i) => {
          const row = outbox.session(i.rowId);
          if (!row) return null;
          if (i.finished && i.entriesPending) provisional.add(i.id);
          return sessionToRemote(row, provisional.has(i.id));
        }, (sent) => {
          outbox.done(sent.filter((i) => !provisional.has(i.id)), clock.now());
          for (const i of sent) if (provisional.has(i.id)) outbox.sessionOnServer(i.rowId, clock.now());
        });
      }
      case 'entry':
        return sendRows(remote, 'transcript_entries', batch.items, (i) => {
          const row = outbox.entry(i.rowId);
          return row ? entryToRemote(row) : null;
        });
      case 'evaluation':
        return sendRows(remote, 'evaluations', batch.items, (i) => {
          const row = outbox.evaluation(i.rowId);
          return row ? evaluationToRemote(row) : null;
        });
      default:
        return sendOne(remote, batch);
    }
  }

  async function pass(): Promise<void> {
    const remote = options.remote();
    if (!remote) {
      state = 'signed_out';
      emit(true);
      return;
    }
    state = 'syncing';
    emit();
    const token = await remote.ensureToken();
    if (!token.ok) return failed(token.error, []);
    const skip = new Set<number>();
    let refreshedOnce = false;
    while (!closed) {
      const batches = nextBatches(skip);
      if (batches.length === 0) break;
      const outcomes = await Promise.all(batches.map((b) => send(remote, b)));
      const outcome = outcomes.find((o) => !o.ok) ?? OK;
      if (outcome.ok) {
        succeeded();
        emit();
        continue;
      }
      if (outcome.action === 'refresh' && !refreshedOnce) {
        refreshedOnce = true;
        const r = await remote.refresh();
        if (r.ok) continue;
        return failed(r.error, outcome.items);
      }
      return failed(outcome.error, outcome.items);
    }
    if (closed) return;
    const now = clock.now();
    if (pullRequested || now - lastPullMs >= pullInterval) {
      const pulled = await pullReferenceData(outbox.db, outbox, remote);
      if (!pulled.ok) {
        if (classifyError(pulled.error) === 'refresh' && (await remote.refresh()).ok) {
          runner.again();
        } else {
          pullRequested = true;
          return failed({ ...pulled.error, message: `pulling ${pulled.table}: ${pulled.error.message}` }, []);
        }
      } else {
        pullRequested = false;
        lastPullMs = clock.now();
        lastPullAt = iso(lastPullMs);
        outbox.setState('last_pull_at', lastPullAt);
        if (pulled.rows > 0) log(`pulled ${pulled.rows} reference rows`);
        for (const problem of pulled.problems) log(`pulled with a problem: ${problem}`);
      }
    }
    failures = 0;
    backoffUntil = 0;
    state = 'idle';
    lastError = null;
    emit();
    schedule(pullInterval);
  }

  const runner = createPassRunner({
    pass,
    closed: () => closed,
    mayRepeat: () => !closed && backoffUntil <= clock.now(),
    crashed(error) {
      // A bug or a local I/O error must not kill the engine: report it and retry later.
      log(`sync pass crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      try {
        failed({ status: 0, code: 'internal', message: error instanceof Error ? error.message : String(error) }, []);
      } catch {
        // recording the failure failed too (disk, closed database): the timer still retries
      }
    },
  });
  const kick = runner.kick;

  return {
    status,
    /** A local write happened: send soon (unless a retry is already scheduled by backoff). */
    wake(): void {
      if (closed || backoffUntil > clock.now()) return;
      if (runner.again()) return;
      schedule(wakeDelay);
    },
    /** Send now, ignoring backoff; also pull now. Resolves when this pass is over. */
    async syncNow(): Promise<void> {
      backoffUntil = 0;
      pullRequested = true;
      await kick();
      // A pass a timer started as this one ended.
      await runner.current();
    },
    requestPull(): void {
      pullRequested = true;
    },
    start(): void {
      pullRequested = true;
      schedule(0);
    },
    onStatus(listener: (s: SyncStatus) => void): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    notify(): void {
      emit(true);
    },
    /** Stops the engine. Waits a little for a pass in flight. A resumable upload stops at once and continues from
     *  the server's offset at the next start (its URL is kept); a small plain upload is idempotent and starts again. */
    async close(graceMs = 3_000): Promise<void> {
      closed = true;
      stopping.abort();
      if (trailing) clearTimeout(trailing);
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      const inFlight = runner.current();
      if (inFlight) {
        let t: NodeJS.Timeout | undefined;
        await Promise.race([inFlight.catch(() => undefined), new Promise<void>((r) => (t = setTimeout(r, graceMs)))]);
        clearTimeout(t);
      }
    },
  };
}

export type SyncEngine = ReturnType<typeof createEngine>;

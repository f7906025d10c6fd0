// Pure sync logic: how to read a backend error (retry, refresh the token, quarantine the row), the retry schedule
// (exponential backoff with jitter and a cap), and what to send next (ordering and batching). No I/O here; the
// engine (./engine.ts) and the supabase-js shell (./remote.ts) do the talking. The classification follows
// supabase/README.md "Writing (sync engine)".
import type { SyncItemKind } from '../../../preload/contract';
import type { BackoffPolicy } from '../../../preload/backoff';

/** A normalized failure of one backend call. status 0 = no HTTP answer (network error, timeout, bad body). */
export interface RemoteError {
  status: number;
  /** SQLSTATE or PostgREST/GoTrue/Storage code ('23505', 'PGRST303', 'KI409', 'invalid_credentials', '403'…), '' if none. */
  code: string;
  message: string;
  details?: string | null;
  hint?: string | null;
  /** The answer arrived but was not what the API promises (non-JSON body, wrong shape). */
  badAnswer?: boolean;
}

export type ErrorAction =
  /** Transient: try again later with backoff (network, timeouts, 5xx, 429, bad answers, a missing table). */
  | 'retry'
  /** The access token was refused: refresh it, then try again. */
  | 'refresh'
  /** The server refused this row for good: quarantine it, keep the others flowing. */
  | 'quarantine';

const PERMANENT_CODES = new Set([
  '42501', // RLS / privilege
  'PGRST204', // column not found in the payload
  'PGRST116', // singular answer mismatch
  '21000',
  'KI404', 'KI409', 'KI410', // invitation outcomes
]);

/** SQLSTATE classes that are about the data itself (22 data exception, 23 integrity constraint). */
const isDataError = (code: string) => /^2[23][0-9A-Z]{3}$/.test(code);

/** Storage-api sends its real status as a string statusCode in a 400 body. */
const STORAGE_PERMANENT = new Set(['400', '403', '404', '409', '413', '415', 'AccessDenied', 'InvalidKey', 'KeyAlreadyExists', 'EntityTooLarge', 'InvalidMimeType']);

export function classifyError(e: RemoteError): ErrorAction {
  if (e.badAnswer || e.status === 0) return 'retry';
  if (e.status === 401) return 'refresh';
  if (e.code === 'PGRST303' || e.code === 'PGRST301' || /jwt expired/i.test(e.message)) return 'refresh';
  if (e.status === 408 || e.status === 429 || e.status >= 500) return 'retry';
  // A missing table or function is the server's configuration (an unmigrated project), not this row's fault:
  // keep the rows and keep retrying (slowly) with a clear error.
  if (e.status === 404 && (e.code === 'PGRST205' || e.code === 'PGRST202' || e.code === '42P01' || e.code === '42883')) return 'retry';
  if (PERMANENT_CODES.has(e.code) || isDataError(e.code)) return 'quarantine';
  if (e.status === 400 && STORAGE_PERMANENT.has(e.code)) return 'quarantine';
  if (e.status === 400 || e.status === 403 || e.status === 404 || e.status === 409 || e.status === 413 || e.status === 415) {
    // A 4xx with a code we do not know: the server looked at the request and said no. Quarantine (visible,
    // retryable by the operator) rather than hammer it.
    return e.code ? 'quarantine' : e.status === 404 ? 'retry' : 'quarantine';
  }
  return 'retry';
}

/** The operator-facing sentence for an error, with the code for support. */
export function describeError(e: RemoteError): string {
  if (e.badAnswer) return `The backend answered with something that is not a valid Supabase response (${e.message.slice(0, 160)}). Nothing was lost; retrying.`;
  if (e.status === 0) return `The backend could not be reached (${e.message.slice(0, 160)}). Nothing is lost; retrying.`;
  if (e.status === 404 && (e.code === 'PGRST205' || e.code === '42P01')) {
    return `The backend has no such table (${e.code}: ${e.message}). Is the Supabase project migrated? Retrying.`;
  }
  if (e.status === 404 && (e.code === 'PGRST202' || e.code === '42883')) {
    return `The backend has no such function (${e.code}: ${e.message}). Is the Supabase project migrated? Retrying.`;
  }
  const parts = [e.message || `HTTP ${e.status}`];
  if (e.details) parts.push(String(e.details).slice(0, 300));
  return `${parts.join(' — ')} (HTTP ${e.status}${e.code ? `, ${e.code}` : ''})`;
}

/** Sync retries: doubling from 1 s to a minute, "equal" jitter so a fleet of kiosks that lost the network together
 * does not come back in lockstep, and no retry is ever near-immediate. */
export const SYNC_BACKOFF: BackoffPolicy = { stepsMs: [1_000], factor: 2, capMs: 60_000, jitter: [0.5, 1] };

/** One queued row, as the planner sees it. */
export interface OutboxItem {
  id: number;
  kind: SyncItemKind;
  rowId: string;
  sessionId: string | null;
  version: number;
  /** For entries, invitations and recordings: the session row is on the server already. */
  sessionRemote: boolean;
  /** For invitation completions: an offline redemption of the same invitation is still queued. */
  redeemPending?: boolean;
  /** For sessions: finished (completed/failed) locally. */
  finished?: boolean;
  /** For sessions: some of its transcript entries are still queued (not quarantined). */
  entriesPending?: boolean;
}

export interface PlannedBatch {
  kind: SyncItemKind;
  items: OutboxItem[];
}

export interface BatchLimits {
  /** Rows per upsert for sessions and transcript entries. */
  rows: number;
}

export const DEFAULT_LIMITS: BatchLimits = { rows: 500 };

/** Order of kinds: a session before its entries and evaluation (FK), a redemption before its completion, recordings last. */
const KIND_ORDER: readonly SyncItemKind[] = ['session', 'invitation_redeem', 'entry', 'evaluation', 'invitation', 'recording'];

/** Whether an item may be sent now, given what is already on the server. */
export function eligible(item: OutboxItem): boolean {
  switch (item.kind) {
    case 'session':
      // A finished session goes up in its final (frozen) state only after its entries: before that it is sent
      // once, provisionally, so the entries have a row to point at (see sessionToRemote).
      return !(item.finished && item.entriesPending && item.sessionRemote);
    case 'invitation_redeem':
      return true;
    case 'entry':
    case 'evaluation':
    case 'recording':
      return item.sessionRemote;
    case 'invitation':
      return item.sessionRemote && !item.redeemPending;
    case 'override':
    case 'dismissal':
      return false; // reviewers' decisions: sent as the reviewer (./reviewer.ts), never as the device
  }
}

/**
 * The next batch: the first kind (in KIND_ORDER) that has eligible items, up to the limit, oldest first. Rows
 * and RPCs of one kind go together (upserts are multi-row); invitation RPCs and recordings go one at a time.
 * `skip` holds outbox ids already tried in this pass (so a failing item cannot starve the rest).
 */
export function planNext(items: readonly OutboxItem[], limits: BatchLimits = DEFAULT_LIMITS, skip: ReadonlySet<number> = new Set()): PlannedBatch | null {
  for (const kind of KIND_ORDER) {
    const ready = items.filter((i) => i.kind === kind && !skip.has(i.id) && eligible(i)).sort((a, b) => a.id - b.id);
    if (ready.length === 0) continue;
    const max = kind === 'session' || kind === 'entry' ? Math.max(1, limits.rows) : 1;
    return { kind, items: ready.slice(0, max) };
  }
  return null;
}

/** Halves of a batch, for finding the one poison row among many after a permanent error. */
export function splitBatch<T>(items: readonly T[]): [T[], T[]] {
  const mid = Math.ceil(items.length / 2);
  return [items.slice(0, mid), items.slice(mid)];
}

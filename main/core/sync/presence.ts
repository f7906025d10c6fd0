// Kiosk presence: the kiosk's latest state (idle, pre-flight, interviewing with question k, …) kept as ONE
// coalescing row and upserted to `kiosk_status` on every change and on a heartbeat. It runs beside the outbox
// engine, never inside its queue: a presence upload never waits behind transcript batches and a transcript
// batch never waits behind presence. While the backend is unreachable only the latest state is kept (older
// states are worthless to an observer) and it is sent as soon as a try succeeds. Observers judge "offline" by
// `last_seen` (server time) going stale, so the heartbeat is what keeps a quiet kiosk alive.
import type { KioskState, KioskStatusReport } from '../../../preload/contract';
import type { Clock } from './engine';
import type { Remote } from './remote';

export const KIOSK_STATES = ['idle', 'pre_flight', 'interviewing', 'reconnecting', 'paused', 'help_requested', 'finished'] as const satisfies readonly KioskState[];

/** Heartbeat: modest (one small upsert per kiosk every 10 s); observers call a kiosk offline after 3 misses. */
export const PRESENCE_HEARTBEAT_MS = 10_000;
export const PRESENCE_OFFLINE_AFTER_MS = 3 * PRESENCE_HEARTBEAT_MS;

export interface PresenceOptions {
  remote: () => Remote | null;
  clock: Clock;
  label: () => string;
  heartbeatMs?: number;
  /** Where the latest state survives a restart (sync_state). */
  load(): KioskStatusReport | null;
  save(report: KioskStatusReport): void;
  log?: (line: string) => void;
}

/** The row as the backend stores it (supabase/README.md, kiosk_status). Pure. */
export function presenceRow(report: KioskStatusReport, deviceId: string, tenantId: string, label: string): Record<string, unknown> {
  return {
    device_id: deviceId,
    tenant_id: tenantId,
    label,
    state: report.state,
    question: report.state === 'interviewing' ? report.question : null,
    session_id: report.sessionId,
    state_since: report.since,
  };
}

/** The next report after a change; keeps `since` when the state did not really change. Pure. */
export function nextReport(prev: KioskStatusReport, state: KioskState, detail: { question?: number | null; sessionId?: string | null }, nowIso: string): KioskStatusReport {
  const sessionId = detail.sessionId !== undefined ? detail.sessionId : state === 'idle' ? null : prev.sessionId;
  const question = state === 'interviewing' ? (detail.question !== undefined ? detail.question : prev.state === 'interviewing' ? prev.question : null) : null;
  const same = prev.state === state && prev.sessionId === sessionId;
  return { state, question, sessionId, since: same ? prev.since : nowIso };
}

export function createPresence(options: PresenceOptions) {
  const { clock } = options;
  const heartbeat = options.heartbeatMs ?? PRESENCE_HEARTBEAT_MS;
  const log = options.log ?? (() => {});
  let report: KioskStatusReport = options.load() ?? { state: 'idle', question: null, sessionId: null, since: new Date(clock.now()).toISOString() };
  let version = 1;
  let sentVersion = 0;
  let inFlight = false;
  let failures = 0;
  let timer: unknown = null;
  let closed = false;
  let started = false;

  function schedule(ms: number): void {
    if (closed || !started) return;
    if (timer !== null) clock.clearTimeout(timer);
    timer = clock.setTimeout(() => { timer = null; void send(); }, ms);
  }

  async function send(): Promise<void> {
    if (closed || inFlight) return;
    const remote = options.remote();
    const deviceId = remote?.userId() ?? null;
    const tenantId = remote?.tenantId() ?? null;
    if (!remote || !deviceId || !tenantId) { schedule(heartbeat); return; }
    inFlight = true;
    const v = version;
    let ok = false;
    try {
      const token = await remote.ensureToken();
      const res = token.ok
        ? await remote.upsert('kiosk_status', [presenceRow(report, deviceId, tenantId, options.label())], 'device_id')
        : token;
      ok = res.ok;
      if (!res.ok) log(`kiosk status not sent (${res.error.message}); next try soon`);
    } finally {
      inFlight = false;
    }
    if (ok) {
      failures = 0;
      sentVersion = Math.max(sentVersion, v);
      // A change made while this request was in flight goes out now; otherwise the next heartbeat.
      schedule(version > sentVersion ? 0 : heartbeat);
    } else {
      failures += 1;
      schedule(Math.min(heartbeat, 1000 * 2 ** Math.min(failures - 1, 4)));
    }
  }

  return {
    current: (): KioskStatusReport => ({ ...report }),
    /** Set the kiosk's state; sent at once (coalesced with anything already waiting). */
    set(state: KioskState, detail: { question?: number | null; sessionId?: string | null } = {}): KioskStatusReport {
      const next = nextReport(report, state, detail, new Date(clock.now()).toISOString());
      if (next.state === report.state && next.question === report.question && next.sessionId === report.sessionId) return report;
      report = next;
      version += 1;
      options.save(report);
      if (!inFlight) schedule(0);
      return { ...report };
    },
    /** Start reporting (again: report right away, e.g. after a sign-in, instead of at the next heartbeat). */
    start(): void {
      if (closed) return;
      started = true;
      if (!inFlight) schedule(0);
    },
    close(): void {
      closed = true;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    },
  };
}

export type Presence = ReturnType<typeof createPresence>;

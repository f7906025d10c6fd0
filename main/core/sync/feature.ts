// The sync feature as the service sees it: backend settings, device sign-in, the engine, invitations, and the
// KioskApi methods for them. The service wires it in with a few lines (main/core/api/service.ts).
import { KioskError, type BackendView, type ConfigureBackendResult, type InvitationRedemption, type QueueExport, type KioskState, type KioskStatusReport, type SyncStatus } from '../../../preload/contract';
import type { KioskEventEmitter } from '../api/events';
import type { KioskDatabase } from '../db/database';
import { memoryCredentialStore, type CredentialStore } from '../settings/credentials';
import type { SettingsStore } from '../settings/types';
import { createEngine, systemClock, type Clock } from './engine';
import { createPresence, KIOSK_STATES } from './presence';
import { checkInvitationForSession, linkInvitation, redeemInvitation } from './invitations';
import { createRetention } from './retention';
import { createLocalData, planBackendChange, planTenantChange } from './local-data';
import { PULL_TABLES } from './mapping';
import { createOutbox } from './outbox';
import { createReviewerUploads } from './reviewer';
import type { BackoffPolicy } from '../../../preload/backoff';
import { SYNC_BACKOFF, type BatchLimits } from './plan';
import { pullReferenceData } from './pull';
export { anonKeySchema, supabaseUrlSchema } from './validation';
import { createRemote, type Remote } from './remote';

export interface SyncOptions {
  clock?: Clock;
  backoff?: BackoffPolicy;
  limits?: BatchLimits;
  pullIntervalMs?: number;
  wakeDelayMs?: number;
  /** Transcript-entry batches in flight at once. */
  parallel?: number;
  requestTimeoutMs?: number;
  uploadTimeoutMs?: number;
  random?: () => number;
  /** Do not start the engine with the service (tests that drive it by hand). */
  manual?: boolean;
  /** How often retention looks for uploaded interviews to delete locally (default RETENTION_SWEEP_MS). */
  retentionSweepMs?: number;
  /** Kiosk-status heartbeat (default PRESENCE_HEARTBEAT_MS). */
  presenceHeartbeatMs?: number;
}

export interface SyncFeatureDeps {
  db: KioskDatabase;
  dataDir: string;
  settings: SettingsStore;
  credentials?: CredentialStore;
  events: KioskEventEmitter;
  fetch?: typeof fetch;
  log?: (line: string) => void;
  options?: SyncOptions;
  /** Storage problems shown beside the sync state (see KioskServiceDeps.storageNotices). */
  storageNotices?: () => { message: string; at: string }[];
  /** The signed-in reviewer (the room view's sign-in with role 'reviewer'), who uploads reviewers' decisions. */
  reviewer?: () => Remote | null;
}

export function createSyncFeature(deps: SyncFeatureDeps) {
  const { db } = deps;
  const log = deps.log ?? (() => {});
  const opts = deps.options ?? {};
  const credentials = deps.credentials ?? memoryCredentialStore();
  const outbox = createOutbox(db);
  const local = createLocalData(db, deps.dataDir);
  const now = () => (opts.clock ?? { now: Date.now }).now();
  let remote: Remote | null = null;
  let remoteKey = '';

  function configured(): boolean {
    const s = deps.settings.get();
    return Boolean(s.supabaseUrl && s.supabaseAnonKey);
  }

  /** The client for the configured project (kept while URL and key stay the same). */
  function client(): Remote | null {
    const s = deps.settings.get();
    if (!s.supabaseUrl || !s.supabaseAnonKey) return null;
    const key = `${s.supabaseUrl}\n${s.supabaseAnonKey}`;
    if (!remote || remoteKey !== key) {
      remote = createRemote({
        url: s.supabaseUrl,
        anonKey: s.supabaseAnonKey,
        credentials,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
        ...(opts.requestTimeoutMs ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
        ...(opts.uploadTimeoutMs ? { uploadTimeoutMs: opts.uploadTimeoutMs } : {}),
        now,
        log,
      });
      remoteKey = key;
    }
    return remote;
  }

  /** The client when configured and signed in to that project. */
  function signedIn(): Remote | null {
    const r = client();
    return r && r.signedInAs() ? r : null;
  }

  const reviewerUploads = createReviewerUploads({
    outbox,
    reviewer: deps.reviewer ?? (() => null),
    clock: opts.clock ?? systemClock,
    backoff: opts.backoff ?? SYNC_BACKOFF,
    ...(opts.random ? { random: opts.random } : {}),
    onChange: () => engine.notify(),
    log,
  });
  let lastSuccess: string | null = null;
  const engine = createEngine({
    outbox,
    reviewerStatus: () => reviewerUploads.status(),
    remote: signedIn,
    configured,
    dataDir: deps.dataDir,
    deviceId: () => outbox.deviceId(),
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.backoff ? { backoff: opts.backoff } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(opts.random ? { random: opts.random } : {}),
    ...(opts.pullIntervalMs ? { pullIntervalMs: opts.pullIntervalMs } : {}),
    ...(opts.wakeDelayMs !== undefined ? { wakeDelayMs: opts.wakeDelayMs } : {}),
    ...(opts.parallel ? { parallel: opts.parallel } : {}),
    onStatus: (s) => {
      // The device uploaded something: decisions waiting for their interview may go now.
      if (s.lastSuccessAt !== lastSuccess && s.reviewer?.pending) reviewerUploads.wake();
      lastSuccess = s.lastSuccessAt;
      deps.events.emit('sync', s);
    },
    log,
  });

  const retention = createRetention({
    db, dataDir: deps.dataDir, settings: deps.settings, clock: opts.clock ?? systemClock, log,
    ...(opts.retentionSweepMs ? { intervalMs: opts.retentionSweepMs } : {}),
  });

  const presence = createPresence({
    remote: signedIn,
    clock: opts.clock ?? systemClock,
    label: () => client()?.signedInAs() ?? '',
    ...(opts.presenceHeartbeatMs ? { heartbeatMs: opts.presenceHeartbeatMs } : {}),
    load: () => {
      const raw = outbox.state('kiosk_status');
      try { return raw ? (JSON.parse(raw) as KioskStatusReport) : null; } catch { return null; }
    },
    save: (report) => outbox.setState('kiosk_status', JSON.stringify(report)),
    log,
  });

  /** Interview states follow the session and its transcript: started → interviewing (question k = the questions
   *  asked so far, as the candidate's progress counts them: main/core/interview/transcript.ts questionsAsked, sent
   *  with every transcript change), ended → finished. A state someone set on purpose (help requested, paused,
   *  reconnecting) is not overwritten by routine session updates. */
  const HELD: readonly KioskState[] = ['reconnecting', 'paused', 'help_requested'];
  function followSession(sessionId: string, status: string): void {
    const now = presence.current();
    if (status === 'in_progress') {
      if (now.sessionId === sessionId && (now.state === 'interviewing' || HELD.includes(now.state))) return;
      presence.set('interviewing', { sessionId, question: now.sessionId === sessionId ? now.question : null });
    } else if ((status === 'completed' || status === 'failed') && now.sessionId === sessionId) {
      presence.set('finished', { sessionId });
    }
  }

  // Every local write emits one of these; the engine sends soon after (its own events are 'sync', not these).
  const unsubscribe = [
    deps.events.on('transcript', ({ sessionId, entries, progress }) => {
      engine.wake();
      const now = presence.current();
      if (!progress || now.state !== 'interviewing' || now.sessionId !== sessionId || !entries.some((e) => e.speaker === 'interviewer')) return;
      const asked = progress.asked;
      if (asked > 0 && asked !== now.question) presence.set('interviewing', { sessionId, question: asked });
    }),
    deps.events.on('session', (session) => {
      engine.wake();
      followSession(session.id, session.status);
    }),
    deps.events.on('review', () => { // an evaluation, an override or a dismissal was stored
      engine.wake();
      reviewerUploads.wake();
    }),
  ];

  async function pullNow(): Promise<void> {
    const r = signedIn();
    if (!r) return;
    const auth = await r.ensureToken();
    if (!auth.ok) throw new Error(auth.error.message);
    const res = await pullReferenceData(db, outbox, r);
    if (!res.ok) throw new Error(res.error.message);
    for (const problem of res.problems) log(`pulled with a problem: ${problem}`);
  }

  const status = (): SyncStatus => {
    const notices = deps.storageNotices?.() ?? [];
    return notices.length ? { ...engine.status(), storageNotices: notices } : engine.status();
  };

  const api = {
    async getSyncStatus(): Promise<SyncStatus> {
      return status();
    },

    async syncNow(): Promise<SyncStatus> {
      await engine.syncNow();
      await reviewerUploads.sendNow();
      return status();
    },

    async configureBackend({ supabaseUrl, anonKey, queued }: { supabaseUrl: string; anonKey: string; queued?: 'keep' | 'discard' }): Promise<ConfigureBackendResult> {
      const url = supabaseUrl.replace(/\/+$/, '');
      const before = deps.settings.get();
      const plan = planBackendChange({ sameProject: before.supabaseUrl === url, queue: local.queue(), choice: queued, exported: local.exported() });
      if (plan.action === 'refuse') throw new KioskError('conflict', plan.message);
      if (plan.action === 'ask') return { applied: false, queued: plan.queued, status: status() };
      if (before.supabaseUrl !== url) {
        // Another project: the device tokens and the pull cursors belong to the old one.
        credentials.clear();
        db.transaction(() => {
          if (plan.discardQueue) log(`backend moved: ${local.discardQueue()} exported rows dropped from the queue`);
          for (const t of PULL_TABLES) db.prepare('DELETE FROM sync_state WHERE key = ?').run(`pull:${t}`);
          // Sessions with rows still queued must reach the new project before those rows (FK): send them again.
          const waiting = db.prepare(`SELECT DISTINCT session_id FROM sync_outbox WHERE session_id IS NOT NULL AND kind <> 'session'`).pluck().all() as string[];
          for (const id of waiting) {
            db.prepare('UPDATE interview_sessions SET remote_at = NULL WHERE id = ?').run(id);
            outbox.enqueue('session', id, id, now());
          }
        })();
      }
      deps.settings.update({ supabaseUrl: url, supabaseAnonKey: anonKey });
      engine.requestPull();
      engine.notify();
      return { applied: true, queued: null, status: status() };
    },

    async exportQueue(): Promise<QueueExport> {
      const done = local.exportQueue(now());
      log(`queue exported (${done.counts.total} rows, ${done.files} files)`);
      return done;
    },

    async signInDevice({ email, password }: { email: string; password: string }): Promise<SyncStatus> {
      const r = client();
      if (!r) throw new KioskError('not_configured', 'Set the Supabase URL and anon key first.');
      // The kiosk serves the signed-in device's tenant: another tenant's data goes first, but never unsent rows.
      const res = await r.signIn(email, password, ({ tenantId }) => {
        const change = planTenantChange({ newTenant: tenantId, localTenants: local.localTenants(), queue: local.queue(), exported: local.exported() });
        if (change.action === 'refuse') return change.message;
        if (change.action === 'wipe') {
          const wiped = local.wipeTenants(change.tenants);
          log(`tenant changed: removed ${wiped.sessions} interviews and ${wiped.files} recordings of the previous tenant from this kiosk`);
        }
        return null;
      });
      if (!res.ok) {
        if (res.error.code === 'refused_locally') throw new KioskError('conflict', res.error.message);
        if (res.error.status === 0 || res.error.status >= 500 || res.error.badAnswer) {
          throw new KioskError('backend_unavailable', `The backend could not be reached to sign in (${res.error.message}). Check the URL and the network.`);
        }
        throw new KioskError('backend_auth_failed', `The backend did not accept this device sign-in: ${res.error.message}.`);
      }
      if (!res.value.tenantId) {
        log(`device user ${email} has no app_metadata.tenant_id; its requests will see no data`);
      }
      log(`device signed in as ${email}`);
      presence.start();
      // Pull reference data right away so the setup screen has the company's candidates and positions.
      await engine.syncNow();
      return status();
    },

    async signOutDevice(): Promise<SyncStatus> {
      const r = client();
      if (r) await r.signOut();
      else credentials.clear();
      engine.notify();
      return status();
    },

    async retryQuarantined(request?: { ids?: number[] }): Promise<SyncStatus> {
      const n = outbox.retryQuarantined(request?.ids);
      log(`operator put ${n} quarantined rows back in the queue`);
      await engine.syncNow();
      return status();
    },

    async redeemInvitation({ code }: { code: string }): Promise<InvitationRedemption> {
      const redemption = await redeemInvitation({
        db, outbox, remote: signedIn(), configured: configured(), deviceId: outbox.deviceId(), now, pull: pullNow, log,
      }, code);
      engine.wake();
      return redemption;
    },

    async reportKioskState({ state }: { state: 'idle' | 'pre_flight' }): Promise<KioskStatusReport> {
      return presence.set(state, state === 'idle' ? { sessionId: null } : {});
    },
  };

  /**
   * Set the kiosk's state for the room view (help requested, paused, reconnecting, …). The one main-side entry
   * for other features; sent at once and kept (coalesced) while the backend is unreachable.
   */
  function setKioskState(state: KioskState, detail: { question?: number | null; sessionId?: string | null } = {}): KioskStatusReport {
    if (!KIOSK_STATES.includes(state)) throw new KioskError('invalid_request', `Unknown kiosk state "${String(state)}".`);
    return presence.set(state, detail);
  }

  return {
    api,
    outbox,
    engine,
    retention,
    reviewerUploads,
    configured,
    deviceId: () => outbox.deviceId(),
    setKioskState,
    kioskStatus: () => presence.current(),
    backendView(): BackendView {
      const s = deps.settings.get();
      return { url: s.supabaseUrl ?? null, configured: configured(), signedInAs: client()?.signedInAs() ?? null };
    },
    /** createSession({ invitationId }): checked before the session is inserted. */
    checkInvitation(invitationId: string, candidateId: string, positionId: string): void {
      checkInvitationForSession(outbox, db, outbox.deviceId(), invitationId, candidateId, positionId);
    },
    /** The tenant of the device the kiosk is signed in as (null when signed out or the token names none). */
    signedInTenant(): string | null {
      const r = client();
      return r && r.signedInAs() ? r.tenantId() : null;
    },
    /** Called in the same transaction as the session insert. */
    linkInvitation(invitationId: string, sessionId: string): void {
      linkInvitation(db, invitationId, sessionId);
    },
    start(): void {
      if (opts.manual) return;
      try {
        retention.sweep();
      } catch (error) {
        log(`retention sweep failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      retention.start();
      if (configured()) {
        engine.start();
        presence.start();
        reviewerUploads.wake(); // says in the status what the decisions left queued wait for
      }
    },
    async close(): Promise<void> {
      for (const u of unsubscribe) u();
      retention.close();
      presence.close();
      await reviewerUploads.close();
      await engine.close();
    },
  };
}

export type SyncFeature = ReturnType<typeof createSyncFeature>;

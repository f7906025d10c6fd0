// The one implementation of KioskApi. Plain Node: SQLite, settings and secrets behind interfaces, the Realtime
// signalling, the transcript reducer and the recorder. The bindings reach it only through `dispatch`.
import { randomUUID } from 'node:crypto';
import {
  KioskError,
  type CallAction,
  type EndInterviewRequest,
  type KioskApi,
  type RealtimeEventReport,
  type RecordingChunk,
  type SessionSummary,
  type SettingsPatch,
  type SettingsView,
  type SetupData,
  type StartCallRequest,
  type StartCallResult,
  type TranscriptEntryView,
} from '../../../preload/contract';
import type { KioskDatabase } from '../db/database';
import { seedDemoData } from '../db/seed';
import { createStore, sessionView, type SessionRow } from '../db/store';
import { buildSessionConfig, openingEvents } from '../realtime/session-config';
import { createCall, hangupCall } from '../realtime/signalling';
import { createRecorder } from '../recording/recorder';
import type { SecretStore, SettingsStore } from '../settings/types';
import { setOpenAIKeyForCurrentOrigin, updateSettingsKeepingKeyBound, usableOpenAIKey } from '../settings/key-binding';
import { entryIdFor } from '../transcript/ids';
import {
  createTranscriptState,
  finalizeAll,
  orderedEntries,
  reduceTranscript,
  withCall,
  type ReducerEntry,
  type TranscriptState,
} from '../transcript/reducer';
import { createDispatcher, type Dispatch } from './dispatch';
import { loadEmulator, practiceEmulator, type EmulatorHandleLike, type EmulatorOptionsLike, type StartEmulatorFn } from './emulator';
import { createEventEmitter, type KioskEventEmitter } from './events';
import type { CredentialStore } from '../settings/credentials';
import { createSyncFeature, type SyncFeature, type SyncOptions } from '../sync/feature';
import { guardAdminMethods } from '../operator/gate';
import { createEvaluationFeature, type EvaluationFeature, type EvaluationOptions } from '../evaluation/feature';
import { DEFAULT_EVALUATION_MODEL } from '../evaluation/model';
import { createOperatorLock, type LockRecordStore, type ScryptParams } from '../operator/lock';
import { fileLockRecordStore } from '../operator/store';
import { buildResumeContext } from '../recovery/context';
import { findResumableSession, REALTIME_SESSION_LIMIT_MS, rolloverAfterMs, type RecoveryOptions } from '../recovery/policy';

export interface KioskServiceDeps {
  db: KioskDatabase;
  /** Where recordings go (<dataDir>/recordings). */
  dataDir: string;
  settings: SettingsStore;
  secrets: SecretStore;
  /** A backend (Supabase) is configured: then reference data comes from it and no demo data is seeded. */
  backendConfigured?: boolean;
  /** Options for the practice-mode emulator (tests: userTranscripts, faults, candidates). */
  emulator?: Partial<EmulatorOptionsLike>;
  startEmulator?: StartEmulatorFn;
  fetch?: typeof fetch;
  now?: () => number;
  log?: (line: string) => void;
  /** Device credentials for the backend (Electron: safeStorage; web host: a 0600 file). Default: memory. */
  credentials?: CredentialStore;
  /** Sync engine options (tests: a compressed clock, small batches, short timeouts). */
  sync?: SyncOptions;
  /** fetch for the Supabase client only (tests inject faults here). Default: `fetch`. */
  backendFetch?: typeof fetch;
  /** Kiosk mode: the admin screens stay closed until an operator PIN is chosen (recruiter mode: open until then). */
  kioskMode?: boolean;
  /** Where the operator-lock record is kept. Default: <dataDir>/operator-lock.json (0600). */
  operatorLock?: LockRecordStore;
  /** scrypt cost for the PIN hash (tests use a cheap one). */
  operatorScrypt?: ScryptParams;
  /** What an operator quit does (Electron: exit with the operator exit code; web host: close). Called after the
   * reply is on its way. Without it, quitApp answers not_configured. */
  onQuit?: () => void;
  /** Reconnect/rollover/resume tuning (main/core/recovery): session limit, rollover margin, backoff scale. */
  recovery?: RecoveryOptions;
  /** Evaluation job timing (tests: short backoff) or manual start. */
  evaluation?: EvaluationOptions;
  /** Electron: the focused window as PDF (report export). */
  printToPdf?: () => Promise<Uint8Array>;
}

export interface KioskService extends KioskApi {
  readonly events: KioskEventEmitter;
  readonly dispatch: Dispatch;
  /** The sync engine, outbox and backend settings (main/core/sync). */
  readonly sync: SyncFeature;
  /** Evaluations, the review workspace and the recording's media URLs (main/core/evaluation). */
  readonly evaluation: EvaluationFeature;
  /** The practice emulator, once started. */
  emulator(): EmulatorHandleLike | null;
  /** Starts the practice emulator now instead of at the first practice call (tests set faults on it first). */
  startEmulator(): Promise<EmulatorHandleLike>;
  close(): Promise<void>;
}

interface LiveCall {
  id: string;
  baseUrl: string;
  apiKey: string;
}

interface LiveSession {
  transcript: TranscriptState;
  finishRequested: boolean;
  call: LiveCall | null;
}

const toView = (e: ReducerEntry, synced = false): TranscriptEntryView => ({
  id: e.id, itemId: e.itemId, seq: e.seq, speaker: e.speaker, text: e.text, startMs: e.startMs, status: e.status, saved: true, synced,
});

export function createKioskService(deps: KioskServiceDeps): KioskService {
  const store = createStore(deps.db);
  const now = deps.now ?? Date.now;
  const log = deps.log ?? (() => {});
  const events = createEventEmitter((error) => log(`event listener failed: ${String(error)}`));
  const recorder = createRecorder(store, deps.dataDir, now);
  const practice = practiceEmulator(deps.startEmulator ?? loadEmulator, deps.emulator);
  const live = new Map<string, LiveSession>();
  const pendingHangups = new Set<Promise<unknown>>();
  const operator = createOperatorLock({
    store: deps.operatorLock ?? fileLockRecordStore(deps.dataDir, { log }),
    kioskMode: deps.kioskMode ?? false,
    now,
    ...(deps.operatorScrypt ? { scrypt: deps.operatorScrypt } : {}),
  });

  const sync = createSyncFeature({
    db: deps.db, dataDir: deps.dataDir, settings: deps.settings, events, log,
    ...(deps.credentials ? { credentials: deps.credentials } : {}),
    ...(deps.backendFetch ? { fetch: deps.backendFetch } : {}),
    ...(deps.sync ? { options: deps.sync } : {}),
  });

  if (!(deps.backendConfigured ?? sync.configured()) && seedDemoData(deps.db)) log('seeded the built-in demo data (no backend configured)');

  function settingsView(): SettingsView {
    const s = deps.settings.get();
    const hasKey = usableOpenAIKey(deps.secrets, deps.settings) !== null;
    return {
      practiceMode: s.practiceMode ?? !hasKey,
      openaiBaseUrl: s.openaiBaseUrl,
      model: s.model,
      voice: s.voice,
      hasOpenAIKey: hasKey,
      secretStorage: deps.secrets.kind,
      backend: sync.backendView(),
    };
  }

  function requireSession(sessionId: string): SessionRow {
    const row = store.session(sessionId);
    if (!row) throw new KioskError('not_found', `There is no interview session ${sessionId} on this kiosk.`);
    return row;
  }

  function emitSession(sessionId: string): void {
    const row = store.session(sessionId);
    if (row) events.emit('session', sessionView(row));
  }

  /** The in-memory reducer state of a session; rebuilt from SQLite after a restart. */
  function liveFor(row: SessionRow): LiveSession {
    let s = live.get(row.id);
    if (!s) {
      const calls = store.calls(row);
      s = {
        transcript: createTranscriptState({
          sessionId: row.id,
          interviewStartMs: row.start_time ? Date.parse(row.start_time) : null,
          callOffsetMs: calls.at(-1)?.offsetMs ?? 0,
          existing: store.reducerEntries(row.id),
        }),
        finishRequested: false,
        call: null,
      };
      live.set(row.id, s);
    }
    return s;
  }

  function persist(sessionId: string, changed: ReducerEntry[]): void {
    if (changed.length === 0) return;
    store.writeEntries(sessionId, changed); // one transaction, committed before the event says saved
    events.emit('transcript', { sessionId, entries: changed.map((e) => toView(e)) });
  }

  function summary(sessionId: string): SessionSummary {
    const row = requireSession(sessionId);
    const rec = store.recording(sessionId);
    const start = row.start_time ? Date.parse(row.start_time) : null;
    const end = row.end_time ? Date.parse(row.end_time) : null;
    return {
      session: sessionView(row),
      entries: store.entries(sessionId),
      durationMs: start !== null && end !== null ? Math.max(0, end - start) : null,
      recording: rec ? { bytes: rec.bytes, finalized: rec.finalized === 1 } : null,
    };
  }

  async function realtimeTarget(): Promise<{ baseUrl: string; apiKey: string }> {
    const view = settingsView();
    if (view.practiceMode) {
      try {
        return await practice.ensure();
      } catch (error) {
        log(`practice emulator failed to start: ${String(error)}`);
        throw new KioskError('realtime_unavailable', 'The practice-mode interviewer could not be started on this machine.');
      }
    }
    const apiKey = usableOpenAIKey(deps.secrets, deps.settings);
    if (!apiKey) {
      throw new KioskError('not_configured', 'No OpenAI API key is set. Add one in Settings, or switch on practice mode.');
    }
    return { baseUrl: view.openaiBaseUrl, apiKey };
  }

  function hangupQuietly(call: LiveCall): void {
    const p = hangupCall({ baseUrl: call.baseUrl, apiKey: call.apiKey, ...(deps.fetch ? { fetch: deps.fetch } : {}) }, call.id)
      .then((ok) => void (ok || log(`hangup of ${call.id} was not acknowledged (the call ends with the peer connection anyway)`)))
      .catch((error: unknown) => log(`hangup of ${call.id} failed: ${String(error)}`))
      .finally(() => pendingHangups.delete(p));
    pendingHangups.add(p);
  }

  const evaluation = createEvaluationFeature({
    db: deps.db, store, events, summary, log,
    recordingFile: (sessionId) => recorder.fileFor(sessionId),
    async target() {
      const view = settingsView();
      if (view.practiceMode) {
        try {
          return { ...(await practice.ensure()), model: DEFAULT_EVALUATION_MODEL };
        } catch (error) {
          return { unavailable: `The practice-mode evaluator could not be started (${String(error)}).` };
        }
      }
      const apiKey = usableOpenAIKey(deps.secrets, deps.settings);
      if (!apiKey) return { unavailable: 'No OpenAI API key is set; the evaluation waits until one is.' };
      return { baseUrl: view.openaiBaseUrl, apiKey, model: DEFAULT_EVALUATION_MODEL, ...(deps.fetch ? { fetch: deps.fetch } : {}) };
    },
    ...(deps.printToPdf ? { printToPdf: deps.printToPdf } : {}),
    ...(deps.evaluation ? { options: deps.evaluation } : {}),
    now,
  });

  const api: KioskApi = {
    async getSettings() {
      return settingsView();
    },

    async updateSettings(patch: SettingsPatch) {
      const { keyRemoved } = updateSettingsKeepingKeyBound(deps.secrets, deps.settings, patch);
      if (keyRemoved) log('the OpenAI base URL moved to another origin: the key was removed; enter it again for the new origin');
      return settingsView();
    },

    async setOpenAIKey({ key }) {
      setOpenAIKeyForCurrentOrigin(deps.secrets, deps.settings, key);
      return settingsView();
    },

    async clearOpenAIKey() {
      deps.secrets.clearOpenAIKey();
      return settingsView();
    },

    async getSetupData(): Promise<SetupData> {
      const tenant = store.tenant();
      if (!tenant) {
        throw new KioskError('not_configured', 'This kiosk has no company data yet. Connect it to the backend, or start without one for the demo data.');
      }
      return {
        tenant: { id: tenant.id, name: tenant.name, values: tenant.values },
        candidates: store.candidates(tenant.id),
        positions: store.positions(tenant.id),
        demo: tenant.demo,
      };
    },

    async createSession({ candidateId, positionId, recordingConsent, invitationId }) {
      const candidate = store.candidate(candidateId);
      if (!candidate) throw new KioskError('not_found', `There is no candidate ${candidateId} on this kiosk.`);
      const position = store.position(positionId);
      if (!position) throw new KioskError('not_found', `There is no position ${positionId} on this kiosk.`);
      if (candidate.tenantId !== position.tenantId) {
        throw new KioskError('conflict', 'The candidate and the position belong to different companies.');
      }
      if (invitationId) sync.checkInvitation(invitationId, candidateId, positionId);
      const id = randomUUID();
      deps.db.transaction(() => {
        store.insertSession({ id, tenantId: position.tenantId, candidateId, positionId, recordingConsent });
        if (invitationId) sync.linkInvitation(invitationId, id);
      })();
      const view = sessionView(store.session(id)!);
      events.emit('session', view);
      return view;
    },

    async startCall({ sessionId, offerSdp, reason }: StartCallRequest): Promise<StartCallResult> {
      const row = requireSession(sessionId);
      if (row.status === 'completed' || row.status === 'failed') {
        throw new KioskError('conflict', `This interview is already ${row.status}; start a new one from the setup screen.`);
      }
      const position = store.position(row.position_id);
      const tenant = store.tenantById(row.tenant_id);
      if (!position || !tenant) throw new KioskError('not_found', 'The position or company of this interview is missing on this kiosk.');
      const settings = settingsView();
      const config = buildSessionConfig(position, tenant, { model: settings.model, voice: settings.voice });
      const target = await realtimeTarget();
      const { callId, answerSdp } = await createCall(
        { ...target, ...(deps.fetch ? { fetch: deps.fetch } : {}) },
        offerSdp,
        config,
      );

      // Re-read: the row may have changed while the request was in flight.
      const current = requireSession(sessionId);
      const startedAtMs = current.start_time ? Date.parse(current.start_time) : now();
      const at = new Date(now()).toISOString();
      const calls = [...store.calls(current), { id: callId, startedAt: at, offsetMs: Math.max(0, now() - startedAtMs) }];
      store.updateSession(current, {
        status: 'in_progress',
        startTime: current.start_time ?? new Date(startedAtMs).toISOString(),
        calls,
        reason: 'call started',
      });
      const s = liveFor(current);
      // A call after the first one continues the interview: what the last call left unfinished ends here (it
      // will get no more events), and the new call gets the context back from the local transcript.
      const earlier = s.call;
      const resumeFrom = calls.length > 1 || Object.keys(s.transcript.entries).length > 0;
      let opening = openingEvents();
      let resumed = false;
      if (resumeFrom) {
        const finalized = finalizeAll(s.transcript, entryIdFor);
        persist(sessionId, finalized.changed);
        s.transcript = finalized.state;
        const history = orderedEntries(s.transcript);
        if (history.some((e) => e.text.trim().length > 0)) {
          const why = reason === 'rollover' || reason === 'restart' ? reason : reason === 'reconnect' ? 'reconnect' : earlier ? 'reconnect' : 'restart';
          const context = buildResumeContext(history, {
            callIndex: calls.length - 1,
            reason: why,
            ...(deps.recovery?.verbatimTurns !== undefined ? { verbatimTurns: deps.recovery.verbatimTurns } : {}),
          });
          opening = context.events;
          resumed = true;
          log(`call ${callId} resumes session ${sessionId} (${why}): ${context.verbatim} turns verbatim, ${context.summarised} summarised`);
        }
      }
      s.transcript = withCall(s.transcript, startedAtMs, calls.at(-1)!.offsetMs);
      s.call = { id: callId, ...target };
      if (earlier && earlier.id !== callId) hangupQuietly(earlier); // a dropped call may still be alive server-side
      emitSession(sessionId);
      const limit = deps.recovery?.sessionLimitMs ?? (settings.practiceMode ? deps.emulator?.sessionLimitMs : undefined) ?? REALTIME_SESSION_LIMIT_MS;
      return {
        callId,
        answerSdp,
        openingEvents: opening,
        resumed,
        rolloverAfterMs: rolloverAfterMs(limit, deps.recovery?.rolloverMarginMs),
        reconnectDelayScale: deps.recovery?.reconnectDelayScale ?? 1,
      };
    },

    async reportRealtimeEvent({ sessionId, direction, event }: RealtimeEventReport) {
      // No await before the write: events are applied in the order they arrive.
      const row = requireSession(sessionId);
      if (row.status === 'scheduled') {
        throw new KioskError('conflict', 'Realtime events arrived for an interview whose call has not started.');
      }
      if (row.status !== 'in_progress') return { actions: [] }; // late events after the end change nothing
      const s = liveFor(row);
      const result = reduceTranscript(s.transcript, event, now(), entryIdFor, direction);
      persist(sessionId, result.changed);
      s.transcript = result.state;
      const actions: CallAction[] = [];
      if (result.endSession && !s.finishRequested) {
        s.finishRequested = true;
        actions.push({ kind: 'finish', reason: 'end_session' });
      }
      return { actions };
    },

    async appendRecordingChunk({ sessionId, seq, data }: RecordingChunk) {
      const row = requireSession(sessionId);
      if (!row.recording_consent) {
        throw new KioskError('conflict', 'The candidate did not consent to recording, so no audio is stored for this interview.');
      }
      if (row.status === 'scheduled') throw new KioskError('conflict', 'Recording chunks arrived before the interview started.');
      return recorder.append(sessionId, seq, data);
    },

    async endInterview({ sessionId, reason }: EndInterviewRequest) {
      const row = requireSession(sessionId);
      if (row.status === 'completed' || row.status === 'failed') return summary(sessionId); // idempotent
      const s = liveFor(row);
      const finalized = finalizeAll(s.transcript, entryIdFor);
      persist(sessionId, finalized.changed);
      s.transcript = finalized.state;
      recorder.finalize(sessionId);
      const status = reason === 'error' || row.status === 'scheduled' ? 'failed' : 'completed';
      deps.db.transaction(() => {
        store.updateSession(row, {
          status,
          endTime: new Date(now()).toISOString(),
          reason: row.status === 'scheduled' ? 'ended before the call started' : `ended: ${reason}`,
        });
        // The evaluation is queued with the end itself, so no ended interview can miss it.
        if (row.status !== 'scheduled') evaluation.enqueue(sessionId);
      })();
      evaluation.wake();
      if (s.call) {
        const call = s.call;
        s.call = null;
        hangupQuietly(call);
      }
      live.delete(sessionId);
      emitSession(sessionId);
      return summary(sessionId);
    },

    async getSessionSummary({ sessionId }) {
      return summary(sessionId);
    },

    async getResumableSession() {
      const id = findResumableSession(deps.db);
      const row = id ? store.session(id) : null;
      return row ? sessionView(row) : null;
    },

    ...sync.api,
    ...evaluation.api,

    async getOperatorLockState() {
      return operator.state();
    },

    async unlockOperator({ pin }) {
      return operator.unlock(pin);
    },

    async setOperatorPin(request) {
      return operator.setPin(request);
    },

    async lockOperator() {
      return operator.lock();
    },

    async quitApp() {
      const onQuit = deps.onQuit;
      if (!onQuit) throw new KioskError('not_configured', 'This host cannot be quit from the kiosk screen.');
      log('operator quit requested');
      setImmediate(onQuit); // after the reply has been handed to the binding
      return { quitting: true as const };
    },
  };
  guardAdminMethods(api, operator);

  const dispatch = createDispatcher(api, { log });
  evaluation.start(); // jobs the last run left queued, retrying or cut off
  sync.start(); // a configured, signed-in kiosk drains what the last run left in the queue
  return {
    ...api,
    events,
    dispatch,
    sync,
    evaluation,
    emulator: () => practice.handle(),
    async startEmulator() {
      await practice.ensure();
      return practice.handle()!;
    },
    async close() {
      await Promise.allSettled([...pendingHangups]);
      await evaluation.close();
      recorder.closeAll();
      await practice.close();
      await sync.close();
    },
  };
}

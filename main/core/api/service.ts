// The KioskApi, composed from its feature modules: settings/, interview/ (sessions, calls, transcript
// durability, recording, ending), sync/, evaluation/, room/ (the live room view) and operator/. Each owns its slice of the api; this file only
// wires them together and hands the whole to the dispatcher. The bindings reach it only through `dispatch`.
import type { KioskApi } from '../../../preload/contract';
import type { KioskDatabase } from '../db/database';
import { seedDemoData } from '../db/seed';
import { createStore } from '../db/store';
import { join } from 'node:path';
import { createEvaluationFeature, type EvaluationFeature, type EvaluationOptions } from '../evaluation/feature';
import { evaluationTarget } from '../evaluation/target';
import { createCandidateFeature } from '../candidate/feature';
import { controlLimits } from '../interview/controls';
import { createInterviewFeature } from '../interview/feature';
import { createSessions } from '../interview/sessions';
import { createOperatorFeature } from '../operator/feature';
import type { LockRecordStore, ScryptParams } from '../operator/lock';
import { createTargetResolver } from '../realtime/target';
import { createRecorder } from '../recording/recorder';
import { createRoomFeature, type RoomFeature } from '../room/feature';
import { createPulledCache } from '../evaluation/pulled';
import type { RecoveryOptions } from '../recovery/policy';
import type { CredentialStore } from '../settings/credentials';
import { createSettingsFeature } from '../settings/feature';
import type { SecretStore, SettingsStore } from '../settings/types';
import { createSyncFeature, type SyncFeature, type SyncOptions } from '../sync/feature';
import { createDispatcher, type Dispatch } from './dispatch';
import { practiceEmulator, type EmulatorHandleLike, type EmulatorOptionsLike, type StartEmulatorFn } from './emulator';
import { createEventEmitter, type KioskEventEmitter } from './events';

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
  /** Starts the practice emulator (the hosts pass main/simulator/lazy.ts); without it practice mode is unavailable. */
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
  /** Re-read overlap of a reviewer's pull from the backend (default 60 s; tests of the cursor use 0). */
  reviewerPullOverlapMs?: number;
  /** Room view: a kiosk is shown offline when its last report is older than this (default: 3 missed heartbeats). */
  roomOfflineAfterMs?: number;
  /** A packaged (Electron) build: the OpenAI key goes only to listed https Realtime hosts (main/core/realtime/hosts.ts). */
  packaged?: boolean;
  /** Kiosk mode: the admin screens stay closed until an operator PIN is chosen (recruiter mode: open until then). */
  kioskMode?: boolean;
  /** Kiosk mode: how long a candidate's summary stays readable after the end (default 30 s). */
  kioskSummaryMs?: number;
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
  /** What the operator must be told about storage at start-up, in words (a salvaged damaged database). */
  storageNotices?: { message: string; at: string }[];
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
  /** The live room view (observer sign-in, kiosk status, followed transcript; main/core/room). */
  readonly room: RoomFeature;
  /** The practice emulator, once started. */
  emulator(): EmulatorHandleLike | null;
  /** Starts the practice emulator now instead of at the first practice call (tests set faults on it first). */
  startEmulator(): Promise<EmulatorHandleLike>;
  close(): Promise<void>;
}

export function createKioskService(deps: KioskServiceDeps): KioskService {
  const store = createStore(deps.db);
  const now = deps.now ?? Date.now;
  const log = deps.log ?? (() => {});
  const events = createEventEmitter((error) => log(`event listener failed: ${String(error)}`));
  const recorder = createRecorder(store, deps.dataDir, now);
  const practice = practiceEmulator(deps.startEmulator, deps.emulator);
  const storageNotices = [...(deps.storageNotices ?? [])];
  for (const n of storageNotices) log(`storage: ${n.message}`);

  const sync = createSyncFeature({
    db: deps.db, dataDir: deps.dataDir, settings: deps.settings, events, log,
    ...(deps.credentials ? { credentials: deps.credentials } : {}),
    ...(deps.backendFetch ? { fetch: deps.backendFetch } : {}),
    ...(deps.sync ? { options: deps.sync } : {}),
    storageNotices: () => storageNotices,
    reviewer: () => room.reviewer(),
  });
  if (!(deps.backendConfigured ?? sync.configured()) && seedDemoData(deps.db)) log('seeded the built-in demo data (no backend configured)');

  const settings = createSettingsFeature({ settings: deps.settings, secrets: deps.secrets, backendView: () => sync.backendView(), log, packaged: deps.packaged ?? false });
  const targets = createTargetResolver({ view: settings.view, apiKey: settings.usableKey, hostProblem: settings.hostProblem, practice, log });
  const operator = createOperatorFeature({
    dataDir: deps.dataDir, kioskMode: deps.kioskMode ?? false, now, log,
    ...(deps.operatorLock ? { store: deps.operatorLock } : {}),
    ...(deps.operatorScrypt ? { scrypt: deps.operatorScrypt } : {}),
    ...(deps.onQuit ? { onQuit: deps.onQuit } : {}),
    ...(deps.kioskSummaryMs ? { summaryMs: deps.kioskSummaryMs } : {}),
    interruptedSessionOf: (invitationId) => store.interruptedSessionOf(invitationId),
  });
  // Interviews a signed-in reviewer pulls from the backend, apart from this kiosk's own (never queued for upload).
  const pulled = createPulledCache(deps.db, join(deps.dataDir, 'pulled-recordings'));
  const room = createRoomFeature({
    settings: deps.settings, events, log, pulled,
    ...(deps.reviewerPullOverlapMs !== undefined ? { pullOverlapMs: deps.reviewerPullOverlapMs } : {}),
    ...(deps.backendFetch ? { fetch: deps.backendFetch } : {}),
    ...(deps.roomOfflineAfterMs ? { offlineAfterMs: deps.roomOfflineAfterMs } : {}),
    onReviewerChange: () => sync.reviewerUploads.wake(),
  });
  const sessions = createSessions({ db: deps.db, store, events, invitations: sync, kioskMode: deps.kioskMode ?? false });
  const evaluation = createEvaluationFeature({
    db: deps.db, store, events, summary: sessions.summary, log,
    recordingFile: (sessionId) => recorder.fileFor(sessionId),
    pulled, pulledRecording: (sessionId) => room.pulledRecording(sessionId),
    target: evaluationTarget(targets, deps.fetch),
    ...(deps.printToPdf ? { printToPdf: deps.printToPdf } : {}),
    ...(deps.evaluation ? { options: deps.evaluation } : {}),
    now,
  });
  const candidate = createCandidateFeature({ db: deps.db, store, log });
  const interview = createInterviewFeature({
    db: deps.db, store, events, sessions, recorder, targets, settings: settings.view, now, log,
    notices: candidate.notices,
    controlLimits: () => controlLimits(settings.view()),
    setKioskState: (state, detail) => void sync.setKioskState(state, detail),
    afterEnd: { enqueue: (sessionId) => evaluation.enqueue(sessionId), wake: () => evaluation.wake() },
    ...(deps.recovery ? { recovery: deps.recovery } : {}),
    ...(deps.emulator?.sessionLimitMs !== undefined ? { practiceSessionLimitMs: deps.emulator.sessionLimitMs } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });

  const api: KioskApi = {
    authorizeCandidate: () => Promise.reject(new Error('replaced by operator.guard')),
    ...settings.api,
    ...candidate.api,
    ...interview.api,
    ...sync.api,
    ...evaluation.api,
    ...operator.api,
    ...room.api,
  };
  operator.guard(api);

  const dispatch = createDispatcher(api, { log });
  evaluation.start(); // jobs the last run left queued, retrying or cut off
  sync.start(); // a configured, signed-in kiosk drains what the last run left in the queue
  return {
    ...api,
    events,
    dispatch,
    sync,
    evaluation,
    room,
    emulator: () => practice.handle(),
    async startEmulator() {
      await practice.ensure();
      return practice.handle()!;
    },
    async close() {
      await interview.close();
      await evaluation.close();
      recorder.closeAll();
      await practice.close();
      await room.close();
      await sync.close();
    },
  };
}

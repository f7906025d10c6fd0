// The interview feature: sessions (sessions.ts), calls and their resume policy (calls.ts), transcript ingestion
// and durability (transcript.ts), the recording (recording.ts) and ending (ending.ts), composed into its slice
// of KioskApi.
import type { CandidateControlLimits, KioskSlice, KioskState, SettingsView } from '../../../preload/contract';
import type { NoticeStore } from '../candidate/notices';
import type { KioskEventEmitter } from '../api/events';
import type { KioskDatabase } from '../db/database';
import type { KioskStore } from '../db/store';
import type { TargetResolver } from '../realtime/target';
import type { createRecorder } from '../recording/recorder';
import type { RecoveryOptions } from '../recovery/policy';
import { createCalls } from './calls';
import { createControls } from './controls';
import { createEnding } from './ending';
import { createRecordingIntake } from './recording';
import type { Sessions } from './sessions';
import { createTranscripts } from './transcript';

export interface InterviewFeatureDeps {
  db: KioskDatabase;
  store: KioskStore;
  events: KioskEventEmitter;
  sessions: Sessions;
  recorder: ReturnType<typeof createRecorder>;
  targets: TargetResolver;
  settings: () => Pick<SettingsView, 'practiceMode' | 'model' | 'voice'> & Partial<Pick<SettingsView, 'audioProfile' | 'transcriptionModel'>>;
  afterEnd: { enqueue(sessionId: string): void; wake(): void };
  recovery?: RecoveryOptions;
  practiceSessionLimitMs?: number;
  fetch?: typeof fetch;
  now: () => number;
  log: (line: string) => void;
  /** Operator notices (a candidate's request for help). */
  notices: NoticeStore;
  /** The limits of the candidate's controls, from the settings. */
  controlLimits: () => CandidateControlLimits;
  /** The room view's kiosk state (help requested, paused). */
  setKioskState?: (state: KioskState, detail: { question?: number | null; sessionId?: string | null }) => void;
}

export type InterviewMethod =
  | 'getSetupData' | 'createSession' | 'getSessionSummary' | 'getResumableSession'
  | 'startCall' | 'reportRealtimeEvent' | 'candidateControl' | 'appendRecordingChunk' | 'endInterview';

export function createInterviewFeature(deps: InterviewFeatureDeps) {
  const { sessions } = deps;
  const transcripts = createTranscripts({
    store: deps.store, events: deps.events, sessions, now: deps.now, log: deps.log,
    expectedQuestions: () => deps.controlLimits().expectedQuestions,
    ...(deps.recovery?.rolloverMarginMs !== undefined ? { rolloverMarginMs: deps.recovery.rolloverMarginMs } : {}),
  });
  const controls = createControls({
    db: deps.db, sessions, transcripts, notices: deps.notices, limits: deps.controlLimits, now: deps.now, log: deps.log,
    ...(deps.setKioskState ? { setKioskState: deps.setKioskState } : {}),
  });
  const calls = createCalls({
    store: deps.store, sessions, transcripts, targets: deps.targets, settings: deps.settings, now: deps.now, log: deps.log,
    controlLimits: deps.controlLimits,
    holdOf: (sessionId) => controls.holdOf(sessionId),
    ...(deps.recovery ? { recovery: deps.recovery } : {}),
    ...(deps.practiceSessionLimitMs !== undefined ? { practiceSessionLimitMs: deps.practiceSessionLimitMs } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const recording = createRecordingIntake({ sessions, recorder: deps.recorder, now: deps.now });
  const ending = createEnding({
    db: deps.db, store: deps.store, sessions, transcripts, calls, recorder: deps.recorder, afterEnd: deps.afterEnd, now: deps.now,
  });

  const api: KioskSlice<InterviewMethod> = {
    ...sessions.api,
    ...calls.api,
    ...transcripts.api,
    ...controls.api,
    ...recording.api,
    ...ending.api,
  };

  return {
    api,
    async close() {
      await calls.settle();
    },
  };
}

export type InterviewFeature = ReturnType<typeof createInterviewFeature>;

// The one contract between the main process and the renderer.
//
// The renderer only ever sees `KioskApi`: in Electron it is `window.kiosk`, exposed by the preload over IPC;
// under the web host it is the same interface carried over a WebSocket. Main implements it once
// (main/core/api) and validates every payload it receives. This file holds types and constant names only,
// so that main, preload and renderer can all import it.

export type Speaker = 'interviewer' | 'candidate';

export type Voice = 'alloy' | 'ash' | 'ballad' | 'coral' | 'echo' | 'sage' | 'shimmer' | 'verse' | 'marin' | 'cedar';
export const VOICES: readonly Voice[] = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'sage', 'shimmer', 'verse', 'marin', 'cedar'];

/** What the operator may see of the settings. The OpenAI key is never in here, only whether one is set. */
export interface SettingsView {
  /** Practice mode talks to the built-in emulator; live mode to `openaiBaseUrl` with the stored key. */
  practiceMode: boolean;
  openaiBaseUrl: string;
  model: string;
  /** The model that transcribes the candidate's speech (audio.input.transcription.model). */
  transcriptionModel: string;
  /** The models offered in the settings lists (the operator may also type another name). */
  modelChoices: { realtime: string[]; transcription: string[] };
  voice: Voice;
  /** The kiosk's microphone setup: 'headset' (near-field noise reduction) or 'speakers' (far-field). */
  audioProfile: 'headset' | 'speakers';
  /** The stored model was replaced because OpenAI announced its shutdown (the words name model and date). */
  modelNotice?: string;
  hasOpenAIKey: boolean;
  /** Where the key is kept: 'safeStorage' (Electron, encrypted) or 'plaintext-file' (web host, 0600 file). */
  secretStorage: 'safeStorage' | 'plaintext-file';
  /** Where the key may go: the built-in Realtime hosts, the operator's additions, and whether the list is enforced
   * (packaged builds; elsewhere any https host, or http to this machine). Absent on older hosts. */
  realtimeHosts?: { builtIn: string[]; extra: string[]; enforced: boolean };
  /** Days an interview's transcript and recording stay on this kiosk after the backend confirmed them (1–365). */
  retentionDays?: number;
  /** The Supabase backend (never the anon key, the password or any token). Absent on older hosts. */
  backend?: BackendView;
  /** What the candidate is told before the interview: who sees the results, and how long they are kept. */
  disclosure: DisclosureSettings;
  /** The candidate's controls during the interview. Absent on older hosts. */
  candidateControls?: CandidateControlSettings;
}

/** Seconds: a break's longest length; the silence after a question before "Still there?"; the further silence
 * before the interviewer checks in aloud (and again before the interview pauses). */
export interface CandidateControlSettings {
  breakLimitSec: number;
  stillThereAfterSec: number;
  checkInAfterSec: number;
}

export interface DisclosureSettings {
  /** Who sees the results, in the operator's words (e.g. "the hiring team at Acme"); empty = the company's hiring team. */
  resultsAudience: string;
  /** Days the recording, transcript and results are kept. */
  retentionDays: number;
}

/**
 * What the candidate was shown and chose before the microphone opened. `noticeVersion` names the notice text
 * (renderer/i18n: the `disclosure` section, versioned); `language` the language it was shown in; `at` when the
 * candidate chose (ISO time, the kiosk's clock).
 */
export interface ConsentRecord {
  noticeVersion: string;
  language: string;
  choices: { aiInterviewer: boolean; recording: boolean };
  at: string;
}

/** Something the kiosk's operator must see: a candidate declined the interview, or asked for help. */
export interface OperatorNotice {
  id: string;
  kind: 'declined' | 'help';
  candidateName: string;
  positionTitle: string;
  sessionId: string | null;
  at: string;
  /** A request for help: when the candidate went on (null while it is open). */
  resolvedAt?: string | null;
}

export interface BackendView {
  /** The Supabase project URL, null when none is set. */
  url: string | null;
  /** A URL and an anon key are set. */
  configured: boolean;
  /** The device user's email while signed in (a refresh token is stored), else null. */
  signedInAs: string | null;
}

export interface SettingsPatch {
  practiceMode?: boolean;
  openaiBaseUrl?: string;
  model?: string;
  transcriptionModel?: string;
  voice?: Voice;
  disclosure?: Partial<DisclosureSettings>;
  audioProfile?: 'headset' | 'speakers';
  /** 1–365: days the kiosk keeps an interview's transcript and recording after their upload was confirmed. */
  retentionDays?: number;
  /** Replaces the operator's additions to the Realtime host list (host names, optional port). */
  realtimeHosts?: string[];
  candidateControls?: Partial<CandidateControlSettings>;
}

export interface TenantView {
  id: string;
  name: string;
  values: string;
}

export interface CandidateView {
  id: string;
  name: string;
  email: string | null;
}

export interface PositionView {
  id: string;
  title: string;
  description: string;
  competencies: string[];
  /** ISO-639-1 code of the interview's language, when the position sets one (transcription `language`). */
  language: string | null;
  /** How the end of the candidate's turn is found; null = the kiosk's default (semantic, low eagerness). */
  turnDetection: TurnDetectionMode | null;
  /** Who the AI interviewer is for this position; null = the default persona (unnamed, the kiosk's voice). */
  persona: InterviewerPersona | null;
}

/** How the interviewer addresses the candidate. */
export const FORMALITIES = ['formal', 'neutral', 'casual'] as const;
export type Formality = (typeof FORMALITIES)[number];

/** How to say a name or term aloud (the model reads it from the instructions). */
export interface PronunciationHint {
  term: string;
  sayAs: string;
}

/**
 * The AI interviewer of a position: a display name (always shown and said together with the fact that it is an
 * AI), the Realtime voice (null = the kiosk's voice setting), how formally it speaks, the introduction it opens
 * with and the closing words it ends with (null = its own), and how to pronounce names and terms.
 */
export interface InterviewerPersona {
  name: string;
  voice: Voice | null;
  formality: Formality;
  intro: string | null;
  outro: string | null;
  pronunciation: PronunciationHint[];
}

/** Turn detection a position may choose: semantic VAD at an eagerness, or server VAD (a fixed silence). */
export const TURN_DETECTION_MODES = ['semantic_low', 'semantic_medium', 'semantic_high', 'server_vad'] as const;
export type TurnDetectionMode = (typeof TURN_DETECTION_MODES)[number];

/**
 * How many leading entries (in seq order) of an interview with a warm-up are the warm-up: everything before the
 * interviewer's first line after the candidate's first answer (the greeting with the warm-up question, and the
 * answer to it, however many turns it took). Kept in the record and shown marked; never evaluated.
 */
export function warmUpEntryCount(entries: readonly { speaker: Speaker }[]): number {
  const firstAnswer = entries.findIndex((e) => e.speaker === 'candidate');
  if (firstAnswer < 0) return entries.length;
  const assessedStart = entries.findIndex((e, i) => i > firstAnswer && e.speaker === 'interviewer');
  return assessedStart < 0 ? entries.length : assessedStart;
}

export interface SetupData {
  tenant: TenantView;
  candidates: CandidateView[];
  positions: PositionView[];
  /** True when the data is the built-in demo data (no backend configured). */
  demo: boolean;
}

export type SessionStatus = 'scheduled' | 'in_progress' | 'completed' | 'failed';

/** What a kiosk tells the room (observers) it is doing; "offline" is judged by observers from a missed heartbeat. */
export type KioskState = 'idle' | 'pre_flight' | 'interviewing' | 'reconnecting' | 'paused' | 'help_requested' | 'finished';

/** One kiosk as the room view shows it (from the backend's kiosk_status). */
export interface RoomKioskView {
  deviceId: string;
  label: string;
  state: KioskState;
  question: number | null;
  sessionId: string | null;
  since: string;
  /** Server time of the kiosk's latest report; the view calls the kiosk offline when it is older than offlineAfterMs. */
  lastSeen: string;
}

/** The live room as an observer (or reviewer) sees it. */
export interface RoomView {
  /** The observer signed in (email), or null. */
  signedInAs: string | null;
  /** The live connection is up and subscribed (false while it reconnects; the list may then be stale). */
  live: boolean;
  kiosks: RoomKioskView[];
  offlineAfterMs: number;
  /** Why the room is not live, in words (sign-in refused, backend unreachable, not an observer). */
  problem: string | null;
}

/** One transcript entry as an observer follows it (ordered by seq, then id). */
export interface RoomEntryView {
  id: string;
  seq: number;
  speaker: Speaker;
  text: string;
  status: EntryStatus;
}

export interface RoomTranscriptView {
  sessionId: string;
  entries: RoomEntryView[];
  /** The interview opens with an unscored warm-up question (see warmUpEntryCount): its lines are marked. */
  warmUp: boolean;
}

/** The kiosk's latest state as reported to the backend (one coalescing row, not a log). */
export interface KioskStatusReport {
  state: KioskState;
  /** 1-based question number while interviewing, else null. */
  question: number | null;
  sessionId: string | null;
  /** When this state began (ISO, kiosk clock). */
  since: string;
}

export interface SessionView {
  id: string;
  candidateId: string;
  positionId: string;
  candidateName: string;
  positionTitle: string;
  status: SessionStatus;
  recordingConsent: boolean;
  /** ISO-8601 times, null until they happen. */
  startedAt: string | null;
  endedAt: string | null;
  /** Extra time (an accommodation): slower pace, a longer silence before the candidate's turn ends. */
  extraTime: boolean;
  /** Who chose it; null without extra time (or from before who chose was recorded). */
  extraTimeBy: ExtraTimeChooser | null;
  /** The interview opens with an unscored warm-up question (see warmUpEntryCount). */
  warmUp: boolean;
  /** The AI interviewer's display name for this interview (the position's persona when it was created); null =
   * unnamed. Always shown together with the fact that it is an AI. */
  interviewerName: string | null;
}

export type EntryStatus = 'in_progress' | 'final' | 'failed';

/** Extra time is chosen by the operator at setup or asked for by the candidate at pre-flight. */
export const EXTRA_TIME_CHOOSERS = ['operator', 'candidate'] as const;
export type ExtraTimeChooser = (typeof EXTRA_TIME_CHOOSERS)[number];

/** Questions the interviewer has asked so far (its lines, not counting answers to the candidate's controls). */
export interface InterviewProgress {
  asked: number;
  expected: number;
}

export interface TranscriptEntryView {
  /** Client-generated UUID, the row's identity everywhere (SQLite, Supabase). */
  id: string;
  /** The Realtime conversation item this entry is for. */
  itemId: string;
  /** Position in conversation order (0-based), from previous_item_id links, not arrival. */
  seq: number;
  speaker: Speaker;
  text: string;
  /** Milliseconds from the interview's start; null while unknown. */
  startMs: number | null;
  status: EntryStatus;
  /** Committed to SQLite in its current form. */
  saved: boolean;
  /** Uploaded to the backend (always false without one). */
  synced: boolean;
  /** The candidate typed this answer instead of speaking it. */
  typed?: boolean;
}

export interface SessionSummary {
  session: SessionView;
  /** Empty on a kiosk's candidate screen (kiosk mode): the next person must not read it; `counts` instead. */
  entries: TranscriptEntryView[];
  durationMs: number | null;
  /** startOffsetMs: the recording's time 0 in interview time (see RecordingChunk); null when not reported. */
  recording: { bytes: number; finalized: boolean; startOffsetMs: number | null } | null;
  /** Kiosk mode: how many entries there are and how many are saved (the transcript itself is not sent). */
  counts?: { entries: number; saved: number };
  /** Kiosk mode: main forgets this summary this long after the end; the screen returns to the welcome first. */
  clearAfterMs?: number;
}

/** A Realtime client event main asks the renderer to send on the data channel, as-is. */
export type RealtimeClientEvent = { type: string } & Record<string, unknown>;

export interface StartCallRequest {
  sessionId: string;
  offerSdp: string;
  /** Why this call starts: the first call, a reconnect after a drop, a rollover before the session limit, or
   * resuming after the kiosk restarted. Main restores the context the same way for all but 'start'. Default 'start'. */
  reason?: CallStartReason;
}

export type CallStartReason = 'start' | 'reconnect' | 'rollover' | 'restart';

export interface StartCallResult {
  callId: string;
  answerSdp: string;
  /** Send these, in order, once the data channel is open and `session.created` has arrived. */
  openingEvents: RealtimeClientEvent[];
  /** The interview already had turns: openingEvents replay them (bounded) with a note that it resumes. */
  resumed?: boolean;
  /** Start the next call (rollover) this long after this one connects, at a quiet moment; null/absent = never. */
  rolloverAfterMs?: number | null;
  /** The candidate's controls in effect (limits from the settings); absent on older hosts. */
  controls?: CandidateControlLimits;
  /** What the interview waits for (help, a break) as main recorded it: a call after a restart picks it up. */
  hold?: InterviewHold;
  /** The interview's start (ISO; transcript start_ms count from it): the recorder's start offset is measured from it. */
  interviewStartedAt?: string;
}

/** Limits of the candidate's in-interview controls (operator settings). */
export interface CandidateControlLimits {
  /** A break ends by itself after this long, with a spoken check-in. */
  breakLimitMs: number;
  /** Silence after an interviewer question before "Still there?" is shown (only after the first exchange). */
  stillThereAfterMs: number;
  /** Further silence after "Still there?" before the interviewer checks in aloud, and again before the pause. */
  checkInAfterMs: number;
  /** Longest typed answer, in characters. */
  maxTypedChars: number;
  /** About how many questions the interview has (the interviewer is told the same), for "question k of about n". */
  expectedQuestions: number;
}

/** Longest typed answer (characters): a few minutes of speech. The contract's limit, checked by main. */
export const MAX_TYPED_ANSWER_CHARS = 2000;

/**
 * What the candidate does with the interview's controls. Main records it, tells the operator or the room when
 * that is due, and answers with the events to send on the call (a note to the interviewer as a conversation item,
 * then a bare response.create).
 * - repeat: say the last question again;
 * - typed: an answer typed instead of spoken (a user text item; stored as the candidate's entry, marked typed);
 * - help: the operator is called, the interviewer is told to wait (the microphone is paused by the screen);
 * - break: a pause (microphone paused, the interviewer told), at most breakLimitMs;
 * - resume: on after help or a break, by the candidate's button, or at the break's limit (a spoken check-in);
 * - still_there: the screen asked "Still there?" after a silence; still_here: the candidate answered it;
 * - check_in: still silent, the interviewer checks in aloud (the screen pauses if the silence goes on).
 */
export type CandidateControl =
  | { kind: 'repeat' }
  | { kind: 'typed'; text: string }
  | { kind: 'help' }
  | { kind: 'break'; by: 'button' | 'silence' }
  | { kind: 'resume'; by: 'button' | 'limit' }
  | { kind: 'still_there' }
  | { kind: 'still_here' }
  | { kind: 'check_in' };

export interface CandidateControlRequest {
  sessionId: string;
  control: CandidateControl;
}

/** What the interview is waiting for, as main holds it (the screen shows it; the room view gets it as the state). */
export type InterviewHold = 'none' | 'help' | 'break';

export interface CandidateControlResult {
  actions: CallAction[];
  hold: InterviewHold;
  /** The typed answer's transcript entry (as saved). */
  entry?: TranscriptEntryView;
}

/** What main wants the renderer to do after seeing an event. */
export type CallAction =
  /** Send this event on the call (after `afterMs`, e.g. a retried turn's backoff; skipped if the call changed). */
  | { kind: 'send'; event: RealtimeClientEvent; afterMs?: number }
  /** Finish the interview once the interviewer has finished speaking (the model called end_session). */
  | { kind: 'finish'; reason: 'end_session' }
  /** Tell the operator (the interview's message list). */
  | { kind: 'notice'; level: 'info' | 'error'; message: string }
  /** Roll this call over `afterMs` from now (from the session's announced expires_at; never later than planned). */
  | { kind: 'rollover'; afterMs: number };

export interface RealtimeEventReport {
  sessionId: string;
  /** 'server' = received on the data channel; 'client' = sent by the renderer. */
  direction: 'server' | 'client';
  /** The event exactly as it crossed the data channel (parsed JSON). */
  event: { type: string } & Record<string, unknown>;
  /** performance.now()-style milliseconds when the renderer saw it; optional, for latency figures. */
  receivedAt?: number;
}

export interface RecordingChunk {
  sessionId: string;
  /** 0, 1, 2, …: chunks are appended in order; a repeated seq is ignored, a gap is an error. */
  seq: number;
  data: Uint8Array;
  /** With chunk 0 only: when the MediaRecorder started, in ms after the interview start (StartCallResult
   * .interviewStartedAt). The recording's time 0 is that much after the transcript's start_ms 0. */
  startOffsetMs?: number;
}

export type EndReason = 'operator' | 'end_session' | 'error';

export interface EndInterviewRequest {
  sessionId: string;
  reason: EndReason;
}

// ---------------------------------------------------------------- the contract table
//
// Every request the renderer can make, in one table: its request type, its response type, and whether it needs
// the operator (PIN). KioskApi, KIOSK_METHODS and the operator gate (main/core/operator/gate.ts) are derived
// from it; main's zod schemas (main/core/api/schemas.ts) are keyed by it and checked against its request types
// in both directions. Each method returns a Promise; failures reject with a KioskError.

export interface CreateSessionRequest {
  candidateId: string;
  positionId: string;
  recordingConsent: boolean;
  /** From redeemInvitation: links the session to the invitation, which is completed with it. */
  invitationId?: string;
  /** Kiosk mode without an invitation: the operator's one-time ticket from authorizeCandidate. */
  operatorTicket?: string;
  /** The disclosure the candidate accepted; stored with the session and synced. */
  consent?: ConsentRecord;
  /** Extra time, chosen by the operator at setup or asked for by the candidate before the interview. */
  extraTime?: boolean;
  /** Who chose the extra time (only with extraTime; absent = the candidate). Kiosk mode: 'operator' only with the
   *  operator's ticket that carries that choice (authorizeCandidate with extraTime). */
  extraTimeBy?: ExtraTimeChooser;
  /** An unscored warm-up question first; absent = on in kiosk mode, off otherwise. */
  warmUp?: boolean;
}
export interface DeclineInterviewRequest {
  candidateId: string;
  positionId: string;
  noticeVersion: string;
  language: string;
  /** Kiosk mode: what let this candidate reach the disclosure, as for createSession (a redeemed invitation, or the
   * operator's one-time ticket, which declining uses up). */
  invitationId?: string;
  operatorTicket?: string;
}
export interface AuthorizeCandidateRequest {
  candidateId: string;
  positionId: string;
  /** The operator chose extra time for this candidate: the session started with the ticket has it. */
  extraTime?: boolean;
}
export interface OperatorTicket {
  /** One use, for this candidate and position, within a few minutes. */
  ticket: string;
}
export interface SetOpenAIKeyRequest {
  key: string;
}
export interface SessionRef {
  sessionId: string;
}
export interface ConfigureBackendRequest {
  supabaseUrl: string;
  anonKey: string;
  /** Another project while rows are still queued for the current one: 'keep' sends them to the new backend,
   * 'discard' drops them (only after exportQueue covered them). Without it the answer asks (applied: false). */
  queued?: 'keep' | 'discard';
}

/** Rows waiting for the backend, quarantined ones included. */
export interface QueueCounts {
  total: number;
  byKind: Partial<Record<SyncItemKind, number>>;
  /** Of total, refused by the backend and kept for a retry. */
  quarantined: number;
}

export interface ConfigureBackendResult {
  /** The backend settings were saved. False: nothing changed, the operator must choose what happens to `queued`. */
  applied: boolean;
  /** The rows still queued for the current backend, when the answer asks (applied: false); else null. */
  queued: QueueCounts | null;
  status: SyncStatus;
}

/** The queue written to the kiosk's disk for the operator to take away (exportQueue). */
export interface QueueExport {
  /** The folder on this machine holding queue.json and the queued interviews' recordings (owner-only). */
  directory: string;
  at: string;
  counts: QueueCounts;
  files: number;
}
export interface SignInDeviceRequest {
  email: string;
  password: string;
}
export interface RetryQuarantinedRequest {
  /** Outbox ids; absent = every quarantined row. */
  ids?: number[];
}
export interface RedeemInvitationRequest {
  code: string;
}
export interface UnlockOperatorRequest {
  pin: string;
}
export interface SetOperatorPinRequest {
  /** Required to change a PIN; absent when choosing the first one. */
  currentPin?: string;
  newPin: string;
}
export interface RecordingChunkAck {
  bytes: number;
}
export interface ReportResult {
  actions: CallAction[];
}
export interface QuitResult {
  quitting: true;
}
export interface DismissSessionRequest {
  sessionId: string;
  reason: string;
}
export interface ReportPdf {
  pdf: Uint8Array;
}
export interface FollowSessionRequest {
  sessionId: string | null;
}
export interface ReportKioskStateRequest {
  state: 'idle' | 'pre_flight';
}

/** One row of the contract table. `request`/`response` carry types only (always undefined at run time). */
export interface MethodSpec<Req, Res, Operator extends boolean> {
  /** Needs the operator unlocked (main refuses with operator_locked otherwise). */
  readonly operator: Operator;
  readonly request?: Req;
  readonly response?: Res;
}
/** `undefined` as a request type: the method takes no argument. */
type None = undefined;
const open = <Req, Res>(): MethodSpec<Req, Res, false> => ({ operator: false });
const admin = <Req, Res>(): MethodSpec<Req, Res, true> => ({ operator: true });

export const KIOSK_CONTRACT = {
  getSettings: open<None, SettingsView>(),
  updateSettings: admin<SettingsPatch, SettingsView>(),
  /** Set or replace the OpenAI key. It can never be read back. */
  setOpenAIKey: admin<SetOpenAIKeyRequest, SettingsView>(),
  clearOpenAIKey: admin<None, SettingsView>(),

  /** Kiosk mode: no candidates unless the operator is unlocked (a walk-up sees nobody's name or email). */
  getSetupData: open<None, SetupData>(),
  /** Kiosk mode: needs a redeemed invitation or an operator ticket (main/core/operator/kiosk-entry.ts). */
  createSession: open<CreateSessionRequest, SessionView>(),
  /** The candidate chose not to be interviewed: no session is created; the operator gets a notice. */
  declineInterview: open<DeclineInterviewRequest, OperatorNotice>(),
  /** Notices for the operator (declined interviews, requests for help), newest first. */
  getOperatorNotices: admin<None, OperatorNotice[]>(),
  /** Kiosk mode: the operator chooses a candidate behind the PIN; the ticket lets that one interview start. */
  authorizeCandidate: admin<AuthorizeCandidateRequest, OperatorTicket>(),

  /** Main builds the session config, does the SDP exchange with the key, keeps the call id. */
  startCall: open<StartCallRequest, StartCallResult>(),
  reportRealtimeEvent: open<RealtimeEventReport, ReportResult>(),
  /** The candidate's controls during the interview (repeat, typed answer, help, break, "Still there?"). */
  candidateControl: open<CandidateControlRequest, CandidateControlResult>(),
  appendRecordingChunk: open<RecordingChunk, RecordingChunkAck>(),
  endInterview: open<EndInterviewRequest, SessionSummary>(),
  getSessionSummary: open<SessionRef, SessionSummary>(),
  /** An interview left in progress (the app was killed, the renderer crashed), to be resumed; null if none. */
  getResumableSession: open<None, SessionView | null>(),

  /** Sync engine status for the operator screen. */
  getSyncStatus: open<None, SyncStatus>(),
  /** Upload now and pull reference data now (instead of waiting for the next timer). */
  syncNow: open<None, SyncStatus>(),
  /** Set the Supabase project (URL + anon key). A different URL signs the device out. */
  configureBackend: admin<ConfigureBackendRequest, ConfigureBackendResult>(),
  /** Write every unsent row (and the queued interviews' recordings) to a folder on this machine. A tenant change or
   * discarding the queue for a new backend needs the queue empty or covered by the latest export. */
  exportQueue: admin<None, QueueExport>(),
  /** Sign the kiosk in as its device user; the refresh token is kept main-side (safeStorage), never returned. */
  signInDevice: admin<SignInDeviceRequest, SyncStatus>(),
  signOutDevice: admin<None, SyncStatus>(),
  /** Put quarantined rows back in the queue (all of them, or the given outbox ids). */
  retryQuarantined: admin<RetryQuarantinedRequest | undefined, SyncStatus>(),
  /** A candidate's invitation code: redeemed online (exactly once), or checked against the cache offline. */
  redeemInvitation: open<RedeemInvitationRequest, InvitationRedemption>(),
  /** The screen the candidate is on, for the room view: the setup screen (idle) or pre-flight. Main derives the
   *  interview states itself (call started, question k, ended). */
  reportKioskState: open<ReportKioskStateRequest, KioskStatusReport>(),

  /** The operator lock (PIN) guarding the admin screens and quitting; see main/core/operator/lock.ts. */
  getOperatorLockState: open<None, OperatorLockState>(),
  /** Check the PIN; 3 wrong ones in a row pause the pad (30 s, doubling). Unlocks for a few idle minutes. */
  unlockOperator: open<UnlockOperatorRequest, OperatorLockState>(),
  /** Choose the first PIN (no currentPin), or change it (currentPin required). Unlocks. */
  setOperatorPin: open<SetOperatorPinRequest, OperatorLockState>(),
  lockOperator: open<None, OperatorLockState>(),
  /** Operator quit: Electron exits with the operator exit code; the web host closes. */
  quitApp: admin<None, QuitResult>(),

  /** Review workspace: past interviews with their evaluation state, filtered and paged. Past interviews are
   * other people's data, so every review method needs the operator. */
  listInterviews: admin<InterviewListQuery, InterviewList>(),
  /** One interview: transcript, recording URL, evaluation (or its job's state), overrides, dismissal. */
  getInterview: admin<SessionRef, InterviewDetail>(),
  /** A reviewer's level and reason for one competency, stored beside the AI's result. */
  overrideCompetency: admin<OverrideRequest, OverrideView[]>(),
  /** Marks an ended interview invalid (technical failure, wrong candidate, …) with a reason. */
  dismissSession: admin<DismissSessionRequest, DismissalView>(),
  /** Queues the evaluation again after it failed (or queues it if it never was). */
  retryEvaluation: admin<SessionRef, InterviewDetail>(),
  /** The page on screen (the report view) as PDF. Desktop app only; elsewhere not_configured. */
  exportReportPdf: admin<None, ReportPdf>(),

  /** Room view: sign in as an observer/reviewer of the tenant (the credentials stay in main). It shows other
   * people's interviews as they happen, so every room method needs the operator. */
  signInObserver: admin<SignInDeviceRequest, RoomView>(),
  signOutObserver: admin<None, RoomView>(),
  getRoom: admin<None, RoomView>(),
  /** Follow one interview's transcript live (null: stop following). */
  followSession: admin<FollowSessionRequest, RoomTranscriptView | null>(),
  /** The signed-in reviewer pulls the company's interviews (every kiosk's) from the backend into this kiosk's
   * review list, incrementally; they stay only while that reviewer is signed in. */
  pullBackendInterviews: admin<None, BackendPullResult>(),
};

export type KioskContract = typeof KIOSK_CONTRACT;
export type KioskMethod = keyof KioskContract;
export type RequestOf<M extends KioskMethod> = KioskContract[M] extends MethodSpec<infer Req, unknown, boolean> ? Req : never;
export type ResponseOf<M extends KioskMethod> = KioskContract[M] extends MethodSpec<unknown, infer Res, boolean> ? Res : never;
/** The methods that need the operator unlocked. */
export type OperatorMethod = { [M in KioskMethod]: KioskContract[M] extends MethodSpec<unknown, unknown, true> ? M : never }[KioskMethod];

/** No argument, an optional one, or a required one, from the request type. */
type RequestArgs<Req> = [Req] extends [undefined] ? [] : undefined extends Req ? [request?: Req] : [request: Req];

/** Every request the renderer can make, derived from the table. */
export type KioskApi = { [M in KioskMethod]: (...args: RequestArgs<RequestOf<M>>) => Promise<ResponseOf<M>> };

/** The part of KioskApi one feature module implements (main/core/<feature>/feature.ts). */
export type KioskSlice<M extends KioskMethod> = Pick<KioskApi, M>;

/** Every method, in table order, for the bindings. */
export const KIOSK_METHODS = Object.keys(KIOSK_CONTRACT) as KioskMethod[];
/** The operator-only methods, from the table. */
export const OPERATOR_METHODS = KIOSK_METHODS.filter((m): m is OperatorMethod => KIOSK_CONTRACT[m].operator);

/** What the PIN pad and the admin screens need to know; never the PIN or its hash. */
export interface OperatorLockState {
  /** An operator PIN has been chosen on this kiosk. */
  pinSet: boolean;
  /** The right PIN was entered recently (admin requests work until `unlockedUntil`). */
  unlocked: boolean;
  /** Kiosk mode: without a PIN, admin stays closed until one is chosen. */
  kioskMode: boolean;
  /** Admin requests are allowed now (unlocked, or recruiter mode with no PIN chosen yet). */
  adminOpen: boolean;
  /** Wrong PINs still allowed before a pause (0 while paused). */
  attemptsLeft: number;
  /** ISO time the pause ends, null when not paused. */
  lockedUntil: string | null;
  retryInMs: number;
  unlockedUntil: string | null;
  /** After an unlock: the wrong PINs typed since the unlock before it (someone may have tried to guess), and
   * when the last one was. Null while locked. */
  failedBeforeUnlock: { count: number; lastAt: string | null } | null;
}

export type SyncItemKind = 'session' | 'entry' | 'invitation_redeem' | 'invitation' | 'recording' | 'evaluation' | 'override' | 'dismissal';

/** A row the backend refused for good (constraint, RLS): kept locally, shown to the operator, retried on request. */
export interface QuarantinedRowView {
  /** Outbox id (retryQuarantined takes these). */
  id: number;
  kind: SyncItemKind;
  rowId: string;
  sessionId: string | null;
  /** The server's error in words, with its code. */
  error: string;
  code: string | null;
  /** ISO time it was quarantined. */
  at: string;
  attempts: number;
}

export type SyncState = 'not_configured' | 'signed_out' | 'idle' | 'syncing' | 'retrying';

/** What the sync engine is doing; pushed as the `sync` event whenever it changes. */
export interface SyncStatus {
  state: SyncState;
  configured: boolean;
  signedInAs: string | null;
  /** Rows waiting to be uploaded (quarantined rows not counted). */
  pending: number;
  quarantined: QuarantinedRowView[];
  /** ISO times, null until they happen. */
  lastSuccessAt: string | null;
  lastError: { message: string; at: string } | null;
  /** When the next automatic retry is due, while retrying. */
  nextRetryAt: string | null;
  /** Last completed pull of reference data (tenant, positions, candidates, invitations). */
  lastPullAt: string | null;
  /** A recording being uploaded: bytes the server has confirmed of the total (resumable uploads continue from
   * there after a cut or a restart). Absent/null when none is. */
  upload?: { sessionId: string; sentBytes: number; totalBytes: number } | null;
  /** Storage problems the operator must know about, in words (a damaged database set aside and salvaged at
   * start-up, a full disk). Absent when there are none. */
  storageNotices?: { message: string; at: string }[];
  /** Reviewers' decisions made on this kiosk (overrides, dismissals): uploaded as a signed-in reviewer, never as
   * the device. Absent when none are queued. */
  reviewer?: ReviewerQueueStatus | null;
}

export interface ReviewerQueueStatus {
  /** Decisions not yet on the backend (quarantined ones are in `quarantined`). */
  pending: number;
  /** Why some wait, in words (no reviewer signed in, the interview not uploaded yet, another tenant); null while
   * they are being sent. */
  waiting: string | null;
  lastError: { message: string; at: string } | null;
  nextRetryAt: string | null;
}

/** A redeemed invitation code: who is interviewed for what. Pass invitationId to createSession. */
export interface InvitationRedemption {
  invitationId: string;
  code: string;
  candidate: CandidateView;
  position: PositionView;
  expiresAt: string;
  /** Checked against the local cache because the backend was unreachable; confirmed with it later. */
  offline: boolean;
  /** Kiosk mode: this code's interview was interrupted on this kiosk. getResumableSession now offers it to this
   * screen (the candidate's own code stands in for the operator); continue it rather than start a new one. */
  resumeSessionId?: string;
}

/** Events main pushes to the renderer. */
export interface KioskEvents {
  /** The transcript of a session changed (entries added, text grew, saved/synced state changed). */
  transcript: { sessionId: string; entries: TranscriptEntryView[]; progress?: InterviewProgress };
  /** The session row changed (status, times). */
  session: SessionView;
  /** The sync engine's status changed (pending count, errors, quarantine). */
  sync: SyncStatus;
  /** A session's evaluation, its job, an override or a dismissal changed: reload it. */
  review: { sessionId: string };
  /** The room view changed (a kiosk's state, the live connection). Only after an observer signed in. */
  room: RoomView;
  /** The followed interview's transcript changed. */
  roomTranscript: RoomTranscriptView;
}

export type KioskEventName = keyof KioskEvents;
export const KIOSK_EVENTS = ['transcript', 'session', 'sync', 'review', 'room', 'roomTranscript'] as const satisfies readonly KioskEventName[];

/** The renderer-side surface: the requests plus a subscription to pushed events. */
export interface KioskBridge extends KioskApi {
  on<E extends KioskEventName>(event: E, listener: (payload: KioskEvents[E]) => void): () => void;
}

/** Error codes a request can fail with; `message` is written for the operator. */
export type KioskErrorCode =
  | 'invalid_request'
  | 'unknown_method'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'realtime_unauthorized'
  | 'realtime_rate_limited'
  | 'realtime_unavailable'
  | 'realtime_rejected'
  | 'not_configured'
  | 'invitation_unknown'
  | 'invitation_expired'
  | 'invitation_used'
  | 'backend_unavailable'
  | 'backend_auth_failed'
  /** The request needs the operator PIN first (or, in kiosk mode, a PIN to be chosen). */
  | 'operator_locked'
  | 'pin_incorrect'
  /** Too many wrong PINs: the pad is paused; the message says for how long. */
  | 'too_many_attempts'
  /** Main could not be reached (no IPC handler, the web host's socket down, no reply in time): main may not have
   * seen the request. The only code a caller may retry blindly, and only for requests main applies once. */
  | 'unreachable'
  /** Main was reached and failed (a bug or the disk); its message says what to do. */
  | 'internal';

/** Every error code, for decoders that must tell a known code from garbage (checked complete at compile time). */
export const KIOSK_ERROR_CODES = [
  'invalid_request', 'unknown_method', 'not_found', 'conflict', 'payload_too_large',
  'realtime_unauthorized', 'realtime_rate_limited', 'realtime_unavailable', 'realtime_rejected', 'not_configured',
  'invitation_unknown', 'invitation_expired', 'invitation_used', 'backend_unavailable', 'backend_auth_failed',
  'operator_locked', 'pin_incorrect', 'too_many_attempts', 'unreachable', 'internal',
] as const satisfies readonly KioskErrorCode[];
type MissingErrorCodes = Exclude<KioskErrorCode, (typeof KIOSK_ERROR_CODES)[number]>;
const everyErrorCodeListed: MissingErrorCodes extends never ? true : never = true;
void everyErrorCodeListed;

export interface KioskErrorShape {
  code: KioskErrorCode;
  message: string;
}

/** The envelope every request is answered with on the wire (IPC and WebSocket alike). */
export type KioskResult<T> = { ok: true; value: T } | { ok: false; error: KioskErrorShape };

export class KioskError extends Error {
  constructor(
    readonly code: KioskErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'KioskError';
  }
}

/** IPC channel names (Electron): one for requests, one for pushed events; both under one prefix. */
export const IPC_REQUEST_CHANNEL = 'kiosk:request';
export const IPC_EVENT_CHANNEL = 'kiosk:event';

/** Largest payload main accepts in one request (a recording chunk of ~1 s is ~20 KB). */
export const MAX_REQUEST_BYTES = 1024 * 1024;
/** Largest Realtime event (JSON characters) the renderer forwards and main accepts: one limit for both sides, well
 * inside MAX_REQUEST_BYTES. The service's own events are far smaller (a long transcript is a few KB). */
export const MAX_REALTIME_EVENT_CHARS = 512 * 1024;

// ---------------------------------------------------------------------------------------------------------------
// Evaluation and review (main/core/evaluation). The evaluation is advice for a human reviewer: levels come from
// the content of the candidate's answers only, never from emotion, tone, voice or personality.

export interface RubricLevelView {
  level: number;
  label: string;
  anchor: string;
}

export interface RubricView {
  version: string;
  levels: RubricLevelView[];
}

/** Why a session or a competency was not scored. */
export type InsufficientCode = 'failed_transcriptions' | 'too_few_words' | 'connection_gap' | 'ended_early' | 'no_verified_evidence' | 'model_found_none';

export interface InsufficientReason {
  code: InsufficientCode;
  message: string;
}

export interface EvidenceQuote {
  /** Exact substring of the entry's text. */
  quote: string;
  entryId: string;
  startMs: number | null;
}

export interface CompetencyAssessment {
  competency: string;
  /** A rubric level, or null when there was not enough evidence (then `insufficient` says why). */
  level: number | null;
  insufficient: InsufficientReason | null;
  rationale: string;
  evidence: EvidenceQuote[];
  /** Quotes the model gave that were not found verbatim and were dropped. */
  droppedQuotes: number;
}

export interface EvaluationView {
  id: string;
  sessionId: string;
  rubric: RubricView;
  /** The model that wrote it (practice mode: the emulator's model name). */
  model: string;
  createdAt: string;
  /** 'insufficient_evidence': the quality gate stopped it before any model was asked; no competency has a level. */
  outcome: 'assessed' | 'insufficient_evidence';
  sessionReasons: InsufficientReason[];
  competencies: CompetencyAssessment[];
}

export type EvaluationJobState = 'queued' | 'running' | 'retrying' | 'done' | 'failed';

export interface EvaluationJobView {
  state: EvaluationJobState;
  rubricVersion: string;
  attempts: number;
  /** The last failure in words (kept when the job failed for good: malformed or refused model output). */
  lastError: string | null;
  nextAttemptAt: string | null;
  updatedAt: string;
}

/** A reviewer's level for one competency, kept beside the AI's result (never over it). */
export interface OverrideView {
  id: string;
  competency: string;
  level: number;
  reason: string;
  createdAt: string;
}

export interface DismissalView {
  reason: string;
  createdAt: string;
}

export type ReviewState = 'none' | EvaluationJobState | 'assessed' | 'insufficient_evidence' | 'dismissed';

export interface InterviewListItem {
  /** 'local': made on this kiosk; 'backend': another kiosk's, pulled from the backend by the signed-in reviewer
   * (kept only while that reviewer is signed in; read-only here). */
  source: 'local' | 'backend';
  session: SessionView;
  review: ReviewState;
  entries: number;
}

export interface InterviewListQuery {
  /** Matches candidate name or position title (case-insensitive substring). */
  search?: string;
  candidateId?: string;
  positionId?: string;
  /** ISO dates (inclusive) on the session's creation time. */
  from?: string;
  to?: string;
  status?: SessionStatus;
  review?: ReviewState;
  /** Page size (default 100, at most 500). */
  limit?: number;
  /** Where the page starts: the previous page's nextCursor (the list is newest first). */
  cursor?: string;
}

/** What a reviewer's pull from the backend did (the interviews are then in the review list, marked as such). */
export interface BackendPullResult {
  /** Rows read from the backend in this pull (interviews, transcript entries, evaluations, overrides, dismissals). */
  read: { sessions: number; entries: number; evaluations: number; overrides: number; dismissals: number };
  /** Interviews from the backend now kept on this kiosk for the signed-in reviewer. */
  kept: number;
}

export interface InterviewList {
  items: InterviewListItem[];
  /** How many interviews match the filters, over all pages. */
  total: number;
  /** The next (older) page's cursor; null on the last page. */
  nextCursor: string | null;
}

export interface InterviewDetail {
  /** As in InterviewListItem: a 'backend' interview is read-only here (overrides and dismissals are made on the
   * kiosk that holds it, or by the reviewer there). */
  source: 'local' | 'backend';
  summary: SessionSummary;
  evaluation: EvaluationView | null;
  job: EvaluationJobView | null;
  overrides: OverrideView[];
  dismissal: DismissalView | null;
  /** The recording for a media element (the app's own protocol, range requests), null without one. */
  recordingUrl: string | null;
  /** Why there is no recording to play, in words (a backend interview's recording still downloading, or not
   * downloadable now); null when there is one or none was made. */
  recordingNote?: string | null;
  /** The competencies of the position, in order. */
  competencies: string[];
}

export interface OverrideRequest {
  sessionId: string;
  competency: string;
  level: number;
  reason: string;
}

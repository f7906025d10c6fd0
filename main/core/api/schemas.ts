// zod schemas for every request of the contract table (preload/contract.ts), main-side so zod stays out of the
// renderer. Each schema's output must be exactly the table's request type, checked in both directions at compile
// time: a field, an enum value or an optionality on one side only fails to compile (see SchemaDrift below).
import { z } from 'zod';
import {
  EXTRA_TIME_CHOOSERS,
  MAX_REALTIME_EVENT_CHARS,
  MAX_TYPED_ANSWER_CHARS,
  type CandidateControlRequest,
  VOICES,
  type CallStartReason,
  type ConfigureBackendRequest,
  type AuthorizeCandidateRequest,
  type CreateSessionRequest,
  type EndReason,
  type InterviewListQuery,
  type OverrideRequest,
  type DismissSessionRequest,
  type KioskMethod,
  type RealtimeEventReport,
  type RedeemInvitationRequest,
  type ReportKioskStateRequest,
  type RequestOf,
  type RetryQuarantinedRequest,
  type SessionRef,
  type SetOpenAIKeyRequest,
  type SetOperatorPinRequest,
  type SignInDeviceRequest,
  type UnlockOperatorRequest,
  type Voice,
  type ConsentRecord,
  type DeclineInterviewRequest,
} from '../../../preload/contract';
import { MAX_EXTRA_REALTIME_HOSTS, REALTIME_HOST_PATTERN } from '../realtime/hosts';
import { CONTROL_SETTINGS, RETENTION_DAYS } from '../settings/types';
import { anonKeySchema, serviceUrlSchema, supabaseUrlSchema } from '../sync/validation';
import { MODEL_NAME } from '../realtime/models';

/** Realtime events are small JSON objects; anything bigger is not an event we want to store. */
export const MAX_SDP_CHARS = 100_000;

/** Session ids are UUIDs made by main; the format check also keeps them safe as file names. */
const sessionId = z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'must be a session id (UUID)');
const rowId = z.string().min(1).max(128).regex(/^[\w-]+$/, 'must be an id (letters, digits, - or _)');

const noArgs = z.union([z.undefined(), z.null(), z.strictObject({})]).transform((): undefined => undefined);

const seconds = (range: { min: number; max: number }) =>
  z.number().int('must be a whole number of seconds').min(range.min, `must be at least ${range.min} seconds`).max(range.max, `must be at most ${range.max} seconds`);

export const settingsPatchSchema = z.strictObject({
  candidateControls: z
    .strictObject({
      breakLimitSec: seconds(CONTROL_SETTINGS.breakLimitSec).optional(),
      stillThereAfterSec: seconds(CONTROL_SETTINGS.stillThereAfterSec).optional(),
      checkInAfterSec: seconds(CONTROL_SETTINGS.checkInAfterSec).optional(),
    })
    .optional(),
  practiceMode: z.boolean().optional(),
  openaiBaseUrl: serviceUrlSchema.optional(),
  model: z.string().regex(MODEL_NAME, 'must be a model name such as gpt-realtime-2.1').optional(),
  transcriptionModel: z.string().regex(MODEL_NAME, 'must be a model name such as gpt-transcribe').optional(),
  voice: z.enum(VOICES as unknown as [Voice, ...Voice[]]).optional(),
  disclosure: z
    .strictObject({
      resultsAudience: z.string().trim().max(200).optional(),
      retentionDays: z.number().int().min(1, 'must be at least 1 day').max(3650, 'must be at most 10 years').optional(),
    })
    .optional(),
  audioProfile: z.enum(['headset', 'speakers']).optional(),
  retentionDays: z.number().int('must be a whole number of days').min(RETENTION_DAYS.min, `must be at least ${RETENTION_DAYS.min} day (uploaded interviews are not kept forever on a kiosk)`)
    .max(RETENTION_DAYS.max, `must be at most ${RETENTION_DAYS.max} days`).optional(),
  realtimeHosts: z
    .array(z.string().trim().toLowerCase().regex(REALTIME_HOST_PATTERN, 'must be a host name such as my-resource.openai.azure.com (no scheme, path or wildcard)')
      .transform((h) => h.replace(/:443$/, '')))
    .max(MAX_EXTRA_REALTIME_HOSTS, `may list at most ${MAX_EXTRA_REALTIME_HOSTS} hosts`)
    .optional(),
});

export const setKeySchema = z.strictObject({
  key: z
    .string()
    .min(20, 'is too short to be an OpenAI API key')
    .max(512, 'is too long to be an OpenAI API key')
    .regex(/^[\x21-\x7e]+$/, 'may contain only printable characters without spaces'),
}) satisfies z.ZodType<SetOpenAIKeyRequest>;

const noticeVersion = z.string().regex(/^[\w.-]{1,40}$/, 'must be a notice version such as 2026-12-02.1');
const language = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as de or en-GB');

export const consentRecordSchema = z.strictObject({
  noticeVersion,
  language,
  choices: z.strictObject({ aiInterviewer: z.boolean(), recording: z.boolean() }),
  at: z.iso.datetime({ offset: true }),
}) satisfies z.ZodType<ConsentRecord>;

export const createSessionSchema = z
  .strictObject({
    candidateId: rowId,
    positionId: rowId,
    recordingConsent: z.boolean(),
    invitationId: rowId.optional(),
    operatorTicket: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'is not an operator ticket').optional(),
    consent: consentRecordSchema.optional(),
    extraTime: z.boolean().optional(),
    extraTimeBy: z.enum(EXTRA_TIME_CHOOSERS).optional(),
    warmUp: z.boolean().optional(),
  })
  .refine((r) => r.extraTimeBy === undefined || r.extraTime === true, {
    message: 'extraTimeBy says who chose extra time, so it needs extraTime: true',
    path: ['extraTimeBy'],
  })
  .refine((r) => !r.consent || r.consent.choices.recording === r.recordingConsent, {
    message: 'recordingConsent must match the recording choice in consent',
    path: ['consent', 'choices', 'recording'],
  }) satisfies z.ZodType<CreateSessionRequest>;

export const declineInterviewSchema = z.strictObject({
  candidateId: rowId,
  positionId: rowId,
  noticeVersion,
  language,
  invitationId: rowId.optional(),
  operatorTicket: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'is not an operator ticket').optional(),
}) satisfies z.ZodType<DeclineInterviewRequest>;

export const authorizeCandidateSchema = z.strictObject({
  candidateId: rowId,
  positionId: rowId,
  extraTime: z.boolean().optional(),
}) satisfies z.ZodType<AuthorizeCandidateRequest>;

export const configureBackendSchema = z.strictObject({
  supabaseUrl: supabaseUrlSchema,
  anonKey: anonKeySchema,
  queued: z.enum(['keep', 'discard']).optional(),
}) satisfies z.ZodType<ConfigureBackendRequest, unknown>;

export const signInDeviceSchema = z.strictObject({
  email: z.string().trim().min(3).max(320).regex(/^[^@\s]+@[^@\s]+$/, 'must be an email address'),
  password: z.string().min(1, 'is empty').max(1024),
}) satisfies z.ZodType<SignInDeviceRequest, unknown>;

export const retryQuarantinedSchema = z
  .union([z.undefined(), z.null(), z.strictObject({ ids: z.array(z.number().int().positive()).max(10_000).optional() })])
  .transform((v): RetryQuarantinedRequest | undefined => (v?.ids ? { ids: v.ids } : undefined));

export const redeemInvitationSchema = z.strictObject({
  code: z
    .string()
    .trim()
    .min(1, 'is empty: type the invitation code')
    .max(200, 'is too long to be an invitation code')
    .regex(/^[\x21-\x7e]+$/, 'may contain only letters, digits and punctuation, no spaces'),
}) satisfies z.ZodType<RedeemInvitationRequest, unknown>;

export const startCallSchema = z.strictObject({
  sessionId,
  offerSdp: z.string().min(1).max(MAX_SDP_CHARS).refine((s) => s.startsWith('v=0'), 'must be an SDP offer (starting with v=0)'),
  reason: z.enum(['start', 'reconnect', 'rollover', 'restart'] satisfies CallStartReason[]).optional(),
});

const realtimeEvent = z
  .looseObject({ type: z.string().min(1).max(200) })
  .refine((e) => JSON.stringify(e).length <= MAX_REALTIME_EVENT_CHARS, { message: `must be at most ${MAX_REALTIME_EVENT_CHARS} characters of JSON` });

export const reportEventSchema = z.strictObject({
  sessionId,
  direction: z.enum(['server', 'client']),
  event: realtimeEvent,
  receivedAt: z.number().finite().optional(),
});

/** A typed answer: words, not control characters (tabs and line breaks are fine), trimmed, 1…MAX_TYPED_ANSWER_CHARS. */
const typedAnswer = z
  .string()
  .transform((s) => s.trim())
  .pipe(
    z.string()
      .min(1, 'the typed answer is empty: type your answer, then send it')
      .max(MAX_TYPED_ANSWER_CHARS, `the typed answer is longer than ${MAX_TYPED_ANSWER_CHARS} characters: shorten it or send it in parts`)
      .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), 'the typed answer contains control characters'),
  );

export const candidateControlSchema = z.strictObject({
  sessionId,
  control: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('repeat') }),
    z.strictObject({ kind: z.literal('typed'), text: typedAnswer }),
    z.strictObject({ kind: z.literal('help') }),
    z.strictObject({ kind: z.literal('break'), by: z.enum(['button', 'silence']) }),
    z.strictObject({ kind: z.literal('resume'), by: z.enum(['button', 'limit']) }),
    z.strictObject({ kind: z.literal('still_there') }),
    z.strictObject({ kind: z.literal('still_here') }),
    z.strictObject({ kind: z.literal('check_in') }),
  ]),
}) satisfies z.ZodType<CandidateControlRequest>;

/** A recorder starts within seconds of the call; an hour is far beyond any real start (main checks it against the
 * interview's own clock too). */
export const MAX_RECORDER_START_OFFSET_MS = 3_600_000;

export const recordingChunkSchema = z.strictObject({
  sessionId,
  seq: z.number().int().min(0).max(10_000_000),
  data: z.instanceof(Uint8Array),
  startOffsetMs: z.number().int().min(0).max(MAX_RECORDER_START_OFFSET_MS).optional(),
}).refine((c) => c.startOffsetMs === undefined || c.seq === 0, {
  message: 'startOffsetMs comes with the first chunk (seq 0) only',
  path: ['startOffsetMs'],
});

export const endInterviewSchema = z.strictObject({
  sessionId,
  reason: z.enum(['operator', 'end_session', 'error'] satisfies EndReason[]),
});

/** A PIN is 4–12 digits (checked here so a malformed PIN never counts as a wrong guess). */
const pin = z.string().regex(/^\d{4,12}$/, 'must be 4 to 12 digits');

export const unlockOperatorSchema = z.strictObject({ pin }) satisfies z.ZodType<UnlockOperatorRequest>;

export const setOperatorPinSchema = z.strictObject({
  currentPin: pin.optional(),
  newPin: z.string().regex(/^\d{6,12}$/, 'must be 6 to 12 digits'),
}) satisfies z.ZodType<SetOperatorPinRequest>;

export const sessionRefSchema = z.strictObject({ sessionId }) satisfies z.ZodType<SessionRef>;

export const reportKioskStateSchema = z.strictObject({
  state: z.enum(['idle', 'pre_flight']),
}) satisfies z.ZodType<ReportKioskStateRequest>;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date (YYYY-MM-DD)');
const reviewState = z.enum(['none', 'queued', 'running', 'retrying', 'done', 'failed', 'assessed', 'insufficient_evidence', 'dismissed']);
const reason = z.string().trim().min(3, 'is too short: say why').max(2000, 'is too long (2000 characters at most)');

export const listInterviewsSchema = z.strictObject({
  search: z.string().max(200).optional(),
  candidateId: rowId.optional(),
  positionId: rowId.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  status: z.enum(['scheduled', 'in_progress', 'completed', 'failed']).optional(),
  review: reviewState.optional(),
  limit: z.number().int().min(1).max(500).optional(),
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,400}$/, 'must be a nextCursor the list gave out').optional(),
}) satisfies z.ZodType<InterviewListQuery>;

export const overrideSchema = z.strictObject({
  sessionId,
  competency: z.string().min(1).max(200),
  level: z.number().int().min(0).max(100),
  reason,
}) satisfies z.ZodType<OverrideRequest>;

export const dismissSchema = z.strictObject({ sessionId, reason }) satisfies z.ZodType<DismissSessionRequest>;

export const followSessionSchema = z.strictObject({ sessionId: sessionId.nullable() }) satisfies z.ZodType<{ sessionId: string | null }>;

/** One schema per method: the dispatcher parses with it before the service sees anything. */
export const REQUEST_SCHEMAS = {
  getSettings: noArgs,
  updateSettings: settingsPatchSchema,
  setOpenAIKey: setKeySchema,
  clearOpenAIKey: noArgs,
  getSetupData: noArgs,
  createSession: createSessionSchema,
  declineInterview: declineInterviewSchema,
  getOperatorNotices: noArgs,
  authorizeCandidate: authorizeCandidateSchema,
  startCall: startCallSchema,
  reportRealtimeEvent: reportEventSchema,
  candidateControl: candidateControlSchema,
  appendRecordingChunk: recordingChunkSchema,
  endInterview: endInterviewSchema,
  getSessionSummary: sessionRefSchema,
  getResumableSession: noArgs,
  getSyncStatus: noArgs,
  syncNow: noArgs,
  configureBackend: configureBackendSchema,
  exportQueue: noArgs,
  signInDevice: signInDeviceSchema,
  signOutDevice: noArgs,
  retryQuarantined: retryQuarantinedSchema,
  redeemInvitation: redeemInvitationSchema,
  reportKioskState: reportKioskStateSchema,
  getOperatorLockState: noArgs,
  unlockOperator: unlockOperatorSchema,
  setOperatorPin: setOperatorPinSchema,
  lockOperator: noArgs,
  quitApp: noArgs,
  listInterviews: z.union([z.undefined(), z.null(), listInterviewsSchema]).transform((v) => v ?? {}),
  getInterview: sessionRefSchema,
  overrideCompetency: overrideSchema,
  dismissSession: dismissSchema,
  retryEvaluation: sessionRefSchema,
  exportReportPdf: noArgs,
  signInObserver: signInDeviceSchema, // same shape: an email and a password
  signOutObserver: noArgs,
  getRoom: noArgs,
  followSession: followSessionSchema,
  pullBackendInterviews: noArgs,
} satisfies Record<KioskMethod, z.ZodType>;

// ---- both directions: a schema's output is exactly its method's request type ----

/** Structural form for comparison: intersections flattened, byte arrays of any buffer kind alike. */
type Plain<T> = T extends Uint8Array ? Uint8Array : T extends readonly (infer I)[] ? Plain<I>[] : T extends object ? { [K in keyof T]: Plain<T[K]> } : T;
/** true when A and B are the same type (every field, optionality and enum value on both sides), else false. */
export type SameType<A, B> = (<T>() => T extends Plain<A> ? 1 : 2) extends <T>() => T extends Plain<B> ? 1 : 2 ? true : false;
/** Per method: does the schema produce exactly the contract's request? */
export type SchemaDrift = { [M in KioskMethod]: SameType<z.output<(typeof REQUEST_SCHEMAS)[M]>, RequestOf<M>> };
/** Fails to compile, naming the method, when any schema and request type differ. */
type AllMatch<T extends { [M in KioskMethod]: true }> = T;
export type SchemasMatchContract = AllMatch<SchemaDrift>;

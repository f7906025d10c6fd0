// Pure mapping between the kiosk's SQLite rows and the Supabase tables (supabase/migrations/*.sql), and the
// shapes the backend must answer with (zod): a pulled row that does not match is a bad answer, not data.
// Differences handled here: local `company_values` ↔ remote `values`; SQLite JSON text ↔ jsonb / text[];
// 0/1 ↔ boolean; tenant_id on every remote row (entries take it from their session).
import { z } from 'zod';
import { TURN_DETECTION_MODES } from '../../../preload/contract';
import { checkPersona } from '../realtime/persona';

export interface LocalSessionRow {
  id: string;
  tenant_id: string;
  candidate_id: string;
  position_id: string;
  status: string;
  recording_consent: number;
  /** ConsentRecord as JSON, or NULL (sessions from before the notice). */
  consent?: string | null;
  extra_time?: number;
  extra_time_by?: string | null;
  warm_up?: number;
  start_time: string | null;
  end_time: string | null;
  status_history: string;
  calls: string;
  recording_path: string | null;
  /** When the recorder started, ms after the interview's start (recordings.start_offset_ms); null = not reported. */
  recording_start_offset_ms?: number | null;
  created_at: string;
}

export interface LocalEntryRow {
  id: string;
  session_id: string;
  tenant_id: string;
  item_id: string;
  seq: number;
  speaker: string;
  text: string;
  start_ms: number | null;
  status: string;
  confidence: number | null;
  /** 1: the candidate typed this answer (schema v8); absent on rows read by older queries. */
  typed?: number;
  created_at: string;
}

function jsonArray(text: string): unknown[] {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

/** A session the server freezes once it is finished (supabase/README.md "Device rules"). */
export const isFinishedStatus = (status: string) => status === 'completed' || status === 'failed';

/**
 * The server row for a local session. `provisional`: the session is finished here but some of its transcript
 * entries are still queued; the server refuses entries of a finished session, so the row goes up as still in
 * progress first (without the finishing steps of its history), and in its final state once the entries are in.
 */
export function sessionToRemote(row: LocalSessionRow, provisional = false): Record<string, unknown> {
  const calls = jsonArray(row.calls) as { id?: unknown }[];
  const lastCall = calls.at(-1);
  const history = jsonArray(row.status_history);
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    candidate_id: row.candidate_id,
    position_id: row.position_id,
    status: provisional ? 'in_progress' : row.status,
    recording_consent: row.recording_consent === 1,
    ...consentToRemote(row.consent),
    extra_time: row.extra_time === 1,
    extra_time_by: row.extra_time === 1 ? (row.extra_time_by ?? null) : null,
    warm_up: row.warm_up === 1,
    start_time: row.start_time,
    end_time: provisional ? null : row.end_time,
    status_history: provisional
      ? history.filter((h) => !isFinishedStatus(String((h as { status?: unknown } | null)?.status ?? '')))
      : history,
    // The Realtime call id of the latest call (the kiosk keeps every call locally in `calls`).
    webrtc_session_id: typeof lastCall?.id === 'string' ? lastCall.id : null,
    recording_path: provisional ? null : row.recording_path,
    recording_start_offset_ms: row.recording_start_offset_ms ?? null,
    created_at: row.created_at,
  };
}

/** The consent record as the backend's four columns (supabase/migrations/20261202040000_candidate_consent.sql). */
function consentToRemote(text: string | null | undefined): Record<string, unknown> {
  let c: { noticeVersion?: unknown; language?: unknown; choices?: unknown; at?: unknown } | null = null;
  try {
    c = text ? (JSON.parse(text) as { noticeVersion?: unknown }) : null;
  } catch {
    // a damaged column: the session still syncs, without its consent record
  }
  if (c === null || typeof c.noticeVersion !== 'string') return {};
  return { consent_notice_version: c.noticeVersion, consent_language: c.language, consent_choices: c.choices, consent_at: c.at };
}

export function entryToRemote(row: LocalEntryRow): Record<string, unknown> {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    session_id: row.session_id,
    seq: row.seq,
    item_id: row.item_id,
    speaker: row.speaker,
    text: row.text,
    start_ms: row.start_ms,
    confidence: row.confidence,
    status: row.status,
    typed: row.typed === 1,
    created_at: row.created_at,
  };
}

export interface LocalEvaluationRow {
  id: string;
  session_id: string;
  tenant_id: string;
  rubric_version: string;
  rubric: string;
  model: string;
  outcome: string;
  session_reasons: string;
  competencies: string;
  created_at: string;
}

export function evaluationToRemote(row: LocalEvaluationRow): Record<string, unknown> {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    session_id: row.session_id,
    rubric_version: row.rubric_version,
    rubric: JSON.parse(row.rubric) as unknown,
    model: row.model,
    outcome: row.outcome,
    session_reasons: jsonArray(row.session_reasons),
    competencies: jsonArray(row.competencies),
    created_at: row.created_at,
  };
}

export interface LocalOverrideRow {
  id: string;
  evaluation_id: string;
  session_id: string;
  tenant_id: string;
  competency: string;
  level: number;
  reason: string;
  created_at: string;
}

export interface LocalDismissalRow {
  id: string;
  session_id: string;
  tenant_id: string;
  reason: string;
  created_at: string;
}

/** A reviewer's override: the local id is the remote id (a retried insert finds it). `created_by` is left to the
 * server's default, auth.uid() of the signed-in reviewer (RLS checks it is exactly that). */
export function overrideToRemote(row: LocalOverrideRow): Record<string, unknown> {
  return {
    id: row.id, tenant_id: row.tenant_id, evaluation_id: row.evaluation_id, session_id: row.session_id,
    competency: row.competency, level: row.level, reason: row.reason, created_at: row.created_at,
  };
}

/** A dismissal: one per session on the server (primary key session_id), so the session id is its key there. */
export function dismissalToRemote(row: LocalDismissalRow): Record<string, unknown> {
  return { session_id: row.session_id, tenant_id: row.tenant_id, reason: row.reason, created_at: row.created_at };
}

/** Object name of a recording in the `recordings` bucket. */
export const recordingObjectName = (tenantId: string, sessionId: string) => `${tenantId}/${sessionId}.webm`;

const uuid = z.string().regex(/^[0-9a-fA-F-]{36}$/, 'must be a UUID');
const timestamp = z.string().min(10).max(64).refine((s) => Number.isFinite(Date.parse(s)), 'must be a timestamp');

export const remoteTenantSchema = z.looseObject({
  id: uuid,
  name: z.string(),
  values: z.string(),
  created_at: timestamp,
  updated_at: timestamp,
});

export const remotePositionSchema = z.looseObject({
  id: uuid,
  tenant_id: uuid,
  title: z.string(),
  description: z.string(),
  competencies: z.array(z.string()),
  /** ISO-639-1 (lower case) or null; the backend checks the same shape. */
  language: z.string().regex(/^[a-z]{2,3}$/).nullable().optional(),
  /** How the end of the candidate's turn is found, or null for the kiosk's default. */
  turn_detection: z.enum(TURN_DETECTION_MODES).nullable().optional(),
  /** The interviewer persona, checked on its own (positionPersona): a persona this kiosk cannot use leaves the
   * position usable with the default interviewer instead of refusing the whole page. */
  persona: z.unknown().optional(),
  created_at: timestamp,
  updated_at: timestamp,
});

export const remoteCandidateSchema = z.looseObject({
  id: uuid,
  tenant_id: uuid,
  name: z.string(),
  email: z.string().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});

export const remoteInvitationSchema = z.looseObject({
  id: uuid,
  tenant_id: uuid,
  // HMAC-SHA-256(tenant key, normalized code), hex: devices never receive the code itself.
  token_hash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest'),
  status: z.enum(['open', 'redeemed', 'completed', 'expired']),
  expires_at: timestamp,
  candidate_id: uuid,
  position_id: uuid,
  redeemed_at: timestamp.nullable(),
  redeemed_by_device: z.string().nullable(),
  session_id: uuid.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});

/** redeem_invitation's answer: the invitation (without its code), or "unknown" (not an error on the server, so
 *  that the attempt it records is not rolled back). */
export const redeemAnswerSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('redeemed'), invitation: remoteInvitationSchema }),
  z.object({ outcome: z.literal('unknown'), attempts_left: z.number().int().nonnegative() }),
]);

export type RemoteTenant = z.infer<typeof remoteTenantSchema>;
export type RemotePosition = z.infer<typeof remotePositionSchema>;
export type RemoteCandidate = z.infer<typeof remoteCandidateSchema>;
export type RemoteInvitation = z.infer<typeof remoteInvitationSchema>;

export type PullTable = 'tenants' | 'positions' | 'candidates' | 'interview_invitations';

export const PULL_TABLES: readonly PullTable[] = ['tenants', 'positions', 'candidates', 'interview_invitations'];

export const PULL_SCHEMAS = {
  tenants: remoteTenantSchema,
  positions: remotePositionSchema,
  candidates: remoteCandidateSchema,
  interview_invitations: remoteInvitationSchema,
} as const;

export const PULL_COLUMNS: Record<PullTable, string> = {
  tenants: 'id,name,values,created_at,updated_at',
  positions: 'id,tenant_id,title,description,competencies,language,turn_detection,persona,created_at,updated_at',
  candidates: 'id,tenant_id,name,email,created_at,updated_at',
  interview_invitations: 'id,tenant_id,token_hash,status,expires_at,candidate_id,position_id,redeemed_at,redeemed_by_device,session_id,created_at,updated_at',
};

/**
 * A pulled position's persona as SQLite keeps it (JSON text, or null for the default interviewer), and the problem
 * in words when the backend's persona cannot be used here (e.g. a voice this kiosk's client library does not know).
 */
export function positionPersona(r: Pick<RemotePosition, 'id' | 'title' | 'persona'>): { json: string | null; problem: string | null } {
  const checked = checkPersona(r.persona);
  if (checked.ok) return { json: checked.persona ? JSON.stringify(checked.persona) : null, problem: null };
  return {
    json: null,
    problem: `position "${r.title}" (${r.id}): its interviewer persona cannot be used (${checked.message}); interviews for it use the default interviewer until it is corrected in the backend`,
  };
}

/** Keyset cursor of an incremental pull: the last (updated_at, id) applied. */
export interface PullCursor {
  updatedAt: string;
  id: string;
}

export function laterCursor(a: PullCursor | null, b: PullCursor): PullCursor {
  if (!a) return b;
  const ta = Date.parse(a.updatedAt);
  const tb = Date.parse(b.updatedAt);
  // Same millisecond: compare the strings (same format from the same server, microseconds included).
  if (tb > ta || (tb === ta && (b.updatedAt > a.updatedAt || (b.updatedAt === a.updatedAt && b.id > a.id)))) return b;
  return a;
}

/**
 * Where the next pull starts: the cursor moved back by an overlap window, because updated_at is the writing
 * transaction's start time and a long transaction can commit a row "in the past" (supabase/README.md).
 */
export function pullStart(cursor: PullCursor | null, overlapMs: number): string | null {
  if (!cursor) return null;
  const t = Date.parse(cursor.updatedAt);
  return Number.isFinite(t) ? new Date(t - overlapMs).toISOString() : null;
}

const STATUS_RANK: Record<string, number> = { open: 0, redeemed: 1, completed: 2, expired: 2 };

/**
 * Whether a pulled invitation may overwrite the local row: never move a status backwards (an offline redemption
 * or a completion made here may not have reached the server yet; the server's status only moves forward too).
 */
export function acceptPulledInvitation(localStatus: string | null, remoteStatus: string): boolean {
  if (localStatus === null) return true;
  return (STATUS_RANK[remoteStatus] ?? 0) >= (STATUS_RANK[localStatus] ?? 0);
}

/** What a kiosk tells a candidate who typed a code it cannot accept. */
export type InvitationRefusal = 'invitation_unknown' | 'invitation_expired' | 'invitation_used';

export const INVITATION_MESSAGES: Record<InvitationRefusal, string> = {
  invitation_unknown: 'We could not find this invitation code. Please check it and type it again exactly as written in your invitation.',
  invitation_expired: 'This invitation code has expired. Please contact the company that invited you for a new one.',
  invitation_used: 'This invitation code has already been used. If you have not done your interview yet, please ask the staff here for help.',
};

/** Decides a code against the local cache (offline). `deviceId` may re-use its own redemption. */
export function checkCachedInvitation(
  row: { status: string; expires_at: string; redeemed_by_device: string | null; session_id: string | null } | null,
  deviceId: string,
  nowMs: number,
  sessionStatus: string | null = null,
): { ok: true; reuse: boolean } | { ok: false; reason: InvitationRefusal } {
  if (!row) return { ok: false, reason: 'invitation_unknown' };
  if (row.status === 'completed') return { ok: false, reason: 'invitation_used' };
  if (row.status === 'redeemed') {
    // Our own redemption whose interview never completed (failed, or not started) may be used again.
    if (row.redeemed_by_device === deviceId && sessionStatus !== 'completed') return { ok: true, reuse: true };
    return { ok: false, reason: 'invitation_used' };
  }
  if (row.status === 'expired' || !(Date.parse(row.expires_at) > nowMs)) return { ok: false, reason: 'invitation_expired' };
  return { ok: true, reuse: false };
}

/** The RPC's error code → refusal (supabase/README.md "Invitations"). */
export function refusalFromCode(code: string): InvitationRefusal | null {
  if (code === 'KI404') return 'invitation_unknown';
  if (code === 'KI410') return 'invitation_expired';
  if (code === 'KI409') return 'invitation_used';
  return null;
}

/** Reads app_metadata.tenant_id from a JWT payload (no verification: the server verifies; this is for display). */
export function jwtClaims(token: string): { sub: string | null; email: string | null; tenantId: string | null; exp: number | null } {
  try {
    const part = token.split('.')[1] ?? '';
    const json = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
    const app = (json.app_metadata ?? {}) as Record<string, unknown>;
    return {
      sub: typeof json.sub === 'string' ? json.sub : null,
      email: typeof json.email === 'string' ? json.email : null,
      tenantId: typeof app.tenant_id === 'string' ? app.tenant_id : null,
      exp: typeof json.exp === 'number' ? json.exp : null,
    };
  } catch {
    return { sub: null, email: null, tenantId: null, exp: null };
  }
}

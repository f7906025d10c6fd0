// Invitation codes at the kiosk. Online: the redeem_invitation RPC, which succeeds exactly once per code even when
// two kiosks race (a conditional UPDATE on the server). Offline (backend unreachable): the code's keyed hash is
// looked up among the cached invitations (the kiosk never holds an open code in plain text); an open one is marked
// redeemed here and the RPC is queued in the outbox, so the server learns about it (or refuses it, which
// quarantines it visibly) once the network is back. Wrong codes slow the next attempt down, online and offline
// (./codes.ts). Codes are never written to the log.
import { KioskError, type InvitationRedemption } from '../../../preload/contract';
import type { KioskDatabase } from '../db/database';
import { POSITION_COLUMNS, positionView, type PositionRow } from '../db/store';
import {
  ATTEMPT_LIMIT,
  attemptGate,
  codeHash,
  normalizeCode,
  parseAttemptState,
  recordFailure,
  recordSuccess,
  tooManyAttemptsMessage,
  type AttemptState,
} from './codes';
import {
  checkCachedInvitation,
  INVITATION_MESSAGES,
  redeemAnswerSchema,
  refusalFromCode,
  type RemoteInvitation,
} from './mapping';
import type { InvitationRow, Outbox } from './outbox';
import { classifyError, describeError } from './plan';
import type { Remote } from './remote';

export interface RedeemContext {
  db: KioskDatabase;
  outbox: Outbox;
  /** Null when not configured or signed out: then only the cache is asked. */
  remote: Remote | null;
  configured: boolean;
  deviceId: string;
  now: () => number;
  /** Pull reference data now (to learn a candidate/position the invitation points at). */
  pull: () => Promise<void>;
  log?: (line: string) => void;
}

function refuse(reason: keyof typeof INVITATION_MESSAGES): never {
  throw new KioskError(reason, INVITATION_MESSAGES[reason]);
}

function candidateAndPosition(db: KioskDatabase, inv: { candidate_id: string; position_id: string }) {
  const candidate = db.prepare('SELECT id, name, email FROM candidates WHERE id = ?').get(inv.candidate_id) as
    | { id: string; name: string; email: string | null }
    | undefined;
  const position = db.prepare(`SELECT ${POSITION_COLUMNS} FROM positions WHERE id = ?`).get(inv.position_id) as
    | PositionRow
    | undefined;
  if (!candidate || !position) return null;
  return { candidate, position: positionView(position) };
}

function storeRedeemed(db: KioskDatabase, r: RemoteInvitation): void {
  db.prepare(`INSERT INTO invitations (id, tenant_id, token, status, expires_at, candidate_id, position_id, redeemed_at,
      redeemed_by_device, session_id, created_at, updated_at)
    VALUES (@id, @tenant_id, @token_hash, @status, @expires_at, @candidate_id, @position_id, @redeemed_at, @redeemed_by_device,
      NULL, @created_at, @updated_at)
    ON CONFLICT (id) DO UPDATE SET status = excluded.status, redeemed_at = excluded.redeemed_at,
      redeemed_by_device = excluded.redeemed_by_device, expires_at = excluded.expires_at, updated_at = excluded.updated_at`).run(r);
}

async function answer(ctx: RedeemContext, inv: Pick<InvitationRow, 'id' | 'candidate_id' | 'position_id' | 'expires_at'>, code: string, offline: boolean): Promise<InvitationRedemption> {
  let found = candidateAndPosition(ctx.db, inv);
  if (!found && !offline) {
    await ctx.pull().catch(() => undefined);
    found = candidateAndPosition(ctx.db, inv);
  }
  if (!found) {
    throw new KioskError('not_found', 'This invitation is valid, but the candidate or position it names is not on this kiosk yet. Please try again in a minute, or ask the staff for help.');
  }
  return { invitationId: inv.id, code, candidate: found.candidate, position: found.position, expiresAt: inv.expires_at, offline };
}

/** The wrong-code gate (persisted in sync_state, so a restart does not reset it). */
const ATTEMPTS_KEY = 'invitation_attempts';
const attempts = (ctx: RedeemContext) => parseAttemptState(ctx.outbox.state(ATTEMPTS_KEY));
const saveAttempts = (ctx: RedeemContext, state: AttemptState) => ctx.outbox.setState(ATTEMPTS_KEY, JSON.stringify(state));

function unknownCode(ctx: RedeemContext): never {
  saveAttempts(ctx, recordFailure(attempts(ctx), ctx.now()));
  refuse('invitation_unknown');
}

function redeemFromCache(ctx: RedeemContext, code: string, display: string): Promise<InvitationRedemption> {
  const key = ctx.outbox.codeKey();
  if (!key) {
    throw new KioskError('backend_unavailable', 'The backend cannot be reached, and this kiosk has not yet received what it needs to check codes offline. Please ask the staff for help.');
  }
  const row = ctx.outbox.invitationByHash(codeHash(key, code));
  if (!row) unknownCode(ctx);
  saveAttempts(ctx, recordSuccess(attempts(ctx)));
  const sessionStatus = row.session_id
    ? ((ctx.db.prepare('SELECT status FROM interview_sessions WHERE id = ?').get(row.session_id) as { status: string } | undefined)?.status ?? null)
    : null;
  const check = checkCachedInvitation(row, ctx.deviceId, ctx.now(), sessionStatus);
  if (!check.ok) refuse(check.reason);
  if (!check.reuse) {
    const at = new Date(ctx.now()).toISOString();
    ctx.db.transaction(() => {
      // The code itself is kept only until the server has confirmed this redemption (the RPC needs it).
      ctx.db.prepare(`UPDATE invitations SET status = 'redeemed', redeemed_at = ?, redeemed_by_device = ?, updated_at = ?,
        pending_code = ? WHERE id = ? AND status = 'open'`).run(at, ctx.deviceId, at, code, row.id);
      ctx.outbox.enqueue('invitation_redeem', row.id, null, ctx.now());
    })();
    ctx.log?.(`invitation ${row.id} redeemed offline; the redemption is queued for the backend`);
  }
  return answer(ctx, row, display, true);
}

export async function redeemInvitation(ctx: RedeemContext, typed: string): Promise<InvitationRedemption> {
  const code = normalizeCode(typed);
  if (!ctx.configured) {
    throw new KioskError('not_configured', 'This kiosk is not connected to a backend, so invitation codes cannot be checked. Ask the staff to choose the candidate and position instead.');
  }
  if (code === '' || typed.length > 200) {
    throw new KioskError('invalid_request', 'That does not look like an invitation code. Please type it exactly as written.');
  }
  // Online and offline alike: after wrong codes the next one waits (escalating), and the window's limit holds.
  const gate = attemptGate(attempts(ctx), ctx.now());
  if (!gate.ok) throw new KioskError('too_many_attempts', tooManyAttemptsMessage(gate.retryAt, ctx.now()));
  if (!ctx.remote) return redeemFromCache(ctx, code, typed.trim());

  for (let attempt = 0; attempt < 2; attempt++) {
    const auth = await ctx.remote.ensureToken();
    if (!auth.ok) return redeemFromCache(ctx, code, typed.trim()); // offline, or signed out meanwhile: the cache still answers
    const res = await ctx.remote.rpc('redeem_invitation', { p_token: code, p_device: ctx.deviceId });
    if (res.ok) {
      const parsed = redeemAnswerSchema.safeParse(res.value);
      if (!parsed.success) {
        // The server may have redeemed it; the cache path queues the RPC again, which is safe for this device.
        ctx.log?.('redeem_invitation answered with an unexpected shape; using the cache');
        return redeemFromCache(ctx, code, typed.trim());
      }
      if (parsed.data.outcome === 'unknown') unknownCode(ctx);
      saveAttempts(ctx, recordSuccess(attempts(ctx)));
      storeRedeemed(ctx.db, parsed.data.invitation);
      return answer(ctx, parsed.data.invitation, typed.trim(), false);
    }
    if (res.error.code === 'KI429') {
      // The server's window is full: hold this kiosk back as long as the server will.
      const retryAt = Date.parse(/retry after (.+)$/.exec(res.error.details ?? '')?.[1] ?? '') || ctx.now() + ATTEMPT_LIMIT.windowMs;
      saveAttempts(ctx, { ...attempts(ctx), notBefore: retryAt });
      throw new KioskError('too_many_attempts', tooManyAttemptsMessage(retryAt, ctx.now()));
    }
    const refusal = refusalFromCode(res.error.code);
    if (refusal) {
      // Keep the cache honest so an offline retry of the same code gives the same answer.
      const key = ctx.outbox.codeKey();
      const hash = key ? codeHash(key, code) : null;
      if (hash && refusal === 'invitation_expired') {
        ctx.db.prepare(`UPDATE invitations SET status = 'expired' WHERE token = ? AND status = 'open'`).run(hash);
      }
      if (hash && refusal === 'invitation_used') {
        ctx.db.prepare(`UPDATE invitations SET status = 'redeemed', redeemed_at = coalesce(redeemed_at, ?) WHERE token = ? AND status = 'open'`)
          .run(new Date(ctx.now()).toISOString(), hash);
      }
      refuse(refusal);
    }
    if (res.error.code === '22023') {
      throw new KioskError('invalid_request', 'That does not look like an invitation code. Please type it exactly as written.');
    }
    const action = classifyError(res.error);
    if (action === 'refresh' && attempt === 0) {
      const r = await ctx.remote.refresh();
      if (r.ok) continue;
      return redeemFromCache(ctx, code, typed.trim());
    }
    if (action === 'retry') {
      ctx.log?.(`redeem_invitation unavailable (${describeError(res.error)}); checking the cached invitations`);
      return redeemFromCache(ctx, code, typed.trim());
    }
    throw new KioskError('backend_unavailable', `The backend refused to check the code: ${describeError(res.error)}`);
  }
  return redeemFromCache(ctx, code, typed.trim());
}

/** createSession({ invitationId }): the invitation must be redeemed by this kiosk for this candidate and position. */
export function checkInvitationForSession(outbox: Outbox, db: KioskDatabase, deviceId: string, invitationId: string, candidateId: string, positionId: string): void {
  const inv = outbox.invitation(invitationId);
  if (!inv) throw new KioskError('not_found', `There is no invitation ${invitationId} on this kiosk.`);
  if (inv.status !== 'redeemed' || inv.redeemed_by_device !== deviceId) {
    throw new KioskError(inv.status === 'completed' ? 'invitation_used' : 'conflict',
      inv.status === 'completed' ? INVITATION_MESSAGES.invitation_used : 'This invitation has not been redeemed at this kiosk. Type the code first.');
  }
  if (inv.candidate_id !== candidateId || inv.position_id !== positionId) {
    throw new KioskError('conflict', 'The invitation is for a different candidate or position.');
  }
  if (inv.session_id) {
    const s = db.prepare('SELECT status FROM interview_sessions WHERE id = ?').get(inv.session_id) as { status: string } | undefined;
    if (s?.status === 'completed') refuse('invitation_used');
  }
}

export function linkInvitation(db: KioskDatabase, invitationId: string, sessionId: string): void {
  db.prepare('UPDATE invitations SET session_id = ?, updated_at = ? WHERE id = ?').run(sessionId, new Date().toISOString(), invitationId);
}

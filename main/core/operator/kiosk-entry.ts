// Who may start, resume and read an interview on a kiosk in a public room (kiosk mode). Whoever walks up gets
// nothing of anyone else: no candidate list, no earlier summary, no interrupted interview. Enforced here, main-side,
// around the composed api; the screens only follow.
//
// - A candidate starts with their invitation code (redeemInvitation → createSession({ invitationId }), checked by
//   the sync feature), or the operator chooses the candidate behind the PIN (authorizeCandidate → a one-time
//   ticket → createSession({ operatorTicket })). Anything else is refused.
// - getSetupData lists candidates only while the operator is unlocked; redemptions carry no email.
// - An interview continues only in the calls of the renderer that started it. After a restart or reload it resumes
//   only once the operator has asked for it (getResumableSession while unlocked), or once the candidate has typed
//   their own invitation code again (that code's interrupted interview, and no other); for anyone else there is none.
// - A candidate who declines after the disclosure leaves a notice for the operator; their screen gets it back
//   without any name (the operator reads the names behind the PIN).
// - The summary carries counts, not the transcript, and is forgotten SUMMARY_MS after the end (the screen goes back
//   to the welcome before that); only the unlocked operator reads it afterwards.
// Recruiter mode (a recruiter's own desk) keeps the open rules.
import { randomBytes } from 'node:crypto';
import { KioskError, type KioskApi, type OperatorTicket, type SessionSummary } from '../../../preload/contract';
import type { OperatorLock } from './lock';

export const SUMMARY_MS = 30_000;
export const TICKET_MS = 10 * 60_000;

export interface KioskEntryOptions {
  now: () => number;
  /** How long a candidate's summary stays readable after the end (tests shorten it). */
  summaryMs?: number;
  /** The interrupted (in progress) interview an invitation started on this kiosk, if any. */
  interruptedSessionOf?: (invitationId: string) => string | null;
}

/** Pure: what a candidate's screen may see of a summary. */
export function redactSummary(full: SessionSummary, clearAfterMs: number): SessionSummary {
  return {
    session: { ...full.session, candidateName: '' },
    entries: [],
    durationMs: full.durationMs,
    recording: full.recording,
    counts: { entries: full.entries.length, saved: full.entries.filter((e) => e.saved).length },
    clearAfterMs,
  };
}

export function guardKioskEntry(api: KioskApi, lock: OperatorLock, options: KioskEntryOptions): void {
  const now = options.now;
  const summaryMs = options.summaryMs ?? SUMMARY_MS;
  const inner = { ...api };
  const operatorHere = () => lock.state().adminOpen;
  /** extraTime: the operator chose extra time for this candidate when starting them. */
  const tickets = new Map<string, { candidateId: string; positionId: string; until: number; extraTime: boolean }>();
  /** Sessions whose calls this run may place: started here, or resumed by the operator. */
  const callable = new Set<string>();
  /** Sessions the operator chose to resume: the next 'restart' call of each is allowed once. */
  const resumes = new Set<string>();
  /** Interrupted interviews whose candidate typed their own code again: offered to the screen until these times. */
  const byCode = new Map<string, number>();
  /** Summaries a candidate's screen may still read, until these times. */
  const summaries = new Map<string, number>();
  /** Invitations redeemed on this screen: who they are for, until these times (a decline must name one). */
  const redeemed = new Map<string, { candidateId: string; positionId: string; until: number }>();

  /** Uses up an operator ticket for this candidate and position; null when it is unknown, expired or for others. */
  const takeTicket = (ticket: string, candidateId: string, positionId: string): { extraTime: boolean } | null => {
    const t = tickets.get(ticket);
    tickets.delete(ticket); // one use, right or wrong
    return t && t.until >= now() && t.candidateId === candidateId && t.positionId === positionId ? { extraTime: t.extraTime } : null;
  };

  api.authorizeCandidate = async ({ candidateId, positionId, extraTime }): Promise<OperatorTicket> => {
    const setup = await inner.getSetupData();
    if (!setup.candidates.some((c) => c.id === candidateId) || !setup.positions.some((p) => p.id === positionId)) {
      throw new KioskError('not_found', 'That candidate or position is not on this kiosk.');
    }
    const ticket = randomBytes(32).toString('base64url');
    tickets.set(ticket, { candidateId, positionId, until: now() + TICKET_MS, extraTime: extraTime ?? false });
    return { ticket };
  };

  if (!lock.state().kioskMode) return;

  api.getSetupData = async () => {
    const setup = await inner.getSetupData();
    return operatorHere() ? setup : { ...setup, candidates: [] };
  };

  api.redeemInvitation = async (request) => {
    const r = await inner.redeemInvitation(request);
    redeemed.set(r.invitationId, { candidateId: r.candidate.id, positionId: r.position.id, until: now() + TICKET_MS });
    const interrupted = options.interruptedSessionOf?.(r.invitationId) ?? null;
    if (interrupted) byCode.set(interrupted, now() + TICKET_MS);
    return { ...r, candidate: { ...r.candidate, email: null }, ...(interrupted ? { resumeSessionId: interrupted } : {}) };
  };

  api.createSession = async (request) => {
    const { operatorTicket, ...rest } = request;
    let operatorExtraTime = false;
    if (operatorTicket !== undefined) {
      const taken = takeTicket(operatorTicket, rest.candidateId, rest.positionId);
      if (!taken) {
        throw new KioskError('operator_locked', 'This start was not authorised by the operator (or the authorisation expired). Ask the staff to start it again.');
      }
      operatorExtraTime = taken.extraTime;
    } else if (rest.invitationId === undefined) {
      throw new KioskError('operator_locked', 'On this kiosk an interview starts with an invitation code, or the staff start it for you.');
    }
    // The operator's extra time is the ticket's, never the screen's word: it holds whatever the request says, and a
    // request may not claim it without such a ticket.
    if (rest.extraTimeBy === 'operator' && !operatorExtraTime) {
      throw new KioskError('operator_locked', 'Only the staff can arrange extra time on their side: ask them to start the interview with extra time, or ask for it on the pre-flight screen.');
    }
    const session = await inner.createSession(operatorExtraTime ? { ...rest, extraTime: true, extraTimeBy: 'operator' } : rest);
    callable.add(session.id);
    return session;
  };

  api.declineInterview = async (request) => {
    const { invitationId, operatorTicket, ...rest } = request;
    // A notice only from whoever reached the disclosure for this candidate: a walk-up cannot file one for anybody.
    const viaCode = invitationId !== undefined && (() => {
      const r = redeemed.get(invitationId);
      return !!r && r.until >= now() && r.candidateId === rest.candidateId && r.positionId === rest.positionId;
    })();
    const viaTicket = !viaCode && operatorTicket !== undefined && takeTicket(operatorTicket, rest.candidateId, rest.positionId) !== null;
    if (!viaCode && !viaTicket && !operatorHere()) {
      throw new KioskError('operator_locked', 'On this kiosk an interview is declined after an invitation code, or the staff handle it.');
    }
    const notice = await inner.declineInterview(rest);
    return operatorHere() ? notice : { ...notice, candidateName: '', positionTitle: '' };
  };

  api.getResumableSession = async () => {
    const session = await inner.getResumableSession();
    if (!session) return null;
    const codeUntil = byCode.get(session.id);
    // A walk-up never sees (or continues) someone else's interview: only the operator, or the candidate whose own
    // code started it.
    if (!operatorHere() && !(codeUntil !== undefined && codeUntil > now())) return null;
    resumes.add(session.id);
    return session;
  };

  api.startCall = async (request) => {
    const id = request.sessionId;
    if (request.reason === 'restart' && resumes.delete(id)) {
      callable.add(id);
      byCode.delete(id);
    }
    else if (!callable.has(id)) {
      throw new KioskError('operator_locked', 'This interview was interrupted; the staff can resume it from the operator screen.');
    }
    return inner.startCall(request);
  };

  api.endInterview = async (request) => {
    const full = await inner.endInterview(request);
    callable.delete(request.sessionId);
    summaries.set(request.sessionId, now() + summaryMs);
    return redactSummary(full, summaryMs);
  };

  api.getSessionSummary = async (request) => {
    const full = await inner.getSessionSummary(request);
    if (operatorHere()) return full;
    const until = summaries.get(request.sessionId);
    if (until === undefined || until <= now()) {
      summaries.delete(request.sessionId);
      throw new KioskError('not_found', 'That summary is no longer shown on this kiosk.');
    }
    return redactSummary(full, Math.max(0, until - now()));
  };
}

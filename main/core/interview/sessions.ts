// Interview sessions: the setup data to choose from, creating a session, its summary, and finding one left in
// progress. Every other part of the interview looks sessions up here.
import { randomUUID } from 'node:crypto';
import { KioskError, type KioskSlice, type SessionSummary, type SetupData } from '../../../preload/contract';
import type { KioskEventEmitter } from '../api/events';
import type { KioskDatabase } from '../db/database';
import { sessionView, type KioskStore, type SessionRow } from '../db/store';
import { findResumableSession } from '../recovery/policy';

export interface SessionsDeps {
  db: KioskDatabase;
  store: KioskStore;
  events: KioskEventEmitter;
  /** Invitation checks (the sync feature): a session made from an invitation is linked to it. */
  invitations: {
    checkInvitation(invitationId: string, candidateId: string, positionId: string): void;
    linkInvitation(invitationId: string, sessionId: string): void;
    /** The signed-in device's tenant (its token's app_metadata.tenant_id), null when signed out or unknown. */
    signedInTenant?(): string | null;
  };
  /** Kiosk mode: interviews open with an unscored warm-up question unless the request says otherwise. */
  kioskMode?: boolean;
}

export function createSessions(deps: SessionsDeps) {
  const { store, events } = deps;

  function require(sessionId: string): SessionRow {
    const row = store.session(sessionId);
    if (!row) throw new KioskError('not_found', `There is no interview session ${sessionId} on this kiosk.`);
    return row;
  }

  function emit(sessionId: string): void {
    const row = store.session(sessionId);
    if (row) events.emit('session', sessionView(row));
  }

  function summary(sessionId: string): SessionSummary {
    const row = require(sessionId);
    const rec = store.recording(sessionId);
    const start = row.start_time ? Date.parse(row.start_time) : null;
    const end = row.end_time ? Date.parse(row.end_time) : null;
    return {
      session: sessionView(row),
      entries: store.entries(sessionId),
      durationMs: start !== null && end !== null ? Math.max(0, end - start) : null,
      recording: rec ? { bytes: rec.bytes, finalized: rec.finalized === 1, startOffsetMs: rec.start_offset_ms ?? null } : null,
    };
  }

  const api = {
    async getSetupData(): Promise<SetupData> {
      const tenant = store.tenant(deps.invitations.signedInTenant?.() ?? null);
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

    async createSession({ candidateId, positionId, recordingConsent, invitationId, consent, extraTime, extraTimeBy, warmUp }) {
      const candidate = store.candidate(candidateId);
      if (!candidate) throw new KioskError('not_found', `There is no candidate ${candidateId} on this kiosk.`);
      const position = store.position(positionId);
      if (!position) throw new KioskError('not_found', `There is no position ${positionId} on this kiosk.`);
      if (candidate.tenantId !== position.tenantId) {
        throw new KioskError('conflict', 'The candidate and the position belong to different companies.');
      }
      if (invitationId) deps.invitations.checkInvitation(invitationId, candidateId, positionId);
      const id = randomUUID();
      deps.db.transaction(() => {
        store.insertSession({
          id, tenantId: position.tenantId, candidateId, positionId, recordingConsent, consent: consent ?? null,
          extraTime: extraTime ?? false, ...(extraTime && extraTimeBy ? { extraTimeBy } : {}), warmUp: warmUp ?? deps.kioskMode ?? false,
          // Frozen here: every call of this interview is the same interviewer (name, voice), whatever a pull changes.
          persona: position.persona,
        });
        if (invitationId) deps.invitations.linkInvitation(invitationId, id);
      })();
      const view = sessionView(store.session(id)!);
      events.emit('session', view);
      return view;
    },

    async getSessionSummary({ sessionId }) {
      return summary(sessionId);
    },

    async getResumableSession() {
      const id = findResumableSession(deps.db);
      const row = id ? store.session(id) : null;
      return row ? sessionView(row) : null;
    },
  } satisfies KioskSlice<'getSetupData' | 'createSession' | 'getSessionSummary' | 'getResumableSession'>;

  return { require, emit, summary, api };
}

export type Sessions = ReturnType<typeof createSessions>;

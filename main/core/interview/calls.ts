// The interview's Realtime calls: the SDP exchange with the key (main-side only), the session config, and the
// resume policy — a call after the first continues the interview with its context restored from the local
// transcript. A replaced call is hung up server-side.
import { KioskError, type CandidateControlLimits, type InterviewHold, type KioskSlice, type SettingsView, type StartCallRequest, type StartCallResult } from '../../../preload/contract';
import type { KioskStore } from '../db/store';
import { buildSessionConfig, interviewLanguage, openingEvents } from '../realtime/session-config';
import { personaFromJson } from '../realtime/persona';
import { createCall, hangupCall } from '../realtime/signalling';
import type { TargetResolver } from '../realtime/target';
import { buildResumeContext, worthResuming } from '../recovery/context';
import { REALTIME_SESSION_LIMIT_MS, rolloverAfterMs, type RecoveryOptions } from '../recovery/policy';
import { orderedEntries, withCall } from '../transcript/reducer';
import type { Sessions } from './sessions';
import type { LiveCall, Transcripts } from './transcript';

export interface CallsDeps {
  store: KioskStore;
  sessions: Sessions;
  transcripts: Transcripts;
  targets: TargetResolver;
  settings: () => Pick<SettingsView, 'practiceMode' | 'model' | 'voice'> & Partial<Pick<SettingsView, 'audioProfile' | 'transcriptionModel'>>;
  recovery?: RecoveryOptions;
  /** The practice emulator's own session limit, if set (tests shorten it). */
  practiceSessionLimitMs?: number;
  fetch?: typeof fetch;
  now: () => number;
  log: (line: string) => void;
  controlLimits?: () => CandidateControlLimits;
  /** What the interview waits for (main/core/interview/controls.ts). */
  holdOf?: (sessionId: string) => InterviewHold;
}

export function createCalls(deps: CallsDeps) {
  const { store, sessions, transcripts, now, log } = deps;
  const pendingHangups = new Set<Promise<unknown>>();

  function hangupQuietly(call: LiveCall): void {
    const p = hangupCall({ baseUrl: call.baseUrl, apiKey: call.apiKey, ...(deps.fetch ? { fetch: deps.fetch } : {}) }, call.id)
      .then((ok) => void (ok || log(`hangup of ${call.id} was not acknowledged (the call ends with the peer connection anyway)`)))
      .catch((error: unknown) => log(`hangup of ${call.id} failed: ${String(error)}`))
      .finally(() => pendingHangups.delete(p));
    pendingHangups.add(p);
  }

  const api = {
    async startCall({ sessionId, offerSdp, reason }: StartCallRequest): Promise<StartCallResult> {
      const row = sessions.require(sessionId);
      if (row.status === 'completed' || row.status === 'failed') {
        throw new KioskError('conflict', `This interview is already ${row.status}; start a new one from the setup screen.`);
      }
      const position = store.position(row.position_id);
      const tenant = store.tenantById(row.tenant_id);
      if (!position || !tenant) throw new KioskError('not_found', 'The position or company of this interview is missing on this kiosk.');
      const settings = deps.settings();
      const config = buildSessionConfig(position, tenant, {
        model: settings.model,
        voice: settings.voice,
        persona: personaFromJson(row.persona),
        language: interviewLanguage(position.language, row.consent),
        turnDetection: position.turnDetection,
        extraTime: row.extra_time === 1,
        warmUp: row.warm_up === 1,
        ...(settings.audioProfile ? { audioProfile: settings.audioProfile } : {}),
        ...(settings.transcriptionModel ? { transcriptionModel: settings.transcriptionModel } : {}),
      });
      const target = await deps.targets.forCall();
      const { callId, answerSdp } = await createCall(
        { ...target, ...(deps.fetch ? { fetch: deps.fetch } : {}) },
        offerSdp,
        config,
      );

      // Re-read: the row may have changed while the request was in flight.
      const current = sessions.require(sessionId);
      const startedAtMs = current.start_time ? Date.parse(current.start_time) : now();
      const at = new Date(now()).toISOString();
      const calls = [...store.calls(current), { id: callId, startedAt: at, offsetMs: Math.max(0, now() - startedAtMs) }];
      store.updateSession(current, {
        status: 'in_progress',
        startTime: current.start_time ?? new Date(startedAtMs).toISOString(),
        calls,
        reason: 'call started',
      });
      const s = transcripts.liveFor(current);
      // A call after the first one continues the interview: what the last call left unfinished ends here (it
      // will get no more events), and the new call gets the context back from the local transcript.
      const earlier = s.call;
      const resumeFrom = calls.length > 1 || s.transcript.entries.size > 0;
      let opening = openingEvents();
      let resumed = false;
      if (resumeFrom) {
        transcripts.finalize(sessionId, s);
        if (reason === 'restart') transcripts.replay(sessionId);
        const history = orderedEntries(s.transcript);
        if (worthResuming(history)) {
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
      sessions.emit(sessionId);
      const limit = deps.recovery?.sessionLimitMs ?? (settings.practiceMode ? deps.practiceSessionLimitMs : undefined) ?? REALTIME_SESSION_LIMIT_MS;
      return {
        callId,
        answerSdp,
        openingEvents: opening,
        resumed,
        rolloverAfterMs: rolloverAfterMs(limit, deps.recovery?.rolloverMarginMs),
        ...(deps.controlLimits ? { controls: deps.controlLimits() } : {}),
        ...(deps.holdOf ? { hold: deps.holdOf(sessionId) } : {}),
        interviewStartedAt: new Date(startedAtMs).toISOString(),
      };
    },
  } satisfies KioskSlice<'startCall'>;

  return {
    api,
    hangupQuietly,
    /** Waits for the hangups still on their way. */
    settle: () => Promise.allSettled([...pendingHangups]),
  };
}

export type Calls = ReturnType<typeof createCalls>;

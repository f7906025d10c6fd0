// The candidate's controls during the interview: repeat the last question, a typed answer, "I need help", a
// break, and the "Still there?" steps. Each is recorded (interview_events; a typed answer as its transcript entry,
// marked typed; help as an operator notice), the room view's kiosk state follows help and breaks, and the answer
// names the events the renderer sends on the call: a note to the interviewer as a conversation item, then a BARE
// response.create. The session instructions are never touched: a response.create carrying `instructions` would
// replace them for that response (openapi.yaml RealtimeClientEventResponseCreate).
import { randomBytes, randomUUID } from 'node:crypto';
import {
  KioskError,
  MAX_TYPED_ANSWER_CHARS,
  type SettingsView,
  type CallAction,
  type CandidateControl,
  type CandidateControlLimits,
  type CandidateControlRequest,
  type CandidateControlResult,
  type InterviewHold,
  type KioskSlice,
  type KioskState,
} from '../../../preload/contract';
import type { NoticeStore } from '../candidate/notices';
import type { KioskDatabase } from '../db/database';
import { CONTROL_SETTINGS } from '../settings/types';
import { wireEvent } from '../realtime/client-events';
import { CONTROL_ITEM_PREFIX, TYPED_ITEM_PREFIX } from '../transcript/ids';
import type { Sessions } from './sessions';
import type { Transcripts } from './transcript';

/** About how many questions an interview has: the interviewer is told "about four to six" (session-config.ts). */
export const EXPECTED_QUESTIONS = 6;

/** The limits in effect, from the operator's settings (defaults where unset). Pure. */
export function controlLimits(view: Pick<SettingsView, 'candidateControls'>): CandidateControlLimits {
  const c = view.candidateControls;
  return {
    breakLimitMs: (c?.breakLimitSec ?? CONTROL_SETTINGS.breakLimitSec.default) * 1000,
    stillThereAfterMs: (c?.stillThereAfterSec ?? CONTROL_SETTINGS.stillThereAfterSec.default) * 1000,
    checkInAfterMs: (c?.checkInAfterSec ?? CONTROL_SETTINGS.checkInAfterSec.default) * 1000,
    maxTypedChars: MAX_TYPED_ANSWER_CHARS,
    expectedQuestions: EXPECTED_QUESTIONS,
  };
}

/**
 * What the interviewer is told, as system items (the model follows them; the practice emulator recognises the
 * phrases "say your last question again", "then wait" and "check in", see main/simulator/interviewer.ts).
 */
export const CONTROL_CUES = {
  repeat: 'The candidate pressed "Repeat the question". Say your last question again, in the same words, and nothing else. Do not count it as a new question.',
  help: 'The candidate pressed "I need help": a person from the staff is on the way. Tell the candidate in one short sentence that help is coming and that you will wait, then wait silently until the interview continues.',
  break: 'The candidate is taking a short break and their microphone is paused. Say in one short sentence that this is fine and that you will wait, then wait silently until the interview continues.',
  silencePause: 'The candidate has not answered for a while. Say in one short sentence that you will pause the interview and that they can continue whenever they are ready, then wait silently.',
  resume: 'The candidate is back and the interview continues. Welcome them back in one short sentence, then say your last question again, in the same words.',
  resumeAtLimit: 'The break has reached its time limit. Check in aloud: ask kindly whether the candidate is ready to continue, then say your last question again, in the same words.',
  checkIn: 'The candidate has been silent for a while after your question. Check in aloud, kindly and briefly: ask whether they are still there, and offer to repeat the question or give them more time. Do not end the interview.',
} as const;

type EventKind = 'repeat' | 'help' | 'break' | 'resume' | 'still_there' | 'still_here' | 'check_in';

export interface ControlsDeps {
  db: KioskDatabase;
  sessions: Sessions;
  transcripts: Transcripts;
  notices: NoticeStore;
  /** The room view's kiosk state (main/core/sync presence); absent without one. */
  setKioskState?: (state: KioskState, detail: { question?: number | null; sessionId?: string | null }) => void;
  limits: () => CandidateControlLimits;
  now: () => number;
  log: (line: string) => void;
}

/** A note to the interviewer and a bare response.create (pure). */
export function cueActions(itemId: string, text: string): CallAction[] {
  return [
    { kind: 'send', event: wireEvent({ type: 'conversation.item.create', item: { id: itemId, type: 'message', role: 'system', content: [{ type: 'input_text', text }] } }) },
    { kind: 'send', event: wireEvent({ type: 'response.create' }) },
  ];
}

/** What the interview waits for after the latest help/break/resume event (pure). */
export function holdAfter(kind: EventKind | null): InterviewHold {
  return kind === 'help' ? 'help' : kind === 'break' ? 'break' : 'none';
}

export function createControls(deps: ControlsDeps) {
  const { db, sessions, transcripts, notices } = deps;
  const insertEvent = db.prepare(`INSERT INTO interview_events (id, session_id, kind, at_ms, detail, created_at)
    VALUES (@id, @session_id, @kind, @at_ms, @detail, @created_at)`);
  const lastHoldEvent = db.prepare(`SELECT kind FROM interview_events WHERE session_id = ? AND kind IN ('help', 'break', 'resume')
    ORDER BY created_at DESC, rowid DESC LIMIT 1`).pluck();
  const resolveHelp = db.prepare(`UPDATE operator_notices SET resolved_at = ? WHERE session_id = ? AND kind = 'help' AND resolved_at IS NULL`);

  const newItemId = (prefix: string) => `${prefix}${randomBytes(8).toString('hex')}`;

  function record(sessionId: string, startTime: string | null, kind: EventKind, detail: Record<string, unknown> = {}): void {
    const now = deps.now();
    insertEvent.run({
      id: randomUUID(), session_id: sessionId, kind,
      at_ms: startTime ? Math.max(0, Math.round(now - Date.parse(startTime))) : null,
      detail: JSON.stringify(detail), created_at: new Date(now).toISOString(),
    });
  }

  function holdOf(sessionId: string): InterviewHold {
    return holdAfter((lastHoldEvent.get(sessionId) as EventKind | undefined) ?? null);
  }

  function apply(sessionId: string, control: CandidateControl): CandidateControlResult {
    const row = sessions.require(sessionId);
    if (row.status !== 'in_progress') {
      throw new KioskError('conflict', row.status === 'scheduled' ? 'The interview has not started yet.' : 'This interview has ended.');
    }
    const hold = holdOf(sessionId);
    const cue = (text: string) => cueActions(newItemId(CONTROL_ITEM_PREFIX), text);
    const asked = () => transcripts.progressOf(sessionId).asked;
    switch (control.kind) {
      case 'repeat': {
        if (hold !== 'none') throw new KioskError('conflict', 'The interview is paused: continue it first.');
        record(sessionId, row.start_time, 'repeat');
        return { actions: cue(CONTROL_CUES.repeat), hold };
      }
      case 'typed': {
        if (hold !== 'none') throw new KioskError('conflict', 'The interview is paused: continue it first, then send your answer.');
        const itemId = newItemId(TYPED_ITEM_PREFIX);
        const entry = transcripts.typedAnswer(row, itemId, control.text);
        const item = { id: itemId, type: 'message' as const, role: 'user' as const, content: [{ type: 'input_text' as const, text: control.text }] };
        return {
          actions: [
            { kind: 'send', event: wireEvent({ type: 'conversation.item.create', item }) },
            { kind: 'send', event: wireEvent({ type: 'response.create' }) },
          ],
          hold,
          entry,
        };
      }
      case 'help': {
        if (hold === 'help') return { actions: [], hold };
        const notice = notices.add({ kind: 'help', candidateId: row.candidate_id, positionId: row.position_id, sessionId });
        record(sessionId, row.start_time, 'help', { notice: notice.id });
        deps.setKioskState?.('help_requested', { sessionId });
        deps.log(`session ${sessionId}: the candidate asked for help (notice ${notice.id})`);
        return {
          actions: [{ kind: 'notice', level: 'info', message: 'The candidate asked for help (the operator has a notice); the interview waits.' }, ...cue(CONTROL_CUES.help)],
          hold: 'help',
        };
      }
      case 'break': {
        if (hold !== 'none') return { actions: [], hold };
        const { breakLimitMs } = deps.limits();
        record(sessionId, row.start_time, 'break', { by: control.by, limitMs: breakLimitMs });
        deps.setKioskState?.('paused', { sessionId });
        return { actions: cue(control.by === 'silence' ? CONTROL_CUES.silencePause : CONTROL_CUES.break), hold: 'break' };
      }
      case 'resume': {
        if (hold === 'none') return { actions: [], hold };
        record(sessionId, row.start_time, 'resume', { from: hold, by: control.by });
        if (hold === 'help') resolveHelp.run(new Date(deps.now()).toISOString(), sessionId);
        deps.setKioskState?.('interviewing', { sessionId, question: asked() || null });
        const text = control.by === 'limit' ? CONTROL_CUES.resumeAtLimit : CONTROL_CUES.resume;
        return { actions: cue(text), hold: 'none' };
      }
      case 'still_there':
      case 'still_here':
        record(sessionId, row.start_time, control.kind);
        return { actions: [], hold };
      case 'check_in': {
        if (hold !== 'none') return { actions: [], hold };
        record(sessionId, row.start_time, 'check_in');
        return { actions: cue(CONTROL_CUES.checkIn), hold };
      }
    }
  }

  const api = {
    async candidateControl({ sessionId, control }: CandidateControlRequest): Promise<CandidateControlResult> {
      return apply(sessionId, control);
    },
  } satisfies KioskSlice<'candidateControl'>;

  return { api, holdOf };
}

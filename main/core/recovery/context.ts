// Restoring a Realtime conversation in a new call (reconnect, rollover, resume after a crash). PURE.
//
// A new Realtime call starts with an empty conversation (realtime-protocol.md §5: no resume). Main rebuilds the
// context from the local transcript and hands it to the renderer as the call's opening events:
//   1. a system item summarising the earlier turns (only when the history is long: bounded context keeps the
//      resumed session fast — long contexts make every response slower),
//   2. the most recent turns verbatim (candidate → user `input_text`, interviewer → assistant `output_text`),
//   3. a system note that the interview resumes (models otherwise greet again),
//   4. response.create, whose instructions repeat the note.
// Replayed items get fresh ids (`rs<call>_<n>`), never the original item ids: the original entries keep their
// stored previous_item_id links, and the new call's chain starts at its own root, which the transcript reducer
// orders after every earlier entry (roots are ordered by arrival). Item ids are ≤ 64 chars of [A-Za-z0-9_-].
import type { RealtimeClientEvent, Speaker } from '../../../preload/contract';

export interface HistoryTurn {
  speaker: Speaker;
  text: string;
  status: 'in_progress' | 'final' | 'failed';
}

export interface ResumeContextOptions {
  /** Which call of the interview this is (1 = the first reconnect); makes the replayed ids unique per call. */
  callIndex: number;
  /** Turns replayed verbatim (the most recent ones). Default 8. */
  verbatimTurns?: number;
  /** Longest text of one replayed turn (characters); longer ones are cut with an ellipsis. Default 1,500. */
  maxTurnChars?: number;
  /** Longest summary of the earlier turns (characters); the oldest lines go first. Default 4,000. */
  maxSummaryChars?: number;
  /** Why the call is new, in the note: 'reconnect' (connection problem), 'rollover' (session limit), 'restart'. */
  reason?: 'reconnect' | 'rollover' | 'restart';
}

export interface ResumeContext {
  events: RealtimeClientEvent[];
  /** What was replayed, for logs and tests. */
  verbatim: number;
  summarised: number;
  /** Interviewer questions already asked (all of them, verbatim or summarised). */
  questionsAsked: number;
}

export const DEFAULT_VERBATIM_TURNS = 8;
const DEFAULT_MAX_TURN_CHARS = 1500;
const DEFAULT_MAX_SUMMARY_CHARS = 4000;
/** One summary line per earlier turn: interviewer questions stay recognisable, answers are cut shorter. */
const SUMMARY_QUESTION_CHARS = 240;
const SUMMARY_ANSWER_CHARS = 120;

const REASONS: Record<NonNullable<ResumeContextOptions['reason']>, string> = {
  reconnect: 'after a connection problem',
  rollover: 'in a new session (the previous one reached its time limit)',
  restart: 'after the kiosk restarted',
};

export function resumeNote(reason: NonNullable<ResumeContextOptions['reason']>): string {
  return (
    `The interview is resuming ${REASONS[reason]}. The conversation so far is above. ` +
    'Do not greet the candidate again and do not introduce yourself again. Do not repeat questions you have already asked. ' +
    'If the candidate was in the middle of an answer, briefly ask them to continue it; otherwise continue with the next question.'
  );
}

export function clip(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length <= max ? t : `${t.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/** The turns worth replaying: said something (empty and failed-without-text turns carry no context). */
export function replayableTurns(turns: readonly HistoryTurn[]): HistoryTurn[] {
  return turns.filter((t) => t.text.trim().length > 0);
}

/** Summary of the earlier turns: one line each, newest kept when it gets too long. */
export function summariseTurns(turns: readonly HistoryTurn[], maxChars: number): string {
  const lines = turns.map((t) =>
    t.speaker === 'interviewer' ? `Interviewer asked: ${clip(t.text, SUMMARY_QUESTION_CHARS)}` : `Candidate answered: ${clip(t.text, SUMMARY_ANSWER_CHARS)}`,
  );
  const header = `Summary of the earlier part of this interview (${turns.length} turns, oldest first):`;
  // Drop the oldest lines until it fits; say how many were left out.
  let kept = lines;
  let dropped = 0;
  const render = () => [header, ...(dropped > 0 ? [`(${dropped} earlier turns omitted)`] : []), ...kept].join('\n');
  while (kept.length > 0 && render().length > maxChars) {
    kept = kept.slice(1);
    dropped++;
  }
  return render();
}

export function buildResumeContext(history: readonly HistoryTurn[], options: ResumeContextOptions): ResumeContext {
  const verbatimTurns = Math.max(0, options.verbatimTurns ?? DEFAULT_VERBATIM_TURNS);
  const maxTurnChars = options.maxTurnChars ?? DEFAULT_MAX_TURN_CHARS;
  const maxSummaryChars = options.maxSummaryChars ?? DEFAULT_MAX_SUMMARY_CHARS;
  const reason = options.reason ?? 'reconnect';
  const turns = replayableTurns(history);
  const split = Math.max(0, turns.length - verbatimTurns);
  const earlier = turns.slice(0, split);
  const recent = turns.slice(split);
  const prefix = `rs${Math.max(0, Math.floor(options.callIndex))}_`;
  let n = 0;
  const nextId = () => `${prefix}${n++}`;
  const events: RealtimeClientEvent[] = [];
  if (earlier.length > 0) {
    events.push({
      type: 'conversation.item.create',
      item: { id: nextId(), type: 'message', role: 'system', content: [{ type: 'input_text', text: summariseTurns(earlier, maxSummaryChars) }] },
    });
  }
  for (const t of recent) {
    const text = clip(t.text, maxTurnChars);
    events.push({
      type: 'conversation.item.create',
      item:
        t.speaker === 'interviewer'
          ? { id: nextId(), type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] }
          : { id: nextId(), type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
    });
  }
  const note = resumeNote(reason);
  events.push({ type: 'conversation.item.create', item: { id: nextId(), type: 'message', role: 'system', content: [{ type: 'input_text', text: note }] } });
  events.push({ type: 'response.create', response: { instructions: `${note} Speak now: continue the interview.` } });
  return {
    events,
    verbatim: recent.length,
    summarised: earlier.length,
    questionsAsked: turns.filter((t) => t.speaker === 'interviewer').length,
  };
}

/** Is this an item id the resume context made (so not a transcript entry)? */
export const isReplayedItemId = (id: string) => /^rs\d+_\d+$/.test(id);

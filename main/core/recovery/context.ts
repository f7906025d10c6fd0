// Restoring a Realtime conversation in a new call (reconnect, rollover, resume after a crash). PURE.
//
// A new Realtime call starts with an empty conversation (the service has no resume). Main rebuilds the
// context from the local transcript and hands it to the renderer as the call's opening events:
//   1. when the history is long (bounded context keeps the resumed session fast): a system item listing the
//      earlier interviewer questions, and ONE user item with the candidate's earlier answers — the candidate's
//      words never go into a system item, where they would carry the system role's authority (prompt injection);
//   2. the most recent turns verbatim (candidate → user `input_text`, interviewer → assistant `output_text`);
//   3. a system note that the interview resumes (models otherwise greet again);
//   4. a BARE response.create: `response.instructions` would replace the session instructions for that response.
// Only what the candidate HEARD is replayed: an interviewer entry holds its heard part (cut ones end with the
// interrupted mark), and a question the candidate did not hear in full is not counted as asked.
// Replayed items get fresh ids (`rs<call>_<n>`), never the original item ids: the original entries keep their
// stored previous_item_id links, and the new call's chain starts at its own root, which the transcript reducer
// orders after every earlier entry (roots are ordered by arrival). Item ids are ≤ 64 chars of [A-Za-z0-9_-].
import { wireEvents, type OpenAIClientEvent } from '../realtime/client-events';
import type { RealtimeClientEvent, Speaker } from '../../../preload/contract';
import { isInterrupted } from '../transcript/reducer';

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

/** Is there an interview to resume? Only when the candidate has said something or heard an interviewer line in
 * full. A greeting cut off in its first words (a crash or a drop at the very start) is not an interview under way:
 * the next call opens afresh and greets, or the candidate would never hear the greeting and the first question. */
export function worthResuming(turns: readonly HistoryTurn[]): boolean {
  return turns.some((t) => t.text.trim().length > 0 && (t.speaker === 'candidate' || !isInterrupted(t.text.trim())));
}

/** The turns worth replaying: said something (empty and failed-without-text turns carry no context). */
export function replayableTurns(turns: readonly HistoryTurn[]): HistoryTurn[] {
  return turns.filter((t) => t.text.trim().length > 0);
}

/** Bounded list of lines: newest kept when it gets too long. */
function boundedLines(header: string, lines: string[], maxChars: number): string {
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

/** Summary of the earlier interviewer lines (system role: only the kiosk's own words). */
export function summariseTurns(turns: readonly HistoryTurn[], maxChars: number): string {
  const questions = turns.filter((t) => t.speaker === 'interviewer');
  const lines = questions.map((t) => `${isInterrupted(t.text) ? 'Interviewer began (cut off): ' : 'Interviewer asked: '}${clip(t.text, SUMMARY_QUESTION_CHARS)}`);
  return boundedLines(`Summary of the earlier part of this interview (${turns.length} turns, oldest first; the candidate's answers follow as their own message):`, lines, maxChars);
}

/** The candidate's earlier answers, as the candidate's own (user) message. */
export function summariseAnswers(turns: readonly HistoryTurn[], maxChars: number): string {
  const lines = turns.filter((t) => t.speaker === 'candidate').map((t) => `- ${clip(t.text, SUMMARY_ANSWER_CHARS)}`);
  return boundedLines('My earlier answers, in short:', lines, maxChars);
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
  const events: OpenAIClientEvent[] = [];
  if (earlier.length > 0) {
    events.push({
      type: 'conversation.item.create',
      item: { id: nextId(), type: 'message', role: 'system', content: [{ type: 'input_text', text: summariseTurns(earlier, Math.floor(maxSummaryChars / 2)) }] },
    });
    if (earlier.some((t) => t.speaker === 'candidate')) {
      events.push({
        type: 'conversation.item.create',
        item: { id: nextId(), type: 'message', role: 'user', content: [{ type: 'input_text', text: summariseAnswers(earlier, Math.floor(maxSummaryChars / 2)) }] },
      });
    }
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
  events.push({ type: 'conversation.item.create', item: { id: nextId(), type: 'message', role: 'system', content: [{ type: 'input_text', text: `${note} Speak now: continue the interview.` }] } });
  events.push({ type: 'response.create' });
  return {
    events: wireEvents(events),
    verbatim: recent.length,
    summarised: earlier.length,
    // A question counts as asked only when the candidate heard it in full.
    questionsAsked: turns.filter((t) => t.speaker === 'interviewer' && !isInterrupted(t.text)).length,
  };
}

/** Is this an item id the resume context made (so not a transcript entry)? */
export const isReplayedItemId = (id: string) => /^rs\d+_\d+$/.test(id);

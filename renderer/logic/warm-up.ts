// The warm-up question, renderer side: which lines are the warm-up and where the interview is in it. The rule
// for where the warm-up ends is warmUpEntryCount in the contract (main's evaluation uses the same one), so the
// screens mark exactly the lines the evaluation leaves out.
import { warmUpEntryCount, type Speaker } from '../../preload/contract';

interface Line {
  id: string;
  seq: number;
  speaker: Speaker;
}

const inOrder = <T extends Line>(entries: readonly T[]): T[] => [...entries].sort((a, b) => a.seq - b.seq);

/** The ids of an interview's warm-up entries (see warmUpEntryCount): none when it had no warm-up. */
export function warmUpIds(entries: readonly Line[], warmUp: boolean): Set<string> {
  if (!warmUp) return new Set();
  const ordered = inOrder(entries);
  return new Set(ordered.slice(0, warmUpEntryCount(ordered)).map((e) => e.id));
}

/**
 * Where a live interview is for the candidate's status line: 'warm_up' while everything so far is warm-up (also
 * before the first line), 'scored_start' from the interviewer's first assessed line until its next line (the
 * moment to say the scored part has begun), then null (nothing more to say); null throughout without a warm-up.
 */
export type WarmUpStage = 'warm_up' | 'scored_start' | null;

export function warmUpStage(entries: readonly Line[], warmUp: boolean): WarmUpStage {
  if (!warmUp) return null;
  const ordered = inOrder(entries);
  const count = warmUpEntryCount(ordered);
  if (count >= ordered.length) return 'warm_up';
  const laterQuestion = ordered.slice(count + 1).some((e) => e.speaker === 'interviewer');
  return laterQuestion ? null : 'scored_start';
}

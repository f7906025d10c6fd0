// The quality gate, run before any model is asked: a technically broken interview is not scored at all. Each
// rule gives a reason in words; any reason marks the whole session "insufficient evidence" with no level.
// Pure: entries and the session's facts in, reasons out.
import type { InsufficientReason } from '../../../preload/contract';

export interface GateEntry {
  id: string;
  speaker: 'interviewer' | 'candidate';
  text: string;
  startMs: number | null;
  status: 'in_progress' | 'final' | 'failed';
}

export interface GateSession {
  status: 'scheduled' | 'in_progress' | 'completed' | 'failed';
  /** Why it ended, from the status history ('ended: operator', 'ended: end_session', 'ended: error', …). */
  endReason: string | null;
}

export const GATE_LIMITS = {
  /** Fewer words than this from the candidate over the whole interview is not enough to judge anything. */
  minCandidateWords: 60,
  /** Fewer answered turns than this: the interview ended before the questions were through. */
  minCandidateTurns: 3,
  /** More than this share of the candidate's turns failed to transcribe: what is left is not their interview. */
  maxFailedShare: 0.25,
  /** Silence in the transcript longer than this (after the last turn's estimated speaking time) is a lost connection. */
  maxGapMs: 90_000,
  /** Speaking rate used to estimate how long a turn lasted (entries carry a start time only). */
  wordsPerSecond: 2.5,
} as const;

export const wordCount = (text: string): number => (text.trim() ? text.trim().split(/\s+/u).length : 0);

export function qualityGate(entries: readonly GateEntry[], session: GateSession, limits = GATE_LIMITS): InsufficientReason[] {
  const reasons: InsufficientReason[] = [];
  const candidate = entries.filter((e) => e.speaker === 'candidate');
  const failed = candidate.filter((e) => e.status === 'failed' || (e.status === 'final' && e.text.trim() === '' && e.startMs !== null));
  const usable = candidate.filter((e) => e.status === 'final' && e.text.trim() !== '');

  if (candidate.length > 0 && failed.length / candidate.length > limits.maxFailedShare) {
    reasons.push({
      code: 'failed_transcriptions',
      message: `${failed.length} of ${candidate.length} candidate answers failed to transcribe; the rest is not a fair record of the interview.`,
    });
  }

  const words = usable.reduce((n, e) => n + wordCount(e.text), 0);
  if (words < limits.minCandidateWords) {
    reasons.push({
      code: 'too_few_words',
      message: `The candidate's transcribed answers hold ${words} words; at least ${limits.minCandidateWords} are needed to assess anything.`,
    });
  }

  const ended = session.endReason ?? '';
  if (session.status === 'failed' || /error/.test(ended)) {
    reasons.push({ code: 'ended_early', message: 'The interview ended on an error before it was finished.' });
  } else if (usable.length < limits.minCandidateTurns) {
    reasons.push({
      code: 'ended_early',
      message: `The interview ended after ${usable.length} answered question${usable.length === 1 ? '' : 's'} (at least ${limits.minCandidateTurns} are needed).`,
    });
  }

  const gap = longestGap(entries, limits.wordsPerSecond);
  if (gap !== null && gap.ms > limits.maxGapMs) {
    reasons.push({
      code: 'connection_gap',
      message: `The transcript has a silent gap of ${Math.round(gap.ms / 1000)} s after ${formatClock(gap.afterMs)} (a lost connection).`,
    });
  }
  return reasons;
}

/** The longest stretch between one turn's estimated end and the next turn's start. */
export function longestGap(entries: readonly GateEntry[], wordsPerSecond: number): { ms: number; afterMs: number } | null {
  const timed = entries.filter((e) => e.startMs !== null).sort((a, b) => a.startMs! - b.startMs!);
  let best: { ms: number; afterMs: number } | null = null;
  for (let i = 1; i < timed.length; i++) {
    const prev = timed[i - 1]!;
    const endMs = prev.startMs! + (wordCount(prev.text) / wordsPerSecond) * 1000;
    const ms = timed[i]!.startMs! - endMs;
    if (!best || ms > best.ms) best = { ms, afterMs: endMs };
  }
  return best;
}

export function formatClock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

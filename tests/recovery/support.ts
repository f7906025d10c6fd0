// Shared checks for the recovery tests and benchmark: what the emulator was told on each resumed call, and what
// reached SQLite. Every check returns a list of problems in words (empty = fine), so the bench can count them and
// the tests can assert on them with a useful message.
import { readFileSync } from 'node:fs';
import type { EmulatorCallInfo } from '../../main/simulator/index';
import { isInterrupted } from '../../main/core/transcript/reducer';
import { normalise, type DbSnapshot, type EntryRow } from '../e2e/support-interview';

/** The practice script's lines (resources/voice/manifest.json), by step. */
export const SCRIPT_LINES: string[] = (
  JSON.parse(readFileSync(new URL('../../resources/voice/manifest.json', import.meta.url), 'utf8')) as { clips: { text: string }[] }
).clips.map((c) => c.text);

/** Interviewer entries that hold a whole line: not cut off by a barge-in (marked interrupted) and not empty. The
 * lines depend on the persona the emulator read from the instructions, so they are compared with each other and
 * with what the emulator reports it spoke, never with a fixed script. */
function wholeLines(entries: EntryRow[]): EntryRow[] {
  return entries.filter((e) => e.speaker === 'interviewer' && e.text.trim() !== '' && !isInterrupted(e.text.trim()));
}

/** Introductions the candidate heard in full: a second one is a repeated greeting. The greeting line also asks the
 * first question, so a greeting cut off (by a barge-in, a drop or a crash) is rightly spoken again and does not
 * count; a whole one twice does. */
export function greetings(entries: EntryRow[]): number {
  const intro = normalise(SCRIPT_LINES[0]!).split(' ').slice(0, 3).join(' ');
  return wholeLines(entries).filter((e) => normalise(e.text).startsWith(intro)).length;
}

/**
 * Each call after the first: it was given context (a system note not to greet again, the earlier interviewer
 * lines), and its first line is neither the introduction nor a line already spoken in full before it; unless
 * nothing had been heard in full or said yet, when it must open afresh with the greeting.
 */
export function checkResumes(calls: EmulatorCallInfo[], entries: EntryRow[]): string[] {
  const problems: string[] = [];
  const spokenInFull = new Set<number>();
  // A step was heard in full when the entry of the emulator's item for it holds a whole line (same item id).
  const wholeItems = new Set(wholeLines(entries).map((e) => e.item_id));
  let candidateSpoke = false;
  calls.forEach((call, i) => {
    // Nothing heard in full and nothing said yet (a drop in the greeting's first words): the call opens afresh.
    const fresh = spokenInFull.size === 0 && !candidateSpoke;
    // The resume note marks a resumed call (a fresh opening is a system cue too, but never this note).
    const note = call.context.find((c) => c.role === 'system' && /Do not greet/.test(c.text));
    if (i > 0 && call.spoken.length > 0 && fresh) {
      if (note) problems.push(`call ${i + 1} was given context although nothing had been heard in full`);
      if (call.spoken[0]!.step !== 0) problems.push(`call ${i + 1} opened afresh but did not start with the greeting`);
    } else if (i > 0 && call.spoken.length > 0) {
      const first = call.spoken[0]!.step;
      if (call.resumedAtStep === null) problems.push(`call ${i + 1} spoke without being given the earlier context`);
      if (first === 0) problems.push(`call ${i + 1} started with the introduction again`);
      if (spokenInFull.has(first)) problems.push(`call ${i + 1} repeated step ${first} ("${SCRIPT_LINES[first]}")`);
      if (!note) problems.push(`call ${i + 1} got no resume note`);
      if (call.context.length < 2) problems.push(`call ${i + 1} got no replayed turns`);
    }
    // Lines this call spoke that reached the transcript in full count as asked for the later calls.
    for (const r of call.responses) if (r.itemId && wholeItems.has(r.itemId)) spokenInFull.add(r.step);
    if (call.userTurns > 0) candidateSpoke = true;
  });
  return problems;
}

/** Whole interviewer line (normalised) → how many entries hold it. */
function lineCounts(entries: EntryRow[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of wholeLines(entries)) counts.set(normalise(e.text), (counts.get(normalise(e.text)) ?? 0) + 1);
  return counts;
}

/** Transcript integrity: unique ids, seq 0…n-1, no whole script line twice, no replayed item stored as an entry. */
export function checkTranscript(entries: EntryRow[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const e of entries) {
    if (ids.has(e.item_id)) problems.push(`item ${e.item_id} stored twice`);
    ids.add(e.item_id);
    if (/^rs\d+_\d+$/.test(e.item_id)) problems.push(`replayed item ${e.item_id} stored as an entry`);
  }
  const seqs = entries.map((e) => e.seq).sort((a, b) => a - b);
  seqs.forEach((s, i) => s !== i && problems.push(`seq ${s} at position ${i} (gaps or duplicates)`));
  for (const [line, n] of lineCounts(entries)) if (n > 1) problems.push(`the line "${line}" is in the transcript ${n} times`);
  return problems;
}

/** How many whole interviewer lines are in the transcript more than once (each extra copy counts). */
export function repeatedLines(entries: EntryRow[]): number {
  return [...lineCounts(entries).values()].reduce((a, n) => a + Math.max(0, n - 1), 0);
}

/** An interviewer line stored as generated (text runs ahead of audio) and later cut to what the candidate heard,
 * marked interrupted: a correction, not a loss. The heard part must be a prefix of what was stored. */
function cutToHeard(before: EntryRow, after: EntryRow): boolean {
  const heard = after.text.trim();
  if (before.speaker !== 'interviewer' || !isInterrupted(heard)) return false;
  return before.text.startsWith(heard.slice(0, -1).trimEnd());
}

/** Entries committed before (a snapshot) are each present exactly once after, with their text not shortened
 * (except an interviewer line cut to its heard part). */
export function checkKept(before: EntryRow[], after: DbSnapshot): { losses: number; duplicates: number; problems: string[] } {
  const problems: string[] = [];
  let losses = 0;
  let duplicates = 0;
  for (const e of before) {
    const same = after.entries.filter((x) => x.id === e.id);
    const byItem = after.entries.filter((x) => x.item_id === e.item_id && x.session_id === e.session_id);
    if (same.length === 0) {
      losses++;
      problems.push(`entry ${e.id} (${e.speaker}: "${e.text}") was lost`);
    } else if (!same[0]!.text.startsWith(e.text.trimEnd()) && e.text.trim() !== '' && !cutToHeard(e, same[0]!)) {
      losses++;
      problems.push(`entry ${e.id} lost text: "${e.text}" → "${same[0]!.text}"`);
    }
    if (byItem.length > 1) {
      duplicates++;
      problems.push(`item ${e.item_id} stored ${byItem.length} times`);
    }
  }
  // The same words must not come back as a second entry either (a replay stored again).
  const texts = new Map<string, number>();
  for (const e of wholeLines(after.entries)) texts.set(e.text, (texts.get(e.text) ?? 0) + 1);
  for (const e of before) if ((texts.get(e.text) ?? 0) > 1) duplicates++;
  return { losses, duplicates, problems };
}

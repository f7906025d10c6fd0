// Pure helpers of the review workspace: the transcript as plain text and as WebVTT (W3C WebVTT: header, cues
// `hh:mm:ss.ttt --> hh:mm:ss.ttt`, a voice span per speaker), and which line is playing at a media time.
import type { TranscriptEntryView } from '../../preload/contract';

/**
 * Where interview time `startMs` (a transcript line's start_ms, counted from the interview start) is in the
 * recording, in ms. The recording's time 0 is when the recorder started, `offsetMs` after the interview start
 * (null: not reported, taken as 0); a line that began before the recorder is at 0. The one rule for seeking,
 * following playback and WebVTT cue times.
 */
export function mediaMs(startMs: number, offsetMs: number | null): number {
  return Math.max(0, startMs - (offsetMs ?? 0));
}

/** Lines with a start time, in conversation order (failed or empty turns have nothing to show or play). */
export function timedLines(entries: readonly TranscriptEntryView[]): TranscriptEntryView[] {
  return entries.filter((e) => e.startMs !== null && e.text.trim() !== '' && e.status !== 'failed').sort((a, b) => a.seq - b.seq);
}

export function clock(ms: number, withHours = false): string {
  const total = Math.max(0, Math.round(ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  const frac = String(total % 1000).padStart(3, '0');
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return withHours ? `${String(h).padStart(2, '0')}:${mm}:${ss}.${frac}` : `${h > 0 ? `${h}:` : ''}${mm}:${ss}`;
}

export function transcriptText(entries: readonly TranscriptEntryView[], names: { interviewer: string; candidate: string }): string {
  return entries
    .filter((e) => e.text.trim() !== '')
    .sort((a, b) => a.seq - b.seq)
    .map((e) => `[${e.startMs === null ? '--:--' : clock(e.startMs)}] ${names[e.speaker]}: ${e.text.trim()}`)
    .join('\n') + '\n';
}

/**
 * A cue per timed line, ending where the next one starts (the last one after an estimate from its words). Cues go
 * in start-time order, as WebVTT requires (cue timings: "cues are always listed ordered by their start time"),
 * which is not always conversation order: words the candidate spoke over a line are stored after it but began
 * before it.
 */
export function transcriptWebVtt(entries: readonly TranscriptEntryView[], names: { interviewer: string; candidate: string }, offsetMs: number | null = null): string {
  const lines = [...timedLines(entries)].sort((a, b) => a.startMs! - b.startMs! || a.seq - b.seq);
  const cues = lines.map((e, i) => {
    // Cue times are recording times (the file plays beside the recording).
    const start = mediaMs(e.startMs!, offsetMs);
    const estimate = start + Math.max(1000, (e.text.trim().split(/\s+/u).length / 2.5) * 1000);
    const nextStart = lines[i + 1]?.startMs;
    const next = nextStart === undefined || nextStart === null ? undefined : mediaMs(nextStart, offsetMs);
    const end = next !== undefined && next > start ? next : estimate;
    // "-->" and blank lines may not appear inside a cue; "<" and "&" are escaped (WebVTT cue text).
    const text = e.text.trim().replace(/-->/g, '->').replace(/\n+/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;');
    return `${e.id}\n${clock(start, true)} --> ${clock(end, true)}\n<v ${names[e.speaker]}>${text}`;
  });
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

/** Index in `lines` (ordered by start) of the line playing at recording time `ms`, or -1 before the first. */
export function activeLine(lines: readonly { startMs: number | null }[], ms: number, offsetMs: number | null = null): number {
  let found = -1;
  for (let i = 0; i < lines.length; i++) {
    const s = lines[i]!.startMs;
    if (s !== null && mediaMs(s, offsetMs) <= ms) found = i;
  }
  return found;
}

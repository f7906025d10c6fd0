// The practice interview script: pre-rendered interviewer clips (resources/voice, made by
// scripts/make-audio.sh). Step 0 = introduction + first question, 1–3 = one question per candidate turn,
// 4 = closing line (followed by the end_session function call when the session offers that tool).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { opusPacketDurationMs, parseOggOpus } from './ogg';

export interface Clip {
  step: number;
  text: string;
  durationMs: number;
  packets: Buffer[]; // one Opus packet per 20 ms RTP packet
}

/** resources/voice, found from this file (source tree) or from the working directory (packaged builds set it). */
export function defaultVoiceDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // Electron packages extra resources under process.resourcesPath; source and bundled builds sit two levels up.
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  const candidates = [
    process.env.KIOSK_VOICE_DIR,
    resolve(here, '../../resources/voice'),
    resolve(here, '../resources/voice'),
    packaged && join(packaged, 'voice'),
    packaged && join(packaged, 'resources/voice'),
    resolve(process.cwd(), 'resources/voice'),
  ];
  for (const dir of candidates) if (dir && existsSync(join(dir, 'manifest.json'))) return dir;
  throw new Error(`practice-mode voice clips not found (looked in ${candidates.filter(Boolean).join(', ')}); run scripts/make-audio.sh`);
}

export function loadClips(dir = defaultVoiceDir()): Clip[] {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { clips?: { step: number; file: string; text: string }[] };
  if (!Array.isArray(manifest.clips) || manifest.clips.length === 0) throw new Error(`${dir}/manifest.json has no clips`);
  const clips = manifest.clips.map((c, i) => {
    if (c.step !== i || typeof c.file !== 'string' || typeof c.text !== 'string') throw new Error(`manifest clip ${i} is malformed`);
    if (c.file.includes('/') || c.file.includes('..')) throw new Error(`manifest clip ${i} names a file outside the voice folder`);
    const stream = parseOggOpus(readFileSync(join(dir, c.file)));
    for (const p of stream.packets) {
      if (opusPacketDurationMs(p) !== 20) throw new Error(`${c.file}: packets must be 20 ms (encode with opusenc --framesize 20)`);
    }
    return { step: i, text: c.text, durationMs: stream.packets.length * 20, packets: stream.packets };
  });
  return clips;
}

/** The clip for a script step; steps past the end repeat the closing line. */
export function clipForStep(clips: Clip[], step: number): Clip {
  return clips[Math.min(Math.max(0, step), clips.length - 1)]!;
}

export const isClosingStep = (clips: Clip[], step: number) => step >= clips.length - 1;

export interface ScriptShape {
  /** Question steps between the greeting and the closing line (default: the clips' own). More steps reuse the
   * question clips in turn: a long interview (soak benchmarks) without more recordings. */
  questions?: number;
  /** Each line's audio is cut to at most this long (time-compressed runs: the interviewer speaks briefly; the
   * transcript keeps the whole line, as text runs ahead of audio anyway). */
  lineMaxMs?: number;
}

/** The practice script in the shape asked for: greeting, `questions` question steps, closing. PURE. */
export function shapeScript(clips: readonly Clip[], shape: ScriptShape = {}): Clip[] {
  if (clips.length < 3) throw new Error('the practice script needs a greeting, at least one question and a closing clip');
  const ownQuestions = clips.slice(1, -1);
  const questions = shape.questions ?? ownQuestions.length;
  if (!Number.isInteger(questions) || questions < 1 || questions > 10_000) throw new Error(`questions must be 1–10000, not ${questions}`);
  const max = shape.lineMaxMs;
  if (max !== undefined && !(Number.isFinite(max) && max >= 20)) throw new Error(`lineMaxMs must be at least 20, not ${max}`);
  const cut = (clip: Clip): Clip => {
    if (max === undefined || clip.durationMs <= max) return clip;
    const packets = clip.packets.slice(0, Math.floor(max / 20));
    return { ...clip, packets, durationMs: packets.length * 20 };
  };
  // A reused clip's line is numbered: each step's words are its own (a resumed call counts lines it recognises).
  const middle = Array.from({ length: questions }, (_, i) => {
    const clip = ownQuestions[i % ownQuestions.length]!;
    return i < ownQuestions.length ? clip : { ...clip, text: `Question ${i + 1}. ${clip.text}` };
  });
  return [clips[0]!, ...middle, clips.at(-1)!].map((c, step) => ({ ...cut(c), step }));
}

/** The clip repeated until it lasts at least `minMs` (a longer line: a long goodbye or question). */
export function loopClip(clip: Clip, minMs: number): Clip {
  const packets: Buffer[] = [];
  while (packets.length * 20 < minMs && clip.packets.length > 0) packets.push(...clip.packets);
  return { ...clip, packets, durationMs: packets.length * 20 };
}

/** Splits a line into transcript deltas of about two words each (each delta keeps its trailing space). */
export function transcriptPieces(text: string, wordsPerPiece = 2): string[] {
  const words = text.match(/\S+\s*/g) ?? [];
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += wordsPerPiece) pieces.push(words.slice(i, i + wordsPerPiece).join(''));
  return pieces;
}

// The interviewer persona of a position: its validation (one schema for every way in — the backend's pull, the
// demo seed, the snapshot kept with a session) and the words it adds to the session instructions. Pure.
//
// The voice list is the GA Realtime API's built-in voices as the official SDK types them
// (openai/resources/realtime/realtime.d.ts, RealtimeResponse.Audio.Output.voice); the compile-time check below
// fails when a new SDK changes that list, so VOICES (preload/contract.ts) is updated with it. The voice goes only
// into the call's initial session config: the service refuses to change it once the model has answered with audio
// (same file, RealtimeAudioConfigOutput.voice: "Voice cannot be changed during the session once the model has
// responded with audio at least once"), and every call of an interview uses the persona frozen with the session,
// so the candidate hears the same voice across reconnects and rollovers.
import { z } from 'zod';
import type { RealtimeResponse } from 'openai/resources/realtime/realtime';
import { FORMALITIES, VOICES, type Formality, type InterviewerPersona, type Voice } from '../../../preload/contract';

type LiteralOf<T> = T extends string ? (string extends T ? never : T) : never;
type SdkVoice = LiteralOf<Exclude<RealtimeResponse.Audio.Output['voice'], undefined>>;
// Both directions: every SDK voice is offered, and nothing the SDK does not name.
const voicesMatchSdk: [SdkVoice] extends [Voice] ? ([Voice] extends [SdkVoice] ? true : false) : false = true;
void voicesMatchSdk;

/** One line of plain text: no control characters (a persona's words go into the instructions as quoted text). */
const line = (max: number, what: string) =>
  z
    .string()
    .transform((s) => s.replace(/\s+/g, ' ').trim())
    .pipe(
      z
        .string()
        .min(1, `${what} is empty`)
        .max(max, `${what} is longer than ${max} characters`)
        .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), `${what} contains control characters`),
    );

export const PERSONA_LIMITS = { name: 60, text: 600, term: 80, sayAs: 120, hints: 20 } as const;

export const interviewerPersonaSchema = z.strictObject({
  name: line(PERSONA_LIMITS.name, 'the name'),
  voice: z.enum(VOICES as unknown as [Voice, ...Voice[]], { error: `the voice must be one of ${VOICES.join(', ')}` }).nullable().default(null),
  formality: z.enum(FORMALITIES, { error: `the formality must be one of ${FORMALITIES.join(', ')}` }).default('neutral'),
  intro: line(PERSONA_LIMITS.text, 'the introduction').nullable().default(null),
  outro: line(PERSONA_LIMITS.text, 'the closing words').nullable().default(null),
  pronunciation: z
    .array(z.strictObject({ term: line(PERSONA_LIMITS.term, 'a pronunciation term'), sayAs: line(PERSONA_LIMITS.sayAs, 'a pronunciation') }))
    .max(PERSONA_LIMITS.hints, `at most ${PERSONA_LIMITS.hints} pronunciation hints`)
    .default([]),
});

export type PersonaCheck = { ok: true; persona: InterviewerPersona | null } | { ok: false; message: string };

/** A persona as it arrives (JSON value or null); null/undefined = the default persona. The message says in words
 * what is wrong, with the field. */
export function checkPersona(raw: unknown): PersonaCheck {
  if (raw === null || raw === undefined) return { ok: true, persona: null };
  const parsed = interviewerPersonaSchema.safeParse(raw);
  if (parsed.success) return { ok: true, persona: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return { ok: false, message: `${where}${issue?.message ?? 'not a persona'}` };
}

/** A persona stored as JSON text (SQLite), or null when absent or no longer valid. */
export function personaFromJson(text: string | null | undefined): InterviewerPersona | null {
  if (!text) return null;
  try {
    const checked = checkPersona(JSON.parse(text) as unknown);
    return checked.ok ? checked.persona : null;
  } catch {
    return null;
  }
}

export const FORMALITY_INSTRUCTIONS: Record<Formality, string> = {
  formal:
    'Speak formally: address the candidate with the polite form where the language has one (for example "Sie" in German), use no first names, slang or jokes, and keep a courteous, measured tone.',
  neutral: 'Speak in a neutral, professional register: polite, plain and warm, without slang.',
  casual:
    'Speak in a relaxed, conversational register: friendly and informal (the familiar form where the language has one), while staying respectful and on topic.',
};

/**
 * The instruction lines a persona adds (or the default persona's: unnamed, neutral). The name is always said
 * together with the fact that it is an AI (the candidate must know they are talking to an AI). Texts are quoted as
 * JSON strings, so the model reads them as the words to say, and a reader of the instructions can find them.
 * Pronunciation hints take the shape of the "Reference Pronunciations" section of OpenAI's Realtime prompting guide
 * (openai-cookbook examples/Realtime_prompting_guide.ipynb: a short list of "pronounce X as Y" in the instructions).
 */
export function personaInstructions(persona: InterviewerPersona | null): { identity: string; style: string; opening: string; closing: string; pronunciation: string } {
  const name = persona?.name ?? null;
  return {
    identity: name
      ? `Your name is ${JSON.stringify(name)}. You are an AI, not a person: always introduce yourself as ${name}, the AI interviewer, and if the candidate asks, say plainly that you are an AI.`
      : 'You are an AI, not a person: if the candidate asks, say plainly that you are an AI.',
    style: FORMALITY_INSTRUCTIONS[persona?.formality ?? 'neutral'],
    opening: [
      name ? `Start by greeting the candidate and introducing yourself briefly as ${name}, the AI interviewer.` : 'Start by introducing yourself briefly as the AI interviewer and greeting the candidate.',
      persona?.intro ? `Then say this introduction (in the interview's language): ${JSON.stringify(persona.intro)}` : '',
    ].filter(Boolean).join(' '),
    closing: persona?.outro ? `When you close the interview, say these closing words (in the interview's language) before your goodbye: ${JSON.stringify(persona.outro)}` : '',
    pronunciation:
      persona && persona.pronunciation.length > 0
        ? `Reference pronunciations: when voicing these words, ${persona.pronunciation.map((h) => `pronounce ${JSON.stringify(h.term)} as ${JSON.stringify(h.sayAs)}`).join('; ')}.`
        : '',
  };
}

// What the emulated model says: it follows the instructions in effect for each response, as the real model
// does. PURE.
//
// The real service prepends the session instructions to every model call, and a `response.create` that carries
// `instructions` REPLACES them for that one response (openapi.yaml RealtimeClientEventResponseCreate: "If these
// are set, they will override the Session's configuration for this Response only"; RealtimeResponseCreateParams
// .instructions). So the emulated interviewer reads the company, the position and the competencies from the
// instructions in effect: a greeting made with an override that does not repeat them is generic, and a test can
// see that. Recognised wording (any of): "interviewer for <Company>," / "company: <Company>"; "position of
// <Title>." / "position: <Title>"; "competencies: a; b; c." (or comma separated); "warm-up question" (the
// interviewer opens with an unscored warm-up question, and the assessed questions start one step later); the
// interview's language from "language code <xx>" (main/core/realtime/session-config.ts names it so): the model
// answers in the language its instructions ask for, so the emulated lines are German or Arabic when asked (English
// otherwise; the clips' audio stays the same, the transcript is the line in that language).
//
// The interviewer persona (main/core/realtime/persona.ts writes these as JSON string literals): `Your name is
// "<Name>"` — the model introduces itself by that name, still as the AI interviewer; `introduction …: "<text>"` —
// it says the introduction after greeting; `closing words …: "<text>"` — it says them before its goodbye. The
// model does what its instructions in effect ask (openapi.yaml RealtimeSessionCreateRequestGA.instructions: "The
// default system instructions … to guide the model on desired responses"; OpenAI's Realtime prompting guide has a
// persona's name, tone and sample phrases in the instructions), so a response made with an override that leaves
// them out greets without them, as on the real service.
import type { Clip } from './script';

export interface Persona {
  company: string | null;
  position: string | null;
  competencies: string[];
  /** Open with an unscored warm-up question. */
  warmUp: boolean;
  /** The interview's language (ISO-639-1) when the instructions name one. */
  language: string | null;
  /** The interviewer's own name, its introduction and its closing words, when the instructions give them. */
  name: string | null;
  intro: string | null;
  outro: string | null;
}

export const WARM_UP_LINE = 'Before we begin, a warm-up question that is not assessed: how has your day been so far?';
export const ASSESSED_START = 'Thank you. The assessed questions begin now.';

/** The emulated interviewer's words per language; `generic` questions are used when no competency is listed. */
interface Phrases {
  welcome(company: string, position: string | null): string;
  welcomePractice: string;
  /** Says who is speaking: the AI interviewer, and its name when it has one. */
  iAm(name: string | null): string;
  question(competency: string): string;
  generic: readonly string[];
  acks: readonly string[];
  closing: string;
  warmUp: string;
  assessedStart: string;
}

const PHRASES: Readonly<Record<'de' | 'ar', Phrases>> = {
  de: {
    welcome: (c, p) => (p ? `Willkommen zu Ihrem Interview mit ${c} für die Position ${p}.` : `Willkommen zu Ihrem Interview mit ${c}.`),
    welcomePractice: 'Willkommen zu Ihrem Übungsinterview.',
    iAm: (n) => (n ? `Ich bin der KI-Interviewer; mein Name ist ${n}.` : 'Ich bin der KI-Interviewer.'),
    question: (c) => `Erzählen Sie von einer Situation, in der Ihre Stärke „${c}“ den Unterschied gemacht hat.`,
    generic: ['Bitte erzählen Sie etwas über sich.', 'Was ist Ihre größte Stärke?', 'Beschreiben Sie ein Problem, das Sie kürzlich gelöst haben.', 'Warum möchten Sie diese Stelle?'],
    acks: ['Danke.', 'Gut.', 'Vielen Dank.'],
    closing: 'Vielen Dank, das ist das Ende unseres Interviews. Auf Wiedersehen.',
    warmUp: 'Vorab eine Aufwärmfrage, die nicht bewertet wird: Wie war Ihr Tag bisher?',
    assessedStart: 'Danke. Jetzt beginnen die bewerteten Fragen.',
  },
  ar: {
    welcome: (c, p) => (p ? `مرحبًا بك في مقابلتك مع ${c} لوظيفة ${p}.` : `مرحبًا بك في مقابلتك مع ${c}.`),
    welcomePractice: 'مرحبًا بك في مقابلتك التدريبية.',
    iAm: (n) => (n ? `أنا المحاور الآلي، واسمي ${n}.` : 'أنا المحاور الآلي.'),
    question: (c) => `حدثني عن موقف أحدثت فيه مهارة «${c}» فرقًا.`,
    generic: ['حدثني عن نفسك من فضلك.', 'ما أكبر نقاط قوتك؟', 'صف مشكلة حللتها مؤخرًا.', 'لماذا تريد هذه الوظيفة؟'],
    acks: ['شكرًا لك.', 'جيد.', 'شكرًا.'],
    closing: 'شكرًا لك، هذه نهاية مقابلتنا. مع السلامة.',
    warmUp: 'قبل أن نبدأ، سؤال تمهيدي لا يُقيَّم: كيف كان يومك حتى الآن؟',
    assessedStart: 'شكرًا لك. تبدأ الآن الأسئلة المقيَّمة.',
  },
};

const clean = (s: string | undefined): string | null => {
  const t = (s ?? '').replace(/\s+/g, ' ').trim().replace(/[.;:,]+$/, '');
  return t.length > 0 && t.length <= 200 ? t : null;
};

/** Reads the persona the instructions describe (nulls and [] where they say nothing). */
export function readPersona(instructions: string): Persona {
  const text = instructions.slice(0, 100_000);
  const company = clean(/\binterviewer for ([^,.\n]+)/i.exec(text)?.[1] ?? /\bcompany:\s*([^\n.]+)/i.exec(text)?.[1]);
  const position = clean(/\bposition of ([^.\n]+)/i.exec(text)?.[1] ?? /\bposition:\s*([^\n.]+)/i.exec(text)?.[1]);
  const list = /\bcompetencies:\s*([^\n]+)/i.exec(text)?.[1] ?? '';
  const competencies = list
    .replace(/\.\s*$/, '')
    .split(list.includes(';') ? ';' : ',')
    .map((c) => clean(c))
    .filter((c): c is string => c !== null && !/^general fit/i.test(c))
    .slice(0, 20);
  const language = /\blanguage code ([a-z]{2,3})\b/i.exec(text)?.[1]?.toLowerCase() ?? null;
  return {
    company, position, competencies, warmUp: /\bwarm-up question\b/i.test(text), language,
    name: quoted(/\bYour name is ("(?:[^"\\\n]|\\.)*")/i.exec(text)?.[1]),
    intro: quoted(/\bintroduction\b[^:\n"]*:\s*("(?:[^"\\\n]|\\.)*")/i.exec(text)?.[1]),
    outro: quoted(/\bclosing words\b[^:\n"]*:\s*("(?:[^"\\\n]|\\.)*")/i.exec(text)?.[1]),
  };
}

/** A JSON string literal from the instructions, read as its text (null when absent, malformed or empty). */
function quoted(literal: string | undefined): string | null {
  if (!literal) return null;
  try {
    const v = JSON.parse(literal) as unknown;
    return typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 600) : null;
  } catch {
    return null;
  }
}

/** "I am the AI interviewer." with the name when the instructions give one (the AI is always said). */
const iAm = (name: string | null) => (name ? `I am the AI interviewer; my name is ${name}.` : 'I am the AI interviewer.');
/** Words joined with single spaces, empty parts left out. */
const say = (...parts: (string | null | undefined)[]) => parts.filter((p): p is string => !!p).join(' ');

/** The question a step asks about: the step-th listed competency (cycling), or null when none are listed. */
export function competencyForStep(persona: Persona, step: number): string | null {
  if (persona.competencies.length === 0) return null;
  return persona.competencies[Math.max(0, step) % persona.competencies.length]!;
}

/**
 * The line the interviewer speaks at a script step. Step 0 greets (naming company and position when the
 * instructions in effect name them) and asks the first question; middle steps acknowledge and ask the next
 * question; the last step closes. Without a persona the practice clips' own words are used.
 */
export function lineFor(step: number, persona: Persona, clips: readonly Clip[]): string {
  const last = clips.length - 1;
  const s = Math.min(Math.max(0, step), last);
  if (persona.language === 'de' || persona.language === 'ar') return localLine(s, last, persona, PHRASES[persona.language]);
  const clipText = clips[s]!.text;
  if (s === last) return say(persona.outro, clipText);
  // With a warm-up, step 0 asks it and the assessed questions start at step 1 (one competency later).
  const index = persona.warmUp ? s - 1 : s;
  const competency = competencyForStep(persona, index);
  // Past the last competency the questions come round again, each worded as its own (a model does not ask the
  // very same question twice, and a resumed call recognises each line as one step).
  const round = competency ? Math.floor(Math.max(0, index) / persona.competencies.length) : 0;
  const question = competency
    ? round === 0
      ? `Tell me about a time your ${competency.toLowerCase()} made a difference.`
      : `Give me example ${round + 1} of a time your ${competency.toLowerCase()} made a difference.`
    : null;
  if (s === 0 && persona.warmUp) {
    const where = persona.company ? `Welcome to your interview with ${persona.company}.` : 'Welcome.';
    return say(where, iAm(persona.name), persona.intro, WARM_UP_LINE);
  }
  if (s === 1 && persona.warmUp) return `${ASSESSED_START} ${question ?? 'Please tell me about yourself.'}`;
  if (s === 0) {
    const where = persona.company && persona.position
      ? `Welcome to your interview with ${persona.company} for the ${persona.position} position.`
      : persona.company
        ? `Welcome to your interview with ${persona.company}.`
        : null;
    if (!where) return clipText; // generic greeting: the instructions in effect name nobody
    return say(where, iAm(persona.name), persona.intro, question ?? 'Please tell me about yourself.');
  }
  if (!question) return clipText;
  const ack = /^\S+[.,]/.exec(clipText)?.[0]?.replace(/,$/, '.') ?? 'Thank you.';
  return `${ack} ${question}`;
}

function localLine(s: number, last: number, persona: Persona, p: Phrases): string {
  if (s === last) return say(persona.outro, p.closing);
  // With a warm-up, step 0 asks it and the assessed questions start at step 1 (one competency later).
  const assessed = persona.warmUp ? s - 1 : s;
  const competency = competencyForStep(persona, assessed);
  const question = competency ? p.question(competency) : p.generic[Math.max(0, assessed) % p.generic.length]!;
  // The introduction and closing words are said as written (a real model would put them in the interview's language).
  const welcome = say(persona.company ? p.welcome(persona.company, persona.position) : p.welcomePractice, p.iAm(persona.name), persona.intro);
  if (s === 0 && persona.warmUp) return `${welcome} ${p.warmUp}`;
  if (s === 1 && persona.warmUp) return `${p.assessedStart} ${question}`;
  if (s === 0) return `${welcome} ${question}`;
  return `${p.acks[(s - 1) % p.acks.length]} ${question}`;
}

/** Every line of the script for a persona, in step order (a model "knows" what it has said by these). */
export function linesFor(persona: Persona, clips: readonly Clip[]): string[] {
  return clips.map((_, i) => lineFor(i, persona, clips));
}

/**
 * What the candidate heard of a line when its audio was cut after `heardMs` of `totalMs`: the whole words that
 * fit in the same share of the text. The server keeps only this (openapi.yaml
 * RealtimeServerEventConversationItemTruncated: "This action will truncate the audio and remove the server-side
 * text transcript to ensure there is no text in the context that hasn't been heard by the user").
 */
export function heardText(text: string, heardMs: number, totalMs: number): string {
  if (totalMs <= 0 || heardMs >= totalMs) return text;
  if (heardMs <= 0) return '';
  const cut = Math.floor((text.length * heardMs) / totalMs);
  const head = text.slice(0, cut);
  const lastSpace = head.lastIndexOf(' ');
  // A word is heard only when all of it was played.
  return (text[cut] === ' ' || cut === text.length ? head : head.slice(0, Math.max(0, lastSpace))).trimEnd();
}

/**
 * What the model says to a note the client adds as a system item before a bare response.create (the kiosk's
 * candidate controls, main/core/interview/controls.ts): the real model follows such a note for the next response
 * (openapi.yaml RealtimeConversationItemSystemMessage; RealtimeClientEventResponseCreate "triggering model
 * inference" over the conversation so far). Recognised wording: "say your last question again" (the last line
 * again; with "welcome them back" or "check in aloud" before it), "check in aloud" (a check-in), "then wait
 * silently" (a short acknowledgement). Any other note (the greeting cue, a resume note) is not an aside: null.
 * `lastLine` is the interviewer's last line. PURE.
 */
export function asideFor(note: string, lastLine: string): string | null {
  const again = /\bsay your last question again\b/i.test(note);
  const checkIn = /\bcheck in aloud\b/i.test(note);
  if (again && /\bwelcome them back\b/i.test(note)) return `Welcome back. ${lastLine}`;
  if (again && checkIn) return `Are you ready to continue? ${lastLine}`;
  if (again) return lastLine;
  if (checkIn) return 'Are you still there? Take your time. I can repeat the question, or give you a little more time.';
  if (/\bthen wait silently\b/i.test(note)) return 'Of course. Take your time; I will wait until you are ready.';
  return null;
}

// The GA session config sent with the SDP offer (multipart `session` part). Pure. Typed against the official
// `openai` SDK (RealtimeSessionCreateRequest, RealtimeClientEvent), so the compiler checks our shapes.
//
// Turn detection: interview answers have thinking pauses, often mid-sentence, and being cut off mid-thought is
// what candidates complain about most. `server_vad` ends the turn after a fixed silence (`silence_duration_ms`,
// 500 ms by default), whatever was said, so a 3-second pause in "My greatest strength is … staying calm" ends the
// answer. `semantic_vad` "semantically estimate[s] whether the user has finished speaking, then dynamically sets a
// timeout based on this probability" (openapi.yaml RealtimeTurnDetection): an utterance that trails off waits
// longer, a finished one is answered sooner. With `eagerness: 'low'` ("will wait longer for the user to continue
// speaking"; its longest wait is 8 s, against 4 s for medium/auto and 2 s for high) a candidate can think without
// losing the turn, at the cost of a little more latency after a finished answer — the right trade for an
// interview, where the candidate's words are what is assessed. So the default is semantic_vad/low; a position may
// choose another (TURN_DETECTION_MODES). Extra time (an accommodation) uses a fixed long silence instead, so that
// even a finished-sounding sentence followed by a pause keeps the turn, slows the interviewer's speech a little
// and tells the interviewer to allow time.
import type { RealtimeSessionCreateRequest } from 'openai/resources/realtime/realtime';
import { wireEvents, type OpenAIClientEvent } from './client-events';
import { TURN_DETECTION_MODES, type InterviewerPersona, type PositionView, type RealtimeClientEvent, type TenantView, type TurnDetectionMode, type Voice } from '../../../preload/contract';
import { DEFAULT_TRANSCRIPTION_MODEL } from './models';
import { personaInstructions } from './persona';

export interface SessionConfigSettings {
  model: string;
  /** audio.input.transcription.model; default DEFAULT_TRANSCRIPTION_MODEL. */
  transcriptionModel?: string;
  /** The kiosk's voice setting; a persona's own voice wins over it. */
  voice: Voice;
  /** The interviewer persona of the interview (frozen with the session); null = the default persona. */
  persona?: InterviewerPersona | null;
  /** headset → near_field noise reduction, speakers → far_field (spec: audio.input.noise_reduction). */
  audioProfile?: 'headset' | 'speakers';
  /** Language of the interview, when known: the instructions name it; its ISO-639-1 base is the transcription
   * `language` (improves accuracy and latency). */
  language?: string | null;
  /** The position's turn detection (default DEFAULT_TURN_DETECTION). */
  turnDetection?: TurnDetectionMode | null;
  /** The candidate has extra time (slower pace, longer silence before the turn ends). */
  extraTime?: boolean;
  /** Ask an unscored warm-up question before the assessed part. */
  warmUp?: boolean;
}

export const DEFAULT_TURN_DETECTION: TurnDetectionMode = 'semantic_low';
export const isTurnDetectionMode = (v: unknown): v is TurnDetectionMode => (TURN_DETECTION_MODES as readonly unknown[]).includes(v);

/** server_vad's silence for a position that chooses it (the API default is 500 ms; a little more for answers). */
export const SERVER_VAD_SILENCE_MS = 700;
/** Extra time: the silence that ends a turn. Longer than the longest thinking pause we expect in a sentence
 * (the pause fixture has 3 s), short enough that a finished answer is not met with a long wait. */
export const EXTRA_TIME_SILENCE_MS = 5000;
/** Extra time: the interviewer's speech a little slower (audio.output.speed; 1 is normal, 0.25–1.5 allowed). */
export const EXTRA_TIME_SPEED = 0.9;

export function turnDetectionConfig(mode: TurnDetectionMode | null | undefined, extraTime = false) {
  const auto = { create_response: true, interrupt_response: true };
  if (extraTime || mode === 'server_vad') {
    return { type: 'server_vad' as const, threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: extraTime ? EXTRA_TIME_SILENCE_MS : SERVER_VAD_SILENCE_MS, ...auto };
  }
  const eagerness = mode === 'semantic_medium' ? ('medium' as const) : mode === 'semantic_high' ? ('high' as const) : ('low' as const);
  return { type: 'semantic_vad' as const, eagerness, ...auto };
}

export const WARM_UP_INSTRUCTION =
  'Before the assessed part, ask one short warm-up question that is not assessed (for example how their day has been so far), and say that it is a warm-up. After the candidate answers it, say that the assessed questions begin now, then ask your first assessed question.';
export const EXTRA_TIME_INSTRUCTION =
  'This candidate has extra time as an accommodation: speak a little more slowly, allow long pauses, never hurry them, and if you are unsure whether they have finished, ask gently instead of moving on.';

export const END_SESSION_TOOL = {
  type: 'function',
  name: 'end_session',
  description:
    'End the interview. Call this once, after you have asked all your questions, heard the last answer and said goodbye.',
  parameters: { type: 'object', properties: {} },
} as const;

/**
 * The interview's language: the position's when it fixes one, else the language the candidate read the disclosure
 * in (their choice on this kiosk, stored with the session's consent). Null = not known (the model follows the
 * candidate). Only well-formed tags are used (the API's schemas check them where they come in).
 */
export function interviewLanguage(positionLanguage: string | null | undefined, consentJson: string | null | undefined): string | null {
  const wellFormed = (v: unknown): v is string => typeof v === 'string' && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(v);
  if (wellFormed(positionLanguage)) return positionLanguage;
  try {
    const chosen = consentJson ? (JSON.parse(consentJson) as { language?: unknown }).language : undefined;
    return wellFormed(chosen) ? chosen : null;
  } catch {
    return null;
  }
}

/** "German (language code de)" for the instructions: the model reads the name, a check can read the code. */
function languageLine(code: string): string {
  let name = code;
  try {
    name = new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code;
  } catch {
    // an unknown tag keeps its code as the name
  }
  return `Conduct the whole interview in ${name} (language code ${code.split('-')[0]}): greeting, questions and goodbye, whatever language the candidate answers in.`;
}

export function buildInstructions(
  position: Pick<PositionView, 'title' | 'description' | 'competencies'>,
  tenant: Pick<TenantView, 'name' | 'values'>,
  options: { warmUp?: boolean; extraTime?: boolean; language?: string | null; persona?: InterviewerPersona | null } = {},
): string {
  const competencies = position.competencies.length > 0 ? position.competencies.join('; ') : 'general fit for the role';
  const persona = personaInstructions(options.persona ?? null);
  return [
    `You are a friendly, professional interviewer for ${tenant.name}, interviewing a candidate for the position of ${position.title}.`,
    persona.identity,
    persona.style,
    options.language ? languageLine(options.language) : '',
    position.description ? `About the role: ${position.description}` : '',
    `Evaluate these competencies: ${competencies}.`,
    tenant.values ? `${tenant.name} values: ${tenant.values}` : '',
    persona.opening,
    options.warmUp ? WARM_UP_INSTRUCTION : '',
    options.extraTime ? EXTRA_TIME_INSTRUCTION : '',
    'Ask one question at a time and wait for the answer. Keep questions short and clear; ask a follow-up when an answer is vague.',
    'Never repeat a question you have already asked, including after the conversation resumes.',
    'Do not give feedback on performance or reveal any evaluation.',
    persona.pronunciation,
    persona.closing,
    'When you have covered the competencies (about four to six questions), thank the candidate, say goodbye, and then call the end_session tool.',
  ].filter(Boolean).join('\n');
}

export function buildSessionConfig(
  position: Pick<PositionView, 'title' | 'description' | 'competencies'>,
  tenant: Pick<TenantView, 'name' | 'values'>,
  settings: SessionConfigSettings,
) {
  const config = {
    type: 'realtime' as const,
    model: settings.model,
    instructions: buildInstructions(position, tenant, {
      ...(settings.warmUp ? { warmUp: true } : {}),
      ...(settings.extraTime ? { extraTime: true } : {}),
      ...(settings.language ? { language: settings.language } : {}),
      ...(settings.persona ? { persona: settings.persona } : {}),
    }),
    output_modalities: ['audio' as const],
    audio: {
      input: {
        transcription: { model: settings.transcriptionModel ?? DEFAULT_TRANSCRIPTION_MODEL, ...(settings.language ? { language: settings.language.split('-')[0]! } : {}) },
        noise_reduction: { type: settings.audioProfile === 'headset' ? ('near_field' as const) : ('far_field' as const) },
        turn_detection: turnDetectionConfig(settings.turnDetection, settings.extraTime),
      },
      // The voice is set here, in the call's first config, and never updated: see ./persona.ts.
      output: { voice: settings.persona?.voice ?? settings.voice, ...(settings.extraTime ? { speed: EXTRA_TIME_SPEED } : {}) },
    },
    tools: [END_SESSION_TOOL],
    tool_choice: 'auto' as const,
  };
  return config satisfies RealtimeSessionCreateRequest;
}

export type RealtimeSessionConfig = ReturnType<typeof buildSessionConfig>;

export const OPENING_CUE =
  'The candidate is ready. Greet the candidate, introduce yourself as the AI interviewer for this position, explain briefly how the interview works, then ask your first question.';

/**
 * Sent by the renderer once the data channel is open and session.created has arrived: the cue as a `system` item,
 * then a BARE response.create. A response.create carrying `instructions` would replace the session instructions
 * (company, position, competencies, rules) for that response (spec RealtimeClientEventResponseCreate: "they will
 * override the Session's configuration for this Response only").
 */
export function openingEvents(): RealtimeClientEvent[] {
  const events: OpenAIClientEvent[] = [
    { type: 'conversation.item.create', item: { type: 'message', role: 'system', content: [{ type: 'input_text', text: OPENING_CUE }] } },
    { type: 'response.create' },
  ];
  return wireEvents(events);
}

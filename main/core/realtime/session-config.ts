// The GA session config sent with the SDP offer (multipart `session` part). Pure. Typed against the official
// `openai` SDK (RealtimeSessionCreateRequest, RealtimeClientEvent), so the compiler checks our shapes.
import type { RealtimeSessionCreateRequest } from 'openai/resources/realtime/realtime';
import { wireEvents, type OpenAIClientEvent } from './client-events';
import type { PositionView, RealtimeClientEvent, TenantView, Voice } from '../../../preload/contract';
import { DEFAULT_TRANSCRIPTION_MODEL } from './models';

export interface SessionConfigSettings {
  model: string;
  /** audio.input.transcription.model; default DEFAULT_TRANSCRIPTION_MODEL. */
  transcriptionModel?: string;
  voice: Voice;
  /** headset → near_field noise reduction, speakers → far_field (spec: audio.input.noise_reduction). */
  audioProfile?: 'headset' | 'speakers';
  /** Language of the interview, when known: the instructions name it; its ISO-639-1 base is the transcription
   * `language` (improves accuracy and latency). */
  language?: string | null;
}

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
  language?: string | null,
): string {
  const competencies = position.competencies.length > 0 ? position.competencies.join('; ') : 'general fit for the role';
  return [
    `You are a friendly, professional interviewer for ${tenant.name}, interviewing a candidate for the position of ${position.title}.`,
    language ? languageLine(language) : '',
    position.description ? `About the role: ${position.description}` : '',
    `Evaluate these competencies: ${competencies}.`,
    tenant.values ? `${tenant.name} values: ${tenant.values}` : '',
    'Start by introducing yourself briefly as the AI interviewer and greeting the candidate.',
    'Ask one question at a time and wait for the answer. Keep questions short and clear; ask a follow-up when an answer is vague.',
    'Never repeat a question you have already asked, including after the conversation resumes.',
    'Do not give feedback on performance or reveal any evaluation.',
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
    instructions: buildInstructions(position, tenant, settings.language),
    output_modalities: ['audio' as const],
    audio: {
      input: {
        transcription: { model: settings.transcriptionModel ?? DEFAULT_TRANSCRIPTION_MODEL, ...(settings.language ? { language: settings.language.split('-')[0]! } : {}) },
        noise_reduction: { type: settings.audioProfile === 'headset' ? ('near_field' as const) : ('far_field' as const) },
        turn_detection: {
          type: 'server_vad' as const,
          threshold: 0.5,
          prefix_padding_ms: 300,
          silence_duration_ms: 700,
          create_response: true,
          interrupt_response: true,
        },
      },
      output: { voice: settings.voice },
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

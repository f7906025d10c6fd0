// Which Realtime and transcription models the kiosk offers, and which ones OpenAI has announced a shutdown for.
// PURE. Source: the official `openai` SDK's type docs (resources/realtime/realtime.d.ts, "Deprecated values" of
// RealtimeSessionCreateRequest.model and AudioTranscription.model) and the Agents SDK's default model
// (openai-agents-js openaiRealtimeBase.ts DEFAULT_OPENAI_REALTIME_MODEL = 'gpt-realtime-2.1').

/** Offered in operator settings (plus "other" for a typed name). The first is the default. */
export const REALTIME_MODEL_CHOICES = ['gpt-realtime-2.1', 'gpt-realtime-2.1-mini', 'gpt-realtime-2', 'gpt-realtime-1.5'] as const;
export const DEFAULT_REALTIME_MODEL = REALTIME_MODEL_CHOICES[0];

/** gpt-transcribe: recommended for committed Realtime turns; it also takes `languages` and `keywords`. */
export const TRANSCRIPTION_MODEL_CHOICES = ['gpt-transcribe', 'gpt-live-transcribe', 'gpt-realtime-whisper'] as const;
export const DEFAULT_TRANSCRIPTION_MODEL = TRANSCRIPTION_MODEL_CHOICES[0];

/** A model name the operator may type ("other"): letters, digits and . _ : - only, as OpenAI's model ids are. */
export const MODEL_NAME = /^[A-Za-z0-9][\w.:-]{0,99}$/;

/** Model → announced shutdown date (YYYY-MM-DD). */
export const MODEL_SHUTDOWNS: ReadonlyMap<string, string> = new Map([
  ...['gpt-realtime', 'gpt-realtime-2025-08-28', 'gpt-realtime-mini', 'gpt-realtime-mini-2025-12-15', 'gpt-audio-mini', 'gpt-audio-mini-2025-12-15']
    .map((m) => [m, '2027-01-20'] as const),
  ...['whisper-1', 'gpt-4o-mini-transcribe', 'gpt-4o-mini-transcribe-2025-12-15', 'gpt-4o-transcribe', 'gpt-4o-transcribe-diarize']
    .map((m) => [m, '2027-02-26'] as const),
]);

export interface ModelMigration {
  from: string;
  to: string;
  shutdown: string;
  /** For the operator, in words. */
  message: string;
}

/** A stored Realtime model with an announced shutdown → the current default, with the reason in words. */
export function migrateRealtimeModel(model: string): ModelMigration | null {
  const shutdown = MODEL_SHUTDOWNS.get(model);
  if (!shutdown) return null;
  const to = /mini/.test(model) ? 'gpt-realtime-2.1-mini' : DEFAULT_REALTIME_MODEL;
  return {
    from: model,
    to,
    shutdown,
    message: `The interviewer model "${model}" is shut down by OpenAI on ${shutdown}; this kiosk now uses "${to}" instead. Choose another model in Settings if needed.`,
  };
}

/** A stored transcription model with an announced shutdown → the current default, with the reason in words. */
export function migrateTranscriptionModel(model: string): ModelMigration | null {
  const shutdown = MODEL_SHUTDOWNS.get(model);
  if (!shutdown) return null;
  return {
    from: model,
    to: DEFAULT_TRANSCRIPTION_MODEL,
    shutdown,
    message: `The transcription model "${model}" is shut down by OpenAI on ${shutdown}; this kiosk now uses "${DEFAULT_TRANSCRIPTION_MODEL}" instead. Choose another model in Settings if needed.`,
  };
}

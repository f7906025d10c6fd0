export type Json = null | boolean | number | string | Json[] | {
    [key: string]: Json;
};
export type JsonObject = {
    [key: string]: Json;
};
export declare const GA_MODELS: string[];
export declare const VOICES: string[];
export declare const TRANSCRIPTION_MODELS: string[];
/** Beta (retired) top-level session fields: their presence means a beta-shaped request. */
export declare const BETA_SESSION_KEYS: string[];
export declare const DEFAULT_INSTRUCTIONS = "You are a helpful, concise voice assistant.";
export declare function defaultTurnDetection(type: 'server_vad' | 'semantic_vad'): JsonObject;
/** The GA defaults (what a session with nothing configured reports), without object/id/expires_at. */
export declare function defaultSession(): JsonObject;
export declare const isObject: (v: unknown) => v is JsonObject;
export declare function validateToolChoice(v: Json, path: string): void;
export declare function validateMaxOutputTokens(v: Json, path: string): void;
export declare function validateOutputModalities(v: Json, path: string): void;
/**
 * Validates a GA session object (as sent in session.update / multipart / client_secrets). `path` names it in
 * errors ('session'). Throws ApiErrorException with the API's codes: beta_api_shape_disabled for beta fields,
 * missing_required_parameter for a missing type, unknown_parameter, invalid_value.
 */
export declare function validateSessionPatch(v: unknown, path?: string): asserts v is JsonObject;
/**
 * Merges a validated patch over a full session: only the fields sent change (objects merge, arrays and
 * scalars replace, null clears). A turn_detection of a new type starts from that type's defaults.
 */
export declare function mergeSession(base: JsonObject, patch: JsonObject): JsonObject;
/** The values the call logic needs, read from a full session. */
export interface SessionView {
    model: string;
    outputModalities: 'audio' | 'text';
    transcriptionEnabled: boolean;
    turnDetection: null | {
        type: string;
        threshold: number;
        prefixPaddingMs: number;
        silenceDurationMs: number;
        createResponse: boolean;
        interruptResponse: boolean;
    };
    toolNames: string[];
    toolChoice: Json;
    voice: Json;
}
export declare function viewSession(s: JsonObject): SessionView;

import type { PositionView, RealtimeClientEvent, TenantView, Voice } from '../../../preload/contract';
export interface SessionConfigSettings {
    model: string;
    voice: Voice;
}
export declare const TRANSCRIPTION_MODEL = "gpt-4o-mini-transcribe";
export declare const END_SESSION_TOOL: {
    readonly type: "function";
    readonly name: "end_session";
    readonly description: "End the interview. Call this once, after you have asked all your questions, heard the last answer and said goodbye.";
    readonly parameters: {
        readonly type: "object";
        readonly properties: {};
    };
};
export declare function buildInstructions(position: Pick<PositionView, 'title' | 'description' | 'competencies'>, tenant: Pick<TenantView, 'name' | 'values'>): string;
export declare function buildSessionConfig(position: Pick<PositionView, 'title' | 'description' | 'competencies'>, tenant: Pick<TenantView, 'name' | 'values'>, settings: SessionConfigSettings): {
    type: "realtime";
    model: string;
    instructions: string;
    output_modalities: string[];
    audio: {
        input: {
            transcription: {
                model: string;
            };
            turn_detection: {
                type: "server_vad";
                threshold: number;
                prefix_padding_ms: number;
                silence_duration_ms: number;
                create_response: boolean;
                interrupt_response: boolean;
            };
        };
        output: {
            voice: Voice;
        };
    };
    tools: {
        readonly type: "function";
        readonly name: "end_session";
        readonly description: "End the interview. Call this once, after you have asked all your questions, heard the last answer and said goodbye.";
        readonly parameters: {
            readonly type: "object";
            readonly properties: {};
        };
    }[];
    tool_choice: "auto";
};
export type RealtimeSessionConfig = ReturnType<typeof buildSessionConfig>;
/** Sent by the renderer once the data channel is open and session.created has arrived. */
export declare function openingEvents(): RealtimeClientEvent[];

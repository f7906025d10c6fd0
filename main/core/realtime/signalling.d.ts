import { KioskError } from '../../../preload/contract';
export interface CallResult {
    callId: string;
    answerSdp: string;
}
export interface SignallingOptions {
    baseUrl: string;
    apiKey: string;
    fetch?: typeof fetch;
    timeoutMs?: number;
}
/** Maps an HTTP status from the Realtime endpoint to a KioskError (pure, unit-tested). */
export declare function realtimeHttpError(status: number, body: string): KioskError;
/** The call id is the last path segment of Location, e.g. /v1/realtime/calls/rtc_abc → rtc_abc. */
export declare function callIdFromLocation(location: string | null): string | null;
export declare function createCall(options: SignallingOptions, offerSdp: string, session: unknown): Promise<CallResult>;
/** Ends a call server-side. Best effort: the peer connection closing ends it anyway. */
export declare function hangupCall(options: SignallingOptions, callId: string): Promise<boolean>;

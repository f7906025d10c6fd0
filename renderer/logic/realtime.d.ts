export type RealtimeEvent = {
    type: string;
} & Record<string, unknown>;
export type ParseResult = {
    ok: true;
    event: RealtimeEvent;
} | {
    ok: false;
    error: string;
};
/** Largest message we forward to main (main rejects larger requests anyway). */
export declare const MAX_EVENT_CHARS: number;
export declare function parseDataChannelMessage(data: unknown): ParseResult;
/** Error events from the server, in words for the log (e.g. "response_cancel_not_active: …"). */
export declare function describeServerError(event: RealtimeEvent): string | null;
/** Harmless errors that End itself provokes (cancelling when nothing is active). */
export declare function isHarmlessError(event: RealtimeEvent): boolean;

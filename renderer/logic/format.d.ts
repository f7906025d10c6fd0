/** 0 → "0:00", 65_400 → "1:05", 3_725_000 → "1:02:05". Negative or non-finite input shows as "0:00". */
export declare function formatElapsed(ms: number): string;
/** Byte counts in words an operator reads: "812 B", "20.4 KB", "3.1 MB". */
export declare function formatBytes(bytes: number): string;
/** Operator-facing words for an error of unknown shape: the message only, never a stack trace. */
export declare function errorMessage(error: unknown): string;

export declare function reconnectDelayMs(attempt: number, random?: () => number): number;

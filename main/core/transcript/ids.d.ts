export declare function entryIdFor(sessionId: string, itemId: string): string;

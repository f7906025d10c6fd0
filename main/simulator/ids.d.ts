/** OpenAI-style ids: a prefix (sess_, item_, resp_, call_, rtc_, ek_, event_, conv_) and 22 random characters. */
export declare function newId(prefix: string, length?: number): string;

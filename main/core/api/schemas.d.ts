import { z } from 'zod';
/** Realtime events are small JSON objects; anything bigger is not an event we want to store. */
export declare const MAX_EVENT_BYTES: number;
export declare const MAX_SDP_CHARS = 100000;
export declare const settingsPatchSchema: z.ZodObject<{
    practiceMode: z.ZodOptional<z.ZodBoolean>;
    openaiBaseUrl: z.ZodOptional<z.ZodString>;
    model: z.ZodOptional<z.ZodString>;
    voice: z.ZodOptional<z.ZodEnum<{
        alloy: "alloy";
        ash: "ash";
        ballad: "ballad";
        coral: "coral";
        echo: "echo";
        sage: "sage";
        shimmer: "shimmer";
        verse: "verse";
        marin: "marin";
        cedar: "cedar";
    }>>;
}, z.core.$strict>;
export declare const setKeySchema: z.ZodObject<{
    key: z.ZodString;
}, z.core.$strict>;
export declare const createSessionSchema: z.ZodObject<{
    candidateId: z.ZodString;
    positionId: z.ZodString;
    recordingConsent: z.ZodBoolean;
}, z.core.$strict>;
export declare const startCallSchema: z.ZodObject<{
    sessionId: z.ZodString;
    offerSdp: z.ZodString;
}, z.core.$strict>;
export declare const reportEventSchema: z.ZodObject<{
    sessionId: z.ZodString;
    direction: z.ZodEnum<{
        server: "server";
        client: "client";
    }>;
    event: z.ZodObject<{
        type: z.ZodString;
    }, z.core.$loose>;
    receivedAt: z.ZodOptional<z.ZodNumber>;
}, z.core.$strict>;
export declare const recordingChunkSchema: z.ZodObject<{
    sessionId: z.ZodString;
    seq: z.ZodNumber;
    data: z.ZodInstanceOf<Uint8Array<ArrayBuffer>>;
}, z.core.$strict>;
export declare const endInterviewSchema: z.ZodObject<{
    sessionId: z.ZodString;
    reason: z.ZodEnum<{
        error: "error";
        operator: "operator";
        end_session: "end_session";
    }>;
}, z.core.$strict>;
export declare const sessionRefSchema: z.ZodObject<{
    sessionId: z.ZodString;
}, z.core.$strict>;
/** One schema per method: the dispatcher parses with it before the service sees anything. */
export declare const REQUEST_SCHEMAS: {
    getSettings: z.ZodPipe<z.ZodUnion<readonly [z.ZodUndefined, z.ZodNull, z.ZodObject<{}, z.core.$strict>]>, z.ZodTransform<undefined, Record<string, never> | null | undefined>>;
    updateSettings: z.ZodObject<{
        practiceMode: z.ZodOptional<z.ZodBoolean>;
        openaiBaseUrl: z.ZodOptional<z.ZodString>;
        model: z.ZodOptional<z.ZodString>;
        voice: z.ZodOptional<z.ZodEnum<{
            alloy: "alloy";
            ash: "ash";
            ballad: "ballad";
            coral: "coral";
            echo: "echo";
            sage: "sage";
            shimmer: "shimmer";
            verse: "verse";
            marin: "marin";
            cedar: "cedar";
        }>>;
    }, z.core.$strict>;
    setOpenAIKey: z.ZodObject<{
        key: z.ZodString;
    }, z.core.$strict>;
    clearOpenAIKey: z.ZodPipe<z.ZodUnion<readonly [z.ZodUndefined, z.ZodNull, z.ZodObject<{}, z.core.$strict>]>, z.ZodTransform<undefined, Record<string, never> | null | undefined>>;
    getSetupData: z.ZodPipe<z.ZodUnion<readonly [z.ZodUndefined, z.ZodNull, z.ZodObject<{}, z.core.$strict>]>, z.ZodTransform<undefined, Record<string, never> | null | undefined>>;
    createSession: z.ZodObject<{
        candidateId: z.ZodString;
        positionId: z.ZodString;
        recordingConsent: z.ZodBoolean;
    }, z.core.$strict>;
    startCall: z.ZodObject<{
        sessionId: z.ZodString;
        offerSdp: z.ZodString;
    }, z.core.$strict>;
    reportRealtimeEvent: z.ZodObject<{
        sessionId: z.ZodString;
        direction: z.ZodEnum<{
            server: "server";
            client: "client";
        }>;
        event: z.ZodObject<{
            type: z.ZodString;
        }, z.core.$loose>;
        receivedAt: z.ZodOptional<z.ZodNumber>;
    }, z.core.$strict>;
    appendRecordingChunk: z.ZodObject<{
        sessionId: z.ZodString;
        seq: z.ZodNumber;
        data: z.ZodInstanceOf<Uint8Array<ArrayBuffer>>;
    }, z.core.$strict>;
    endInterview: z.ZodObject<{
        sessionId: z.ZodString;
        reason: z.ZodEnum<{
            error: "error";
            operator: "operator";
            end_session: "end_session";
        }>;
    }, z.core.$strict>;
    getSessionSummary: z.ZodObject<{
        sessionId: z.ZodString;
    }, z.core.$strict>;
};

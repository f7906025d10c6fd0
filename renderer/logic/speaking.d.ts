export interface SpeakingState {
    interviewer: boolean;
    candidate: boolean;
    /** A response is being generated (response.created … response.done); End must cancel it. */
    responseActive: boolean;
    /** Server events seen (to tell "nothing yet" from "silence"). */
    sessionCreated: boolean;
}
export declare const initialSpeakingState: SpeakingState;
export declare function reduceSpeaking(state: SpeakingState, event: {
    type: string;
}): SpeakingState;
/** The interviewer has finished talking: nothing generating and nothing left in the output buffer. */
export declare function interviewerDone(state: SpeakingState): boolean;
export declare function speakingLabel(state: SpeakingState): string;

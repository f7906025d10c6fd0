export declare const MAX_SDP_BYTES: number;
/** Rejects what is plainly not an SDP offer before werift sees it (werift's own parse errors are less clear). */
export declare function validateOfferSdp(sdp: string): void;
/** Address field of an `a=candidate:` line (foundation component transport priority ADDRESS port typ …). */
export declare function candidateAddress(line: string): string | null;
/** Keeps only candidates whose address passes `keep` (loopback mode: 127.0.0.1 only, so no packet leaves the host). */
export declare function filterCandidates(sdp: string, keep: (address: string) => boolean): string;
export declare const isLoopbackV4: (address: string) => address is "127.0.0.1";
/** Payload type negotiated for opus/48000 in the (answer) SDP's audio section, or null. */
export declare function opusPayloadType(sdp: string): number | null;

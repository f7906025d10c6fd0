export declare class OggError extends Error {
}
export interface OggPage {
    headerType: number;
    granulePosition: bigint;
    serial: number;
    sequence: number;
    segments: number[];
    body: Buffer;
}
/** Ogg's CRC-32 (polynomial 0x04c11db7, no reflection, init 0) over a page with its CRC field zeroed. */
export declare function oggCrc(page: Buffer): number;
export declare function parseOggPages(data: Buffer): OggPage[];
/** Reassembles the packets of one logical stream: a segment of 255 bytes means "the packet goes on". */
export declare function oggPackets(pages: OggPage[]): Buffer[];
export interface OpusStream {
    channels: number;
    preSkip: number;
    inputSampleRate: number;
    /** Audio packets in order (OpusHead and OpusTags removed). */
    packets: Buffer[];
}
/** Parses an Ogg/Opus file (RFC 7845): identification header, comment header, then audio packets. */
export declare function parseOggOpus(data: Buffer): OpusStream;
/** Duration in ms of one Opus packet, from its TOC byte (RFC 6716 §3.1). */
export declare function opusPacketDurationMs(packet: Buffer): number;

// Ogg page parser for Ogg/Opus clips (RFC 3533, RFC 7845). Pure: bytes in, Opus packets out.
// Honours lacing values of 255 (a packet continues into the next segment, possibly the next page), which is
// what werift's bundled parser gets wrong for packets over 255 bytes. Page CRCs are checked so a truncated or
// corrupted clip fails loudly at start-up instead of sending garbage RTP.

export class OggError extends Error {}

export interface OggPage {
  headerType: number; // bit 0: continued packet, bit 1: first page, bit 2: last page
  granulePosition: bigint;
  serial: number;
  sequence: number;
  segments: number[];
  body: Buffer;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** Ogg's CRC-32 (polynomial 0x04c11db7, no reflection, init 0) over a page with its CRC field zeroed. */
export function oggCrc(page: Buffer): number {
  let crc = 0;
  for (let i = 0; i < page.length; i++) {
    const byte = i >= 22 && i < 26 ? 0 : page[i]!;
    crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) & 0xff) ^ byte]!) >>> 0;
  }
  return crc >>> 0;
}

export function parseOggPages(data: Buffer): OggPage[] {
  const pages: OggPage[] = [];
  let pos = 0;
  while (pos < data.length) {
    if (data.length - pos < 27) throw new OggError(`truncated page header at byte ${pos}`);
    if (data.toString('latin1', pos, pos + 4) !== 'OggS') throw new OggError(`no OggS capture pattern at byte ${pos}`);
    if (data[pos + 4] !== 0) throw new OggError(`unsupported Ogg version ${data[pos + 4]} at byte ${pos}`);
    const headerType = data[pos + 5]!;
    const granulePosition = data.readBigInt64LE(pos + 6);
    const serial = data.readUInt32LE(pos + 14);
    const sequence = data.readUInt32LE(pos + 18);
    const crc = data.readUInt32LE(pos + 22);
    const count = data[pos + 26]!;
    const headerLength = 27 + count;
    if (data.length - pos < headerLength) throw new OggError(`truncated segment table at byte ${pos}`);
    const segments = [...data.subarray(pos + 27, pos + headerLength)];
    const bodyLength = segments.reduce((a, b) => a + b, 0);
    const end = pos + headerLength + bodyLength;
    if (end > data.length) throw new OggError(`truncated page body at byte ${pos}`);
    const page = data.subarray(pos, end);
    if (oggCrc(page) !== crc) throw new OggError(`CRC mismatch on page ${sequence} at byte ${pos}`);
    pages.push({ headerType, granulePosition, serial, sequence, segments, body: data.subarray(pos + headerLength, end) });
    pos = end;
  }
  return pages;
}

/** Reassembles the packets of one logical stream: a segment of 255 bytes means "the packet goes on". */
export function oggPackets(pages: OggPage[]): Buffer[] {
  const packets: Buffer[] = [];
  let pending: Buffer[] = [];
  const serial = pages[0]?.serial;
  for (const page of pages) {
    if (page.serial !== serial) throw new OggError('more than one logical stream (chained/multiplexed Ogg is not supported)');
    const continued = (page.headerType & 1) !== 0;
    if (continued && pending.length === 0 && packets.length > 0) throw new OggError(`page ${page.sequence} continues a packet that never started`);
    if (!continued && pending.length > 0) throw new OggError(`page ${page.sequence} drops an unfinished packet`);
    let offset = 0;
    for (const size of page.segments) {
      pending.push(page.body.subarray(offset, offset + size));
      offset += size;
      if (size < 255) {
        packets.push(Buffer.concat(pending));
        pending = [];
      }
    }
  }
  if (pending.length > 0) throw new OggError('stream ends inside a packet');
  return packets;
}

export interface OpusStream {
  channels: number;
  preSkip: number;
  inputSampleRate: number;
  /** Audio packets in order (OpusHead and OpusTags removed). */
  packets: Buffer[];
}

/** Parses an Ogg/Opus file (RFC 7845): identification header, comment header, then audio packets. */
export function parseOggOpus(data: Buffer): OpusStream {
  const packets = oggPackets(parseOggPages(data));
  const head = packets[0];
  if (!head || head.length < 19 || head.toString('latin1', 0, 8) !== 'OpusHead') throw new OggError('first packet is not OpusHead');
  const tags = packets[1];
  if (!tags || tags.toString('latin1', 0, 8) !== 'OpusTags') throw new OggError('second packet is not OpusTags');
  return {
    channels: head[9]!,
    preSkip: head.readUInt16LE(10),
    inputSampleRate: head.readUInt32LE(12),
    packets: packets.slice(2),
  };
}

/** Duration in ms of one Opus packet, from its TOC byte (RFC 6716 §3.1). */
export function opusPacketDurationMs(packet: Buffer): number {
  if (packet.length === 0) throw new OggError('empty Opus packet');
  const toc = packet[0]!;
  const config = toc >> 3;
  let frameMs: number;
  if (config < 12) frameMs = [10, 20, 40, 60][config & 3]!;
  else if (config < 16) frameMs = (config & 1) === 0 ? 10 : 20;
  else frameMs = [2.5, 5, 10, 20][config & 3]!;
  const code = toc & 3;
  const frames = code === 0 ? 1 : code === 1 || code === 2 ? 2 : packet.length > 1 ? packet[1]! & 0x3f : 0;
  return frameMs * frames;
}

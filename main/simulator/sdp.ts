// SDP helpers for the answerer. Pure string functions.
import { invalid } from './errors';

export const MAX_SDP_BYTES = 64 * 1024;

/** Rejects what is plainly not an SDP offer before werift sees it (werift's own parse errors are less clear). */
export function validateOfferSdp(sdp: string): void {
  const fail = (why: string) => {
    throw invalid('invalid_offer', `Invalid SDP offer: ${why}.`, 'sdp');
  };
  if (sdp.length === 0) fail('it is empty');
  if (Buffer.byteLength(sdp) > MAX_SDP_BYTES) fail(`it is larger than ${MAX_SDP_BYTES} bytes`);
  if (!/^v=0\r?\n/.test(sdp)) fail("it must start with 'v=0'");
  const lines = sdp.split(/\r?\n/);
  if (!lines.some((l) => l.startsWith('o='))) fail("no 'o=' line");
  const media = lines.filter((l) => l.startsWith('m='));
  if (!media.some((l) => l.startsWith('m=application') && /webrtc-datachannel/.test(l)))
    fail("no data channel (m=application … webrtc-datachannel): create the 'oai-events' channel before createOffer");
  if (!lines.some((l) => l.startsWith('a=ice-ufrag:'))) fail("no 'a=ice-ufrag'");
  if (!lines.some((l) => l.startsWith('a=ice-pwd:'))) fail("no 'a=ice-pwd'");
  if (!lines.some((l) => l.startsWith('a=fingerprint:'))) fail("no DTLS 'a=fingerprint'");
  for (const m of media.filter((l) => l.startsWith('m=audio'))) {
    if (!/UDP\/TLS\/RTP\/SAVPF/.test(m)) fail(`unsupported audio transport in '${m}'`);
  }
}

/** Address field of an `a=candidate:` line (foundation component transport priority ADDRESS port typ …). */
export function candidateAddress(line: string): string | null {
  const parts = line.replace(/^a=/, '').split(' ');
  return parts.length >= 8 ? parts[4]! : null;
}

/** Keeps only candidates whose address passes `keep` (loopback mode: 127.0.0.1 only, so no packet leaves the host). */
export function filterCandidates(sdp: string, keep: (address: string) => boolean): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  return sdp
    .split(/\r?\n/)
    .filter((line) => {
      if (!line.startsWith('a=candidate:')) return true;
      const address = candidateAddress(line);
      return address !== null && keep(address);
    })
    .join(eol);
}

export const isLoopbackV4 = (address: string) => address === '127.0.0.1';

/** Payload type negotiated for opus/48000 in the (answer) SDP's audio section, or null. */
export function opusPayloadType(sdp: string): number | null {
  const match = /a=rtpmap:(\d+) opus\/48000/i.exec(sdp);
  return match ? Number(match[1]) : null;
}

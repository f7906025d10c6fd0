// Test support: a werift *client* peer that talks to the emulator the way the renderer does (data channel
// oai-events + an Opus audio track, multipart POST with the standard key), plus helpers to make Opus audio.
import { readFileSync } from 'node:fs';
import OpusScript from 'opusscript';
import { RTCPeerConnection, RtpHeader, RtpPacket, type RTCDataChannel, type RTCRtpTransceiver } from 'werift';
import { buildMultipart } from '../../main/simulator/multipart';
import { loopbackPeerConfig } from '../../main/simulator/peer';
import { loopbackStunUrl } from '../../main/simulator/stun';

const STUN_URL = await loopbackStunUrl();

export type ServerEvent = { type: string; [key: string]: any };

export const FIXTURE_WAV = new URL('../fixtures/answers-4.wav', import.meta.url).pathname;
export const FIXTURE_JSON = new URL('../fixtures/answers-4.json', import.meta.url).pathname;

/** 48 kHz mono 16-bit PCM samples of a WAV file (walks the RIFF chunks, no fixed 44-byte assumption). */
export function readWavPcm(path: string): Int16Array {
  const buf = readFileSync(path);
  if (buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') throw new Error(`${path} is not a WAV file`);
  let pos = 12;
  while (pos + 8 <= buf.length) {
    const id = buf.toString('latin1', pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    if (id === 'data') {
      const data = Buffer.from(buf.subarray(pos + 8, pos + 8 + size));
      return new Int16Array(data.buffer, data.byteOffset, data.length >> 1);
    }
    pos += 8 + size + (size & 1);
  }
  throw new Error(`${path} has no data chunk`);
}

/** Encodes PCM (48 kHz mono) into 20 ms Opus packets. */
export function encodeOpus(pcm: Int16Array): Buffer[] {
  const encoder = new OpusScript(48000, 1, OpusScript.Application.VOIP);
  const packets: Buffer[] = [];
  try {
    for (let i = 0; i + 960 <= pcm.length; i += 960) {
      const frame = Buffer.from(pcm.buffer, pcm.byteOffset + i * 2, 960 * 2);
      packets.push(Buffer.from(encoder.encode(frame, 960)));
    }
  } finally {
    encoder.delete();
  }
  return packets;
}

export function tone(ms: number, amplitude = 8000, hz = 220): Int16Array {
  const n = Math.round((ms / 1000) * 48000);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / 48000));
  return out;
}

export const silence = (ms: number) => new Int16Array(Math.round((ms / 1000) * 48000));

export function concatPcm(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  session?: object | null;
  /** SCTP max-message-size this client advertises (Chromium: 256 KiB). */
  maxMessageSize?: number;
}

export class RealtimeTestClient {
  // max-bundle: one ICE transport (werift leaks the sockets of transports a BUNDLE answer makes redundant)
  readonly pc: RTCPeerConnection;
  readonly dc: RTCDataChannel;
  readonly audio: RTCRtpTransceiver;
  readonly events: ServerEvent[] = [];
  /** RTP packets received when each event arrived (same index as events): shows text running ahead of audio. */
  readonly rtpAtEvent: number[] = [];
  callId = '';
  rtpReceived = 0;
  rtpMarkers = 0;
  /** performance.now() when each marked RTP packet (the first of a talk spurt: a line's first audio) arrived. */
  readonly spurtsAt: number[] = [];
  rtpPayloadTypes = new Set<number>();
  private waiters: { pred: (e: ServerEvent) => boolean; resolve: (e: ServerEvent) => void }[] = [];
  private seq = 1000;
  private ts = 5000;
  private sending: NodeJS.Timeout | null = null;
  private readonly opened: Promise<void>;

  constructor(private readonly opts: ClientOptions) {
    this.pc = new RTCPeerConnection({
      ...loopbackPeerConfig(STUN_URL), maxMessageSize: opts.maxMessageSize ?? 4 * 1024 * 1024, bundlePolicy: 'max-bundle',
    });
    this.dc = this.pc.createDataChannel('oai-events');
    this.audio = this.pc.addTransceiver('audio', { direction: 'sendrecv' });
    this.audio.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => {
        this.rtpReceived++;
        if (rtp.header.marker) {
          this.rtpMarkers++;
          this.spurtsAt.push(performance.now());
        }
        this.rtpPayloadTypes.add(rtp.header.payloadType);
      });
    });
    this.dc.onMessage.subscribe((data) => {
      const event = JSON.parse(data.toString()) as ServerEvent;
      this.events.push(event);
      this.rtpAtEvent.push(this.rtpReceived);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(event)) return true;
        w.resolve(event);
        return false;
      });
    });
    this.opened = new Promise((resolve) => {
      if (this.dc.readyState === 'open') resolve();
      this.dc.stateChanged.subscribe((s) => s === 'open' && resolve());
    });
  }

  async offer(): Promise<string> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    return this.pc.localDescription!.sdp;
  }

  /** POSTs the offer as multipart (standard key) and applies the answer. Returns the HTTP response. */
  async connect(): Promise<Response> {
    const sdp = await this.offer();
    const fields = [{ name: 'sdp', contentType: 'application/sdp', value: sdp }];
    if (this.opts.session !== null) fields.push({ name: 'session', contentType: 'application/json', value: JSON.stringify(this.opts.session ?? { type: 'realtime', model: 'gpt-realtime' }) });
    const mp = buildMultipart(fields);
    const res = await fetch(`${this.opts.baseUrl}/v1/realtime/calls`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.opts.apiKey}`, 'Content-Type': mp.contentType },
      body: mp.body,
    });
    if (res.status !== 201) return res;
    this.callId = (res.headers.get('location') ?? '').split('/').pop() ?? '';
    const answer = await res.clone().text();
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer });
    return res;
  }

  // A liveness bound, not a timing goal: werift's ICE + DTLS + SCTP handshake in this process has taken over 10 s
  // on a loaded 2-core machine (connect time is measured by the bench, not here).
  async open(timeoutMs = 30_000): Promise<void> {
    await withTimeout(this.opened, timeoutMs, 'data channel open');
  }

  send(event: object | string): void {
    this.dc.send(typeof event === 'string' ? event : JSON.stringify(event));
  }

  /** Resolves with the first event (already received or future) that matches. */
  waitFor(pred: string | ((e: ServerEvent) => boolean), timeoutMs = 10_000, fromIndex = 0): Promise<ServerEvent> {
    const p = typeof pred === 'string' ? (e: ServerEvent) => e.type === pred : pred;
    const found = this.events.slice(fromIndex).find(p);
    if (found) return Promise.resolve(found);
    const label = typeof pred === 'string' ? pred : 'matching event';
    return withTimeout(new Promise<ServerEvent>((resolve) => this.waiters.push({ pred: p, resolve })), timeoutMs, label, () => this.types());
  }

  types(): string[] {
    return this.events.map((e) => e.type);
  }

  /** Sends Opus packets as RTP, one per `intervalMs` (audio time is carried by RTP timestamps, so tests may
   * send faster than real time). Resolves when all are sent. */
  sendAudio(packets: Buffer[], intervalMs = 20): Promise<void> {
    return new Promise((resolve) => {
      let i = 0;
      const start = performance.now();
      const tick = () => {
        while (i < packets.length && start + i * intervalMs <= performance.now() + 1) {
          const header = new RtpHeader({ payloadType: 111, sequenceNumber: this.seq++ & 0xffff, timestamp: this.ts >>> 0, marker: i === 0 });
          this.ts += 960;
          void this.audio.sender.sendRtp(new RtpPacket(header, packets[i]!)).catch(() => undefined);
          i++;
        }
        if (i >= packets.length) {
          this.sending = null;
          resolve();
          return;
        }
        this.sending = setTimeout(tick, Math.max(0, start + i * intervalMs - performance.now()));
      };
      tick();
    });
  }

  async close(): Promise<void> {
    if (this.sending) clearTimeout(this.sending);
    await this.pc.close().catch(() => undefined);
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string, context?: () => unknown): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}${context ? `; seen: ${JSON.stringify(context())}` : ''}`)), ms);
    }),
  ]);
}

/** Connects a client and waits for session.created. */
export async function connectClient(opts: ClientOptions): Promise<RealtimeTestClient> {
  const client = new RealtimeTestClient(opts);
  const res = await client.connect();
  if (res.status !== 201) {
    await client.close();
    throw new Error(`POST /v1/realtime/calls → ${res.status}: ${await res.text()}`);
  }
  await client.open();
  await client.waitFor('session.created');
  return client;
}

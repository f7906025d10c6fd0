// The WebRTC answerer (werift, pure JS: runs in Node and in Electron's main process). Thin glue between the
// wire and RealtimeCall: data channel `oai-events` in/out, candidate Opus RTP → decoded RMS levels, and the
// interviewer's clips → paced RTP. werift needs 127.0.0.1 as an extra host address to gather anything on a loopback-only host.
import OpusScript from 'opusscript';
import { RTCPeerConnection, RtpHeader, RtpPacket, type RTCDataChannel, type RTCPeerConnectionConfig } from 'werift';
import { ApiErrorException, invalid } from './errors';
import { PacedRtpSender } from './rtp';
import { filterCandidates, isLoopbackV4, opusPayloadType, validateOfferSdp } from './sdp';
import { rms } from './vad';

/** Advertised SCTP max-message-size: above our own 1 MiB event limit, so oversized events reach the
 * application layer and get a proper `error` event instead of failing inside the sender's stack. */
export const ADVERTISED_MAX_MESSAGE_SIZE = 4 * 1024 * 1024;
const DECODE_RATE = 16000;

/** werift settings for a 127.0.0.1-only peer. `stunUrl` must be this process's loopback responder (./stun.ts):
 * werift always queries a STUN server, and without one it picks a public one. */
export function loopbackPeerConfig(stunUrl: string): Partial<RTCPeerConnectionConfig> {
  return { iceServers: [{ urls: stunUrl }], iceAdditionalHostAddresses: ['127.0.0.1'], iceUseIpv6: false, iceUseIpv4: false, iceInterfaceAddresses: { udp4: '127.0.0.1' } };
}

export interface PeerSink {
  onOpen(): void;
  onMessage(data: string | Buffer): void;
  onAudioFrame(level: number, startMs: number, durationMs: number): void;
  onConnected(): void;
  onClosed(reason: string): void;
}

export interface PeerOptions {
  candidates: 'loopback' | 'all';
  stunUrl: string; // ./stun.ts: werift's STUN query stays on this machine
  log: (line: string) => void;
  onRtpSent?: (at: number) => void;
}

export class EmulatorPeer {
  readonly pc: RTCPeerConnection;
  answerSdp = '';
  private dc: RTCDataChannel | null = null;
  private sink: PeerSink | null = null;
  private pendingOpen = false;
  private readonly sender: PacedRtpSender;
  private payloadType = 111;
  private decoder: OpusScript | null = null;
  private firstTs: number | null = null;
  private closed = false;
  connected = false;

  constructor(private readonly opts: PeerOptions) {
    // Loopback mode gathers and binds on 127.0.0.1 only: no UDP socket listens on another interface (werift
    // otherwise binds each host candidate's socket to the wildcard address).
    const loopback = opts.candidates === 'loopback';
    this.pc = new RTCPeerConnection({
      ...(loopback ? loopbackPeerConfig(opts.stunUrl) : { iceServers: [{ urls: opts.stunUrl }], iceAdditionalHostAddresses: ['127.0.0.1'], iceUseIpv6: false }),
      maxMessageSize: ADVERTISED_MAX_MESSAGE_SIZE,
    });
    this.sender = new PacedRtpSender((p) => {
      const transceiver = this.audioTransceiver();
      if (!transceiver || this.closed || !this.connected) return;
      const header = new RtpHeader({ payloadType: this.payloadType, sequenceNumber: p.sequenceNumber, timestamp: p.timestamp, marker: p.marker });
      transceiver.sender.sendRtp(new RtpPacket(header, p.payload)).catch(() => {
        /* transport closing: the call's close path reports it */
      });
    }, opts.onRtpSent);
    this.pc.connectionStateChange.subscribe((state) => {
      opts.log(`peer connection ${state}`);
      if (state === 'connected' && !this.connected) {
        this.connected = true;
        this.sink?.onConnected();
      }
      if (state === 'failed' || state === 'closed') void this.close(`connection ${state}`);
    });
    this.pc.onDataChannel.subscribe((dc) => {
      if (dc.label !== 'oai-events') {
        opts.log(`ignoring data channel '${dc.label}' (only 'oai-events' carries events)`);
        return;
      }
      this.dc = dc;
      dc.onMessage.subscribe((data) => this.sink?.onMessage(data));
      let announced = false;
      const opened = () => {
        if (announced) return;
        announced = true;
        if (this.sink) this.sink.onOpen();
        else this.pendingOpen = true;
      };
      if (dc.readyState === 'open') opened();
      dc.stateChanged.subscribe((s) => {
        if (s === 'open') opened();
        // The client closed oai-events (or its peer): the session is over, as with the real service.
        if (s === 'closed') void this.close('data channel closed by the client');
      });
    });
    this.pc.onTransceiverAdded.subscribe((transceiver) => {
      transceiver.onTrack.subscribe((track) => {
        track.onReceiveRtp.subscribe((rtp) => this.onRtp(rtp));
      });
    });
  }

  private audioTransceiver() {
    return this.pc.getTransceivers().find((t) => t.kind === 'audio');
  }

  /** Applies the offer and returns the answer SDP (non-trickle: candidates included). Throws invalid_offer. */
  async answer(offerSdp: string): Promise<string> {
    validateOfferSdp(offerSdp);
    const loopback = this.opts.candidates === 'loopback';
    const offer = loopback ? filterCandidates(offerSdp, isLoopbackV4) : offerSdp;
    try {
      await this.pc.setRemoteDescription({ type: 'offer', sdp: offer });
    } catch (e) {
      throw invalid('invalid_offer', `Invalid SDP offer: ${(e as Error).message}`, 'sdp');
    }
    // werift's SCTP receive window (1 MiB) is also its reassembly buffer: a message larger than the window
    // can never complete and stalls the channel for good. Open it well above the largest message a peer may
    // send us (ADVERTISED_MAX_MESSAGE_SIZE), so an oversized event arrives whole and is answered with an error.
    const sctp = this.pc.sctpTransport?.sctp as unknown as { advertisedRwnd: number } | undefined; // private in werift's typings
    if (sctp) sctp.advertisedRwnd = 2 * ADVERTISED_MAX_MESSAGE_SIZE;
    const audio = this.audioTransceiver();
    if (audio) audio.setDirection('sendrecv');
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    const sdp = this.pc.localDescription?.sdp;
    if (!sdp) throw new ApiErrorException({ type: 'server_error', code: null, message: 'The emulator could not create an SDP answer.', param: null });
    this.payloadType = opusPayloadType(sdp) ?? 111;
    this.answerSdp = loopback ? filterCandidates(sdp, isLoopbackV4) : sdp;
    return this.answerSdp;
  }

  attach(sink: PeerSink): void {
    this.sink = sink;
    if (this.connected) sink.onConnected();
    if (this.pendingOpen) {
      this.pendingOpen = false;
      sink.onOpen();
    }
  }

  sendEvent(event: object): void {
    if (this.closed || !this.dc || this.dc.readyState !== 'open') return;
    try {
      this.dc.send(JSON.stringify(event));
    } catch (e) {
      // Typically an event (e.g. session.updated with huge instructions) above the browser's max-message-size:
      // tell the client instead of silently dropping it.
      const type = (event as { type?: unknown }).type;
      this.opts.log(`data channel send of ${String(type)} failed: ${(e as Error).message}`);
      if (type !== 'error') {
        try {
          this.dc.send(JSON.stringify({
            type: 'error', event_id: `event_undeliverable_${Date.now()}`,
            error: { type: 'server_error', code: 'event_too_large', message: `The server could not deliver a '${String(type)}' event: ${(e as Error).message}`, param: null, event_id: null },
          }));
        } catch {
          /* channel unusable: the close path reports it */
        }
      }
    }
  }

  /** Waits (bounded) until queued data-channel messages have left, so a last `error` is not lost on close. */
  async flush(maxMs = 500): Promise<void> {
    const dc = this.dc;
    if (!dc || dc.readyState !== 'open') return;
    const until = Date.now() + maxMs;
    while (dc.bufferedAmount > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50)); // SCTP hands the last chunk to DTLS asynchronously
  }

  playClip(packets: Buffer[], onEnd: () => void): void {
    this.sender.play(packets, onEnd);
  }

  stopAudio(): void {
    this.sender.stop();
  }

  playedMs(): number {
    return this.sender.playedMs;
  }

  private onRtp(rtp: RtpPacket): void {
    if (this.closed || rtp.header.payloadType !== this.payloadType || rtp.payload.length === 0) return;
    try {
      // Decode at 16 kHz: the VAD only needs speech-band energy, and it is ~4× cheaper than 48 kHz here
      // (0.10 vs 0.44 ms per frame measured on this project's test machine) with the same voiced frames.
      this.decoder ??= new OpusScript(DECODE_RATE, 1, OpusScript.Application.VOIP);
      const decoded = this.decoder.decode(rtp.payload);
      const pcmBytes = decoded.byteOffset % 2 === 0 ? decoded : Buffer.from(decoded); // Int16Array needs alignment
      const pcm = new Int16Array(pcmBytes.buffer, pcmBytes.byteOffset, pcmBytes.length >> 1);
      if (this.firstTs === null) this.firstTs = rtp.header.timestamp;
      // The call's audio clock: RTP time since the first packet (survives packet loss and DTX gaps).
      const startMs = ((rtp.header.timestamp - this.firstTs) >>> 0) / 48;
      this.sink?.onAudioFrame(rms(pcm), startMs, pcm.length / (DECODE_RATE / 1000));
    } catch (e) {
      this.opts.log(`undecodable audio packet ignored: ${(e as Error).message}`);
    }
  }

  async close(reason = 'closed'): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sender.stop();
    try {
      this.decoder?.delete();
    } catch {
      /* already freed */
    }
    this.decoder = null;
    this.sink?.onClosed(reason);
    // werift's pc.close() tears DTLS down before SCTP, so nothing tells the far end and it only notices at the
    // ICE consent timeout. Close the data channel first (an SCTP stream reset the browser sees as dc close),
    // give it a moment to leave, then close the peer.
    if (this.dc && this.dc.readyState === 'open') {
      this.dc.close();
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.pc.close().catch(() => undefined);
  }
}

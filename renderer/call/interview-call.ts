// The interview call in the browser: RTCPeerConnection + "oai-events" data channel + mic, remote audio into an
// <audio> element, every data-channel event reported to main in order, main's actions executed, and the
// recording (mic + interviewer mixed) streamed to main in 1 s chunks. Thin shell; the logic lives in ../logic.
import type { CallAction, KioskBridge, RealtimeClientEvent, SessionSummary } from '../../preload/contract';
import { callPhase, type CallPhase } from '../logic/connection';
import { describeServerError, isHarmlessError, parseDataChannelMessage, type RealtimeEvent } from '../logic/realtime';
import { createSerialQueue } from '../logic/serial-queue';
import { initialSpeakingState, interviewerDone, reduceSpeaking, type SpeakingState } from '../logic/speaking';
import { createWaiter } from '../logic/wait';

export interface CallCallbacks {
  onPhase(phase: CallPhase): void;
  onSpeaking(state: SpeakingState): void;
  onLog(line: string, level: 'info' | 'error'): void;
  /** Ending has begun (End pressed, or the interviewer finished after end_session). */
  onEnding?(reason: 'operator' | 'end_session' | 'error'): void;
  /** The interview ended (End pressed, or the interviewer called end_session) and main returned the summary. */
  onEnded(summary: SessionSummary): void;
  onEndFailed(error: unknown): void;
}

export interface CallOptions {
  kiosk: KioskBridge;
  sessionId: string;
  mic: MediaStream;
  audio: HTMLAudioElement;
  record: boolean;
  callbacks: CallCallbacks;
  /** A peer prepared while the session was being created (see preparePeer); made here when absent. */
  prepared?: Promise<PreparedPeer>;
}

/** How long to wait for Chromium's ICE gathering before sending the offer with what it has (non-trickle). */
const ICE_GATHERING_LIMIT_MS = 2000;
/** After end_session: how long to let the interviewer finish its closing line. */
const FINISH_SPEAKING_LIMIT_MS = 8000;
/** After response.cancel on End: how long to wait for response.done so main gets the text heard so far. */
const CANCEL_SETTLE_LIMIT_MS = 1500;
const RECORDER_STOP_LIMIT_MS = 5000;
const RECORDING_MIME = 'audio/webm;codecs=opus';

export interface PreparedPeer {
  pc: RTCPeerConnection;
  dc: RTCDataChannel;
  offerSdp: string;
}

/**
 * The peer up to a complete offer: data channel first (the server opens none), the mic track, ICE gathered
 * (non-trickle, bounded). Needs no session, so Start can run it while main creates the session.
 */
export async function preparePeer(mic: MediaStream): Promise<PreparedPeer> {
  const pc = new RTCPeerConnection(); // no ICE servers: host candidates only
  try {
    const dc = pc.createDataChannel('oai-events');
    for (const track of mic.getAudioTracks()) pc.addTrack(track, mic);
    await pc.setLocalDescription(await pc.createOffer());
    await waitForIceGathering(pc, ICE_GATHERING_LIMIT_MS);
    performance.mark('kiosk:offer-ready');
    const offerSdp = pc.localDescription?.sdp;
    if (!offerSdp) throw new Error('The browser produced no connection offer. Please try again.');
    return { pc, dc, offerSdp };
  } catch (error) {
    pc.close();
    throw error;
  }
}

export class InterviewCall {
  private readonly kiosk: KioskBridge;
  private readonly sessionId: string;
  private readonly cb: CallCallbacks;
  private pc: RTCPeerConnection | null = null;
  private dc: RTCDataChannel | null = null;
  private readonly events = createSerialQueue();
  private readonly chunks = createSerialQueue();
  private readonly waiter = createWaiter();
  private speaking: SpeakingState = initialSpeakingState;
  private openingEvents: RealtimeClientEvent[] = [];
  private openingSent = false;
  private finishing = false;
  private ending: Promise<void> | null = null;
  private phase: CallPhase = 'connecting';
  private audioCtx: AudioContext | null = null;
  private mixDest: MediaStreamAudioDestinationNode | null = null;
  private recorder: MediaRecorder | null = null;
  private chunkSeq = 0;
  private recordingFailed = false;
  private firstAudioMarked = false;

  constructor(private readonly options: CallOptions) {
    this.kiosk = options.kiosk;
    this.sessionId = options.sessionId;
    this.cb = options.callbacks;
  }

  /** Connects. Rejects (with main's KioskError, e.g. realtime_unauthorized) when the call cannot be set up. */
  async start(): Promise<void> {
    // performance marks (kiosk:*) let the benchmark split Start → first audio into its phases.
    performance.mark('kiosk:call-start');
    let prepared: PreparedPeer;
    try {
      prepared = await (this.options.prepared ?? preparePeer(this.options.mic));
    } catch (error) {
      this.teardown();
      throw error;
    }
    const { pc, dc, offerSdp } = prepared;
    this.pc = pc;
    this.dc = dc;
    // Nothing arrives before the answer is applied, so listening from here on misses nothing.
    const updatePhase = () => this.updatePhase();
    pc.addEventListener('connectionstatechange', updatePhase);
    dc.addEventListener('open', updatePhase);
    dc.addEventListener('close', updatePhase);
    dc.addEventListener('message', (message) => this.onMessage(message.data, performance.now()));
    pc.addEventListener('track', (ev) => this.onRemoteTrack(ev));

    try {
      const result = await this.kiosk.startCall({ sessionId: this.sessionId, offerSdp });
      performance.mark('kiosk:answer-received');
      this.openingEvents = result.openingEvents;
      await pc.setRemoteDescription({ type: 'answer', sdp: result.answerSdp });
    } catch (error) {
      this.teardown();
      throw error;
    }
    if (this.options.record) this.startRecording();
    this.updatePhase();
  }

  /** Ends the interview (idempotent): cancel speech, flush the recording and the event queue, close, tell main. */
  end(reason: 'operator' | 'end_session' | 'error'): Promise<void> {
    if (!this.ending) {
      this.cb.onEnding?.(reason);
      this.ending = this.doEnd(reason).then(
        (summary) => this.cb.onEnded(summary),
        (error: unknown) => this.cb.onEndFailed(error),
      );
    }
    return this.ending;
  }

  /** Ends without telling main (used when start() failed or the screen goes away). */
  abandon(): void {
    this.teardown();
  }

  private async doEnd(reason: 'operator' | 'end_session' | 'error'): Promise<SessionSummary> {
    const dc = this.dc;
    if (dc && dc.readyState === 'open') {
      const wasActive = this.speaking.responseActive;
      if (wasActive) await this.sendAndReport({ type: 'response.cancel' });
      if (wasActive || this.speaking.interviewer) await this.sendAndReport({ type: 'output_audio_buffer.clear' });
      // Let response.done (cancelled) arrive, so main has the interviewer's words up to the cut.
      if (wasActive) await this.waiter.until(() => !this.speaking.responseActive, CANCEL_SETTLE_LIMIT_MS);
    }
    await this.stopRecording();
    this.teardown();
    await this.events.idle(); // every event already received has been reported
    return this.kiosk.endInterview({ sessionId: this.sessionId, reason });
  }

  private teardown(): void {
    try {
      this.dc?.close();
    } catch {
      /* already closed */
    }
    try {
      this.pc?.close();
    } catch {
      /* already closed */
    }
    for (const track of this.options.mic.getTracks()) track.stop();
    if (this.recorder && this.recorder.state !== 'inactive') {
      try {
        this.recorder.stop();
      } catch {
        /* already stopped */
      }
    }
    void this.audioCtx?.close().catch(() => undefined);
    this.audioCtx = null;
    this.phase = 'ended';
    this.cb.onPhase('ended');
  }

  private updatePhase(): void {
    if (this.ending || this.phase === 'ended') return;
    const next = callPhase(this.pc?.connectionState ?? 'none', this.dc?.readyState ?? 'none', false);
    if (next !== this.phase) {
      this.phase = next;
      this.cb.onPhase(next);
      if (next === 'ended') this.cb.onLog('The connection to the interviewer was lost. Press End to save and finish.', 'error');
    }
  }

  private onMessage(data: unknown, receivedAt: number): void {
    const parsed = parseDataChannelMessage(data);
    if (!parsed.ok) {
      this.cb.onLog(parsed.error, 'error');
      return;
    }
    const event = parsed.event;
    const next = reduceSpeaking(this.speaking, event);
    if (next !== this.speaking) {
      this.speaking = next;
      this.cb.onSpeaking(next);
      this.waiter.notify();
    }
    if (event.type === 'output_audio_buffer.started' && !this.firstAudioMarked) {
      this.firstAudioMarked = true;
      performance.mark('kiosk:first-interviewer-audio');
    }
    const serverError = describeServerError(event);
    if (serverError && !isHarmlessError(event)) this.cb.onLog(`The interviewer service reported: ${serverError}`, 'error');

    void this.events.enqueue(() => this.report('server', event, receivedAt)).catch((error: unknown) => {
      this.cb.onLog(`Could not save an event (${event.type}): ${messageOf(error)}`, 'error');
    });
    if (event.type === 'session.created' && !this.openingSent) {
      // Sent at once (not after main has acknowledged session.created): the greeting starts one round trip
      // sooner. Their reports still queue behind session.created's, so main sees the true order.
      this.openingSent = true;
      performance.mark('kiosk:session-created');
      for (const opening of this.openingEvents) void this.sendAndReport(opening);
    }
  }

  /** Reports one event to main and carries out what main asks for. Runs inside the event queue. */
  private async report(direction: 'server' | 'client', event: RealtimeEvent, receivedAt: number): Promise<void> {
    const { actions } = await this.kiosk.reportRealtimeEvent({ sessionId: this.sessionId, direction, event, receivedAt });
    await this.execute(actions);
  }

  private async execute(actions: CallAction[]): Promise<void> {
    for (const action of actions) {
      if (action.kind === 'send') {
        await this.sendAndReportInQueue(action.event);
      } else if (action.kind === 'finish' && !this.finishing) {
        this.finishing = true;
        this.cb.onLog('The interviewer is closing the interview.', 'info');
        // Not awaited: the queue must keep reporting events (output_audio_buffer.stopped) while we wait.
        void this.waiter
          .until(() => interviewerDone(this.speaking), FINISH_SPEAKING_LIMIT_MS)
          .then(() => this.end(action.reason));
      }
    }
  }

  /** Sends a client event and reports it; for use inside the event queue (keeps order). */
  private async sendAndReportInQueue(event: RealtimeClientEvent): Promise<void> {
    const dc = this.dc;
    if (!dc || dc.readyState !== 'open') {
      this.cb.onLog(`Could not send ${event.type}: the connection is not open.`, 'error');
      return;
    }
    dc.send(JSON.stringify(event));
    await this.report('client', event, performance.now());
  }

  /** Sends a client event from outside the queue; its report joins the queue in order. */
  private sendAndReport(event: RealtimeClientEvent): Promise<void> {
    const dc = this.dc;
    if (!dc || dc.readyState !== 'open') return Promise.resolve();
    dc.send(JSON.stringify(event));
    const at = performance.now();
    return this.events.enqueue(() => this.report('client', event, at)).catch((error: unknown) => {
      this.cb.onLog(`Could not save an event (${event.type}): ${messageOf(error)}`, 'error');
    });
  }

  private onRemoteTrack(ev: RTCTrackEvent): void {
    const stream = ev.streams[0] ?? new MediaStream([ev.track]);
    const audio = this.options.audio;
    // Chromium renders remote WebRTC audio (also for WebAudio) only through an unmuted, playing element.
    audio.srcObject = stream;
    audio.muted = false;
    audio.play().catch((error: unknown) => this.cb.onLog(`The interviewer's audio could not play: ${messageOf(error)}`, 'error'));
    if (this.audioCtx && this.mixDest) this.audioCtx.createMediaStreamSource(stream).connect(this.mixDest);
    else this.pendingRemote = stream;
  }

  private pendingRemote: MediaStream | null = null;

  private startRecording(): void {
    if (typeof MediaRecorder === 'undefined' || !MediaRecorder.isTypeSupported(RECORDING_MIME)) {
      this.cb.onLog('This browser cannot record the interview audio; the transcript is still saved.', 'error');
      return;
    }
    const ctx = new AudioContext();
    void ctx.resume().catch(() => undefined);
    const dest = ctx.createMediaStreamDestination();
    ctx.createMediaStreamSource(this.options.mic).connect(dest);
    const remote = this.pendingRemote ?? (this.options.audio.srcObject instanceof MediaStream ? this.options.audio.srcObject : null);
    if (remote) ctx.createMediaStreamSource(remote).connect(dest);
    this.pendingRemote = null;
    this.audioCtx = ctx;
    this.mixDest = dest;
    const recorder = new MediaRecorder(dest.stream, { mimeType: RECORDING_MIME });
    recorder.addEventListener('dataavailable', (ev) => this.onChunk(ev.data));
    recorder.addEventListener('error', () => this.cb.onLog('The recorder stopped with an error; the transcript is still saved.', 'error'));
    recorder.start(1000);
    this.recorder = recorder;
  }

  private onChunk(blob: Blob): void {
    if (blob.size === 0) return;
    const seq = this.chunkSeq++;
    void this.chunks
      .enqueue(async () => {
        const data = new Uint8Array(await blob.arrayBuffer());
        await this.kiosk.appendRecordingChunk({ sessionId: this.sessionId, seq, data });
      })
      .catch((error: unknown) => {
        if (!this.recordingFailed) this.cb.onLog(`Part of the recording could not be saved: ${messageOf(error)}`, 'error');
        this.recordingFailed = true;
      });
  }

  /** Stops the recorder and waits until its last chunk has been appended by main. */
  private async stopRecording(): Promise<void> {
    const recorder = this.recorder;
    if (recorder && recorder.state !== 'inactive') {
      const stopped = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, RECORDER_STOP_LIMIT_MS);
        recorder.addEventListener('stop', () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
      recorder.stop(); // fires a last dataavailable, then stop
      await stopped;
    }
    await this.chunks.idle();
  }
}

function waitForIceGathering(pc: RTCPeerConnection, limitMs: number): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', onChange);
      resolve();
    };
    const onChange = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, limitMs);
    pc.addEventListener('icegatheringstatechange', onChange);
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

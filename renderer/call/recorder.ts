// The interview's recording: mic + interviewer mixed in an AudioContext, MediaRecorder (Opus in WebM) streaming
// 1 s chunks to main in order. Across calls the mic and the recorder stay up; only the interviewer input of the
// mix is swapped to the new call's stream.
import { createSerialQueue } from '../logic/serial-queue';

const RECORDING_MIME = 'audio/webm;codecs=opus';
const RECORDER_STOP_LIMIT_MS = 5000;

export interface CallRecorderOptions {
  mic: MediaStream;
  /** Appends one chunk at main (in seq order; retried by the relay). `startOffsetMs` with chunk 0 only. */
  append(seq: number, data: Uint8Array, startOffsetMs?: number): Promise<void>;
  /** The interview's start (epoch ms, from main), once known: the recording's time 0 is measured from it. */
  interviewStart(): number | null;
  onLog(line: string, level: 'info' | 'error'): void;
}

export class CallRecorder {
  private audioCtx: AudioContext | null = null;
  private mixDest: MediaStreamAudioDestinationNode | null = null;
  private remoteSource: MediaStreamAudioSourceNode | null = null;
  private pendingRemote: MediaStream | null = null;
  private recorder: MediaRecorder | null = null;
  private readonly chunks = createSerialQueue();
  private chunkSeq = 0;
  private failed = false;
  /** ms after the interview start when the recorder started (its time 0), sent with chunk 0. */
  private startOffsetMs: number | undefined;

  constructor(private readonly options: CallRecorderOptions) {}

  /** The interviewer's stream of the current call: mixed in now, or once recording starts. */
  setRemote(stream: MediaStream): void {
    if (this.audioCtx && this.mixDest) this.mixRemote(stream);
    else this.pendingRemote = stream;
  }

  /** Starts recording; `current` is the interviewer stream already playing, if any. */
  start(current: MediaStream | null): void {
    if (typeof MediaRecorder === 'undefined' || !MediaRecorder.isTypeSupported(RECORDING_MIME)) {
      this.options.onLog('This browser cannot record the interview audio; the transcript is still saved.', 'error');
      return;
    }
    const ctx = new AudioContext();
    void ctx.resume().catch(() => undefined);
    const dest = ctx.createMediaStreamDestination();
    ctx.createMediaStreamSource(this.options.mic).connect(dest);
    const remote = this.pendingRemote ?? current;
    this.pendingRemote = null;
    this.audioCtx = ctx;
    this.mixDest = dest;
    if (remote) this.mixRemote(remote);
    const recorder = new MediaRecorder(dest.stream, { mimeType: RECORDING_MIME });
    recorder.addEventListener('dataavailable', (ev) => this.onChunk(ev.data));
    // The recording's time 0 is when the recorder actually starts ('start' fires then, before any data).
    recorder.addEventListener('start', () => {
      const t0 = this.options.interviewStart();
      if (t0 !== null) this.startOffsetMs = Math.max(0, Math.round(Date.now() - t0));
    }, { once: true });
    recorder.addEventListener('error', () => this.options.onLog('The recorder stopped with an error; the transcript is still saved.', 'error'));
    recorder.start(1000);
    this.recorder = recorder;
  }

  /** Stops the recorder and waits until its last chunk has been appended by main. */
  async stop(): Promise<void> {
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

  /** Releases the recorder and the audio graph at once (no waiting). */
  teardown(): void {
    if (this.recorder && this.recorder.state !== 'inactive') {
      try {
        this.recorder.stop();
      } catch {
        /* already stopped */
      }
    }
    void this.audioCtx?.close().catch(() => undefined);
    this.audioCtx = null;
  }

  /** The recording's interviewer input becomes this stream (the previous call's input is unplugged). */
  private mixRemote(stream: MediaStream): void {
    if (!this.audioCtx || !this.mixDest) return;
    try {
      this.remoteSource?.disconnect();
    } catch {
      /* already disconnected */
    }
    const source = this.audioCtx.createMediaStreamSource(stream);
    source.connect(this.mixDest);
    this.remoteSource = source;
  }

  private onChunk(blob: Blob): void {
    if (blob.size === 0) return;
    const seq = this.chunkSeq++;
    const offset = seq === 0 ? this.startOffsetMs : undefined;
    void this.chunks
      .enqueue(async () => this.options.append(seq, new Uint8Array(await blob.arrayBuffer()), offset))
      .catch((error: unknown) => {
        if (!this.failed) this.options.onLog(`Part of the recording could not be saved: ${error instanceof Error ? error.message : String(error)}`, 'error');
        this.failed = true;
      });
  }
}

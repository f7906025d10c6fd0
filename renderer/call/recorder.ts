// The interview's recording: mic + interviewer mixed in an AudioContext, MediaRecorder (Opus in WebM) streaming
// 1 s chunks to main in order. Across calls the mic and the recorder stay up; only the interviewer input of the
// mix is swapped to the new call's stream.
import { createSerialQueue } from '../logic/serial-queue';

const RECORDING_MIME = 'audio/webm;codecs=opus';
const RECORDER_STOP_LIMIT_MS = 5000;

export interface CallRecorderOptions {
  mic: MediaStream;
  /** Appends one chunk at main (in seq order; retried by the relay). */
  append(seq: number, data: Uint8Array): Promise<void>;
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
    void this.chunks
      .enqueue(async () => this.options.append(seq, new Uint8Array(await blob.arrayBuffer())))
      .catch((error: unknown) => {
        if (!this.failed) this.options.onLog(`Part of the recording could not be saved: ${error instanceof Error ? error.message : String(error)}`, 'error');
        this.failed = true;
      });
  }
}

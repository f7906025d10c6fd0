// Paced Opus RTP: one packet every 20 ms against a fixed schedule (start + n·20 ms), so timer lateness does
// not accumulate as drift. Sequence numbers and timestamps continue across clips of one stream; the first
// packet of each clip (talk spurt) carries the marker bit and a timestamp advanced by the wall-clock gap.
import { performance } from 'node:perf_hooks';

export const FRAME_MS = 20;
export const SAMPLES_PER_FRAME = 960; // 20 ms at 48 kHz

export interface RtpOut {
  payload: Buffer;
  marker: boolean;
  sequenceNumber: number;
  timestamp: number;
}

/** Process-wide probe for the jitter benchmark: sees every RTP send (sender, time, first-of-spurt). */
export const rtpSendProbe: { onSend: ((sender: object, at: number, first: boolean) => void) | null } = { onSend: null };

export class PacedRtpSender {
  private seq = Math.floor(Math.random() * 0x10000);
  private readonly tsBase = Math.floor(Math.random() * 0x100000000);
  private readonly streamStart = performance.now();
  private lastTs: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private playback: { packets: Buffer[]; index: number; start: number; firstTs: number; onEnd: () => void } | null = null;

  /** `onSent` sees the performance.now() of each send (the jitter benchmark reads it). */
  constructor(private readonly sink: (p: RtpOut) => void, private readonly onSent?: (at: number) => void) {}

  get active(): boolean {
    return this.playback !== null;
  }

  /** Milliseconds of the current clip sent so far (0 when nothing plays): what the far end has been played. */
  get playedMs(): number {
    return this.playback ? this.playback.index * FRAME_MS : 0;
  }

  play(packets: Buffer[], onEnd: () => void): void {
    this.stop();
    const now = performance.now();
    // RTP time follows the sampling clock: after a silent gap the timestamp jumps by the gap.
    let firstTs = (this.tsBase + Math.round((now - this.streamStart) * 48)) >>> 0;
    // …but never overlaps the previous spurt (its last packet covers 20 ms past its send time).
    if (this.lastTs !== null && ((firstTs - this.lastTs) | 0) < SAMPLES_PER_FRAME) firstTs = (this.lastTs + SAMPLES_PER_FRAME) >>> 0;
    this.playback = { packets, index: 0, start: now, firstTs, onEnd };
    this.tick();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.playback = null;
  }

  private tick = (): void => {
    this.timer = null;
    const pb = this.playback;
    if (!pb) return;
    let now = performance.now();
    // Late by more than a few frames (event loop stall): resynchronise instead of bursting packets.
    if (now - (pb.start + pb.index * FRAME_MS) > 3 * FRAME_MS) pb.start = now - pb.index * FRAME_MS;
    while (pb.index < pb.packets.length && pb.start + pb.index * FRAME_MS <= now + 1) {
      const timestamp = (pb.firstTs + pb.index * SAMPLES_PER_FRAME) >>> 0;
      this.lastTs = timestamp;
      this.sink({ payload: pb.packets[pb.index]!, marker: pb.index === 0, sequenceNumber: this.seq, timestamp });
      this.onSent?.(now);
      rtpSendProbe.onSend?.(this, now, pb.index === 0);
      this.seq = (this.seq + 1) & 0xffff;
      pb.index++;
      now = performance.now();
    }
    if (pb.index >= pb.packets.length) {
      this.playback = null;
      pb.onEnd();
      return;
    }
    this.timer = setTimeout(this.tick, Math.max(0, pb.start + pb.index * FRAME_MS - performance.now()));
  };
}

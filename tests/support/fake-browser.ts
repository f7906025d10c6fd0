// The browser objects InterviewCall uses (RTCPeerConnection and its data channel, MediaRecorder, AudioContext),
// faked for its unit tests under Node. useFakeBrowser() installs them on globalThis around each test.
import assert from 'node:assert/strict';
import { afterEach, beforeEach } from 'node:test';

export const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

export class FakeChannel extends EventTarget {
  readyState: RTCDataChannelState = 'connecting';
  sent: { type: string }[] = [];
  send(data: string) {
    if (this.readyState !== 'open') throw new Error('not open');
    this.sent.push(JSON.parse(data) as { type: string });
  }
  open() {
    this.readyState = 'open';
    this.dispatchEvent(new Event('open'));
  }
  /** A message from the far end: objects are sent as JSON, strings as they are (to test malformed input). */
  receive(data: unknown) {
    this.dispatchEvent(Object.assign(new Event('message'), { data: typeof data === 'string' ? data : JSON.stringify(data) }));
  }
  /** The far end closed it (emulator drop). */
  drop() {
    this.readyState = 'closed';
    this.dispatchEvent(new Event('close'));
  }
  close() {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    setTimeout(() => this.dispatchEvent(new Event('close')), 0); // late, as in browsers
  }
}

export class FakePeer extends EventTarget {
  static all: FakePeer[] = [];
  /** Connect (and open the channel) by itself once the answer is set; otherwise a test calls connect(). */
  static autoConnect = false;
  static get last(): FakePeer {
    return FakePeer.all.at(-1)!;
  }
  connectionState: RTCPeerConnectionState = 'new';
  iceGatheringState: RTCIceGatheringState = 'complete';
  localDescription: { sdp: string } | null = null;
  remote: { type: string; sdp: string } | null = null;
  channel = new FakeChannel();
  tracks = 0;
  /** One per added track: what it sends now (null while the microphone is held). */
  senders: { track: unknown; replaceTrack(t: unknown): Promise<void> }[] = [];
  closed = false;
  signalingState: RTCSignalingState = 'stable';
  constructor() {
    super();
    FakePeer.all.push(this);
  }
  createDataChannel(label: string) {
    assert.equal(label, 'oai-events');
    assert.equal(this.localDescription, null, 'the data channel exists before the offer');
    return this.channel;
  }
  addTrack(track: unknown) {
    this.tracks++;
    const sender = {
      track,
      async replaceTrack(t: unknown) {
        sender.track = t;
      },
    };
    this.senders.push(sender);
    return sender;
  }
  async createOffer() {
    return { type: 'offer', sdp: 'v=0 fake-offer' };
  }
  async setLocalDescription(d: { sdp: string }) {
    this.localDescription = d;
  }
  async setRemoteDescription(d: { type: string; sdp: string }) {
    this.remote = d;
    if (!FakePeer.autoConnect) return;
    setTimeout(() => {
      if (this.closed) return;
      this.connect();
      this.channel.open();
    }, 1);
  }
  connect() {
    this.connectionState = 'connected';
    this.dispatchEvent(new Event('connectionstatechange'));
  }
  close() {
    this.closed = true;
    this.connectionState = 'closed';
  }
}

export class FakeRecorder extends EventTarget {
  static all: FakeRecorder[] = [];
  static isTypeSupported = () => true;
  static get last(): FakeRecorder {
    return FakeRecorder.all.at(-1)!;
  }
  state: 'inactive' | 'recording' = 'inactive';
  timeslice = 0;
  constructor(
    _stream: unknown,
    readonly options: { mimeType: string },
  ) {
    super();
    FakeRecorder.all.push(this);
  }
  start(timeslice: number) {
    this.timeslice = timeslice;
    this.state = 'recording';
    // MediaRecorder queues a task that fires 'start' once recording has begun (before any data).
    setTimeout(() => this.dispatchEvent(new Event('start')), 0);
  }
  chunk(bytes: number[]) {
    this.dispatchEvent(Object.assign(new Event('dataavailable'), { data: new Blob([new Uint8Array(bytes)]) }));
  }
  stop() {
    this.state = 'inactive';
    setTimeout(() => {
      this.chunk([99]); // the last chunk comes with stop
      this.dispatchEvent(new Event('stop'));
    }, 5);
  }
}

export class FakeAudioContext {
  createMediaStreamDestination() {
    return { stream: {} };
  }
  createMediaStreamSource() {
    return { connect() {}, disconnect() {} };
  }
  async resume() {}
  async close() {}
}

/** Installs the fakes on globalThis before each test (fresh registries) and restores the originals after. */
export function useFakeBrowser(options: { autoConnect?: boolean } = {}): void {
  const g = globalThis as Record<string, unknown>;
  const saved: Record<string, unknown> = {};
  beforeEach(() => {
    for (const k of ['RTCPeerConnection', 'MediaRecorder', 'AudioContext', 'MediaStream']) saved[k] = g[k];
    g.RTCPeerConnection = FakePeer;
    g.MediaRecorder = FakeRecorder;
    g.AudioContext = FakeAudioContext;
    g.MediaStream = class {};
    FakePeer.all = [];
    FakePeer.autoConnect = options.autoConnect ?? false;
    FakeRecorder.all = [];
  });
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) g[k] = v;
  });
}

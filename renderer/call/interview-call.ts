// The interview call in the browser: RTCPeerConnection + "oai-events" data channel + mic, remote audio into an
// <audio> element, every data-channel event reported to main in order, main's actions executed, and the
// recording (mic + interviewer mixed) streamed to main in 1 s chunks. Thin shell; the logic lives in ../logic.
//
// Recovery: a lost call (peer failed/closed, event channel closed, `disconnected` for > 2 s, or the server's
// `session_expired`) is replaced by a new one with backoff (../logic/reconnect.ts, at most 10 tries); main gives
// the new call its context back in the opening events. Before the session limit the call is rolled over at a
// quiet moment, the new peer prepared while the old one still talks. The mic and the recorder stay up throughout:
// the recording's mix only swaps its interviewer input to the new call's stream. Each call is a "leg" with a
// generation number, so a late close or event of an old leg is never mistaken for the current one.
//
// Parts: peer.ts (a call's peer up to its offer), relay.ts (events and chunks to main, in order, with the
// watchdog), recorder.ts (the mixed recording), machine.ts (the call's state: recovering, finishing, stopped, the
// link to main, probing — a pure reducer). This class wires them to the legs and runs the recovery.
import type { CallAction, CallStartReason, CandidateControl, CandidateControlLimits, CandidateControlResult, InterviewHold, KioskBridge, RealtimeClientEvent, SessionSummary } from '../../preload/contract';
import { callPhase, type CallPhase } from '../logic/connection';
import { describeServerError, isHarmlessError, parseDataChannelMessage, type RealtimeEvent } from '../logic/realtime';
import { callLost, DISCONNECTED_GRACE_MS, isQuietMoment, isSessionExpired, MAX_RECONNECT_ATTEMPTS, reconnectDelayMs, type LossReason } from '../logic/reconnect';
import { initialSpeakingState, interviewerDone, reduceSpeaking, type SpeakingState } from '../logic/speaking';
import { createWaiter } from '../logic/wait';
import { initialCallState, isRecovering, isStopped, mayProbe, mayRecover, mayRollover, reduceCall, type CallEvent, type CallState } from './machine';
import { closeQuietly, preparePeer, type PreparedPeer } from './peer';
import { CallRecorder } from './recorder';
import { createMainRelay, type MainRelay } from './relay';

export { preparePeer, type PreparedPeer } from './peer';

export interface CallCallbacks {
  onPhase(phase: CallPhase): void;
  onSpeaking(state: SpeakingState): void;
  onLog(line: string, level: 'info' | 'error'): void;
  /** Ending has begun (End pressed, or the interviewer finished after end_session). */
  onEnding?(reason: 'operator' | 'end_session' | 'error'): void;
  /** The interview ended (End pressed, or the interviewer called end_session) and main returned the summary. */
  onEnded(summary: SessionSummary): void;
  onEndFailed(error: unknown): void;
  /** A new call is being set up after a loss (attempt 0-based), or for a rollover. */
  onReconnecting?(attempt: number, why: LossReason | 'rollover'): void;
  /** The new call is live again, with its context restored. */
  onReconnected?(attempts: number): void;
  /** Every try failed: the operator should finish the interview (everything said is saved). */
  onReconnectFailed?(attempts: number): void;
  /** The limits of the candidate's controls and what the interview waits for, from main (with each call). */
  onControls?(limits: CandidateControlLimits, hold: InterviewHold): void;
  /** Every server event of the current call (after the speaking state took it in; the captions follow the interviewer's audio by them). */
  onServerEvent?(event: RealtimeEvent): void;
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
  /** Why the first call starts: 'restart' when resuming an interview the kiosk was running before it restarted. */
  startReason?: CallStartReason;
  /** For tests of the backoff: the random source of the jitter. */
  random?: () => number;
  /** Scale of the reconnect backoff (1 = real time); tests compress it through the page config (page-config.ts). */
  delayScale?: number;
  /**
   * Follows the link to main where it can break while the page lives on (the web host's socket; see
   * transport/index.ts). Lets the call check itself the moment main goes away, and redial the moment it is back.
   */
  watchMainLink?: (listener: (up: boolean) => void) => () => void;
}

/**
 * After a completed end_session the goodbye plays to its output_audio_buffer.stopped (or .cleared). The tool call
 * arrives when the text is GENERATED, seconds before the audio has PLAYED (the server produces audio faster than
 * real time), so the wait is not a fixed time: its limit is the audio still to play, estimated from the closing
 * line's transcript at a slow speaking rate (GOODBYE_MS_PER_CHAR) from when its audio started, plus
 * GOODBYE_MARGIN_MS. Past that limit the wait goes on only while the interviewer's audio still arrives (inbound
 * RTP energy rising) and never beyond GOODBYE_HARD_LIMIT_MS.
 */
const GOODBYE_MS_PER_CHAR = 100; // 10 characters a second: slower than any voice the service offers
const GOODBYE_MARGIN_MS = 3000;
const GOODBYE_QUIET_MS = 2000;
const GOODBYE_POLL_MS = 250;
const GOODBYE_HARD_LIMIT_MS = 90_000;
/** Inbound audio energy (RTCInboundRtpStreamStats.totalAudioEnergy) growth per poll that means speech is playing. */
const PLAYING_ENERGY_DELTA = 1e-5;

/** How long the closing line's audio may still play, from its transcript and when its audio started. */
export function goodbyeLimitMs(transcriptChars: number, audioStartedAt: number | null, now: number): number {
  const elapsed = audioStartedAt === null ? 0 : Math.max(0, now - audioStartedAt);
  return Math.max(0, transcriptChars * GOODBYE_MS_PER_CHAR - elapsed) + GOODBYE_MARGIN_MS;
}
/** After response.cancel on End: how long to wait for response.done so main gets the text heard so far. */
const CANCEL_SETTLE_LIMIT_MS = 1500;
/** A new call must be live (peer connected, event channel open) within this long, or the try counts as failed. */
const LEG_LIVE_LIMIT_MS = 10_000;
/** Rollover waits at most this long for a quiet moment; then the session limit's own error forces the switch. */
const QUIET_MOMENT_LIMIT_MS = 5 * 60_000;

interface Leg {
  gen: number;
  pc: RTCPeerConnection;
  dc: RTCDataChannel;
  disconnectedSince: number | null;
  graceTimer: ReturnType<typeof setTimeout> | null;
  rolloverTimer: ReturnType<typeof setTimeout> | null;
  rolloverAfterMs: number | null;
  /** When the last event of this call arrived (performance.now()). */
  lastServerAt: number;
  releaseMic: () => Promise<void>;
}

/** The call must answer a probe (any event) within this long, or it counts as lost. */
const PROBE_LIMIT_MS = 1000;
/** After a loss that came with main's link going down: how long the first try waits for the link to return. */
const MAIN_RETURN_LIMIT_MS = 30_000;

/** How often the audio clock (audioClockMs) reads the receiver's stats. */
const AUDIO_CLOCK_MS = 100;

export class InterviewCall {
  private readonly kiosk: KioskBridge;
  private readonly sessionId: string;
  private readonly cb: CallCallbacks;
  private leg: Leg | null = null;
  private gen = 0;
  private readonly events: MainRelay;
  private readonly recorder: CallRecorder | null;
  private readonly waiter = createWaiter();
  private speaking: SpeakingState = initialSpeakingState;
  private openingEvents: RealtimeClientEvent[] = [];
  private ending: Promise<void> | null = null;
  private state: CallState = initialCallState;
  private phase: CallPhase = 'connecting';
  private firstAudioMarked = false;
  /** The latest interviewer line's audio start (performance.now()) and transcript length: the goodbye's limit. */
  private lastLine: { responseId: string; audioStartedAt: number | null; chars: number } | null = null;
  private unwatchMainLink: (() => void) | null = null;
  /** The interview's start (epoch ms) as main reported it with the first call. */
  private interviewStartedAt: number | null = null;

  constructor(private readonly options: CallOptions) {
    this.kiosk = options.kiosk;
    this.sessionId = options.sessionId;
    this.cb = options.callbacks;
    this.events = createMainRelay({ kiosk: this.kiosk, sessionId: this.sessionId, onSlow: () => void this.probeCall() });
    this.recorder = options.record
      ? new CallRecorder({
        mic: options.mic, append: (seq, data, offset) => this.events.appendChunk(seq, data, offset), onLog: (line, level) => this.cb.onLog(line, level),
        interviewStart: () => this.interviewStartedAt,
      })
      : null;
  }

  private dispatch(event: CallEvent): void {
    this.state = reduceCall(this.state, event);
  }

  private onMainLink(up: boolean): void {
    this.dispatch({ type: 'main_link', up });
    this.waiter.notify();
    // Main gone: when the web host dies, a practice call dies with it; a call to OpenAI lives on. Ask the call.
    if (!up) void this.probeCall();
  }

  private get pc(): RTCPeerConnection | null {
    return this.leg?.pc ?? null;
  }

  private get dc(): RTCDataChannel | null {
    return this.leg?.dc ?? null;
  }

  /** Connects. Rejects (with main's KioskError, e.g. realtime_unauthorized) when the call cannot be set up. */
  /**
   * Milliseconds of the interviewer's audio actually played out so far, over every call: from the receiver's
   * stats, the decoded samples minus those concealed (made up for audio that did not arrive in time). Captions
   * pace themselves on this clock, not on wall time: when audio stalls (a loaded machine, a bad network) the
   * clock stops with it, so a caption never shows a word before it was played. Sampled every AUDIO_CLOCK_MS.
   */
  audioClockMs(): number {
    return this.audioClock.base + this.audioClock.leg;
  }

  private readonly audioClock: { base: number; leg: number; pc: RTCPeerConnection | null; timer: ReturnType<typeof setInterval> | null; busy: boolean } = {
    base: 0, leg: 0, pc: null, timer: null, busy: false,
  };

  private sampleAudioClock(): void {
    const clock = this.audioClock;
    const pc = this.pc;
    if (clock.busy || !pc) return;
    if (pc !== clock.pc) {
      clock.base += clock.leg; // a new call: its stats start at zero
      clock.leg = 0;
      clock.pc = pc;
    }
    clock.busy = true;
    // Some peers (a stand-in, a closing one) have no stats: the clock then simply does not move.
    Promise.resolve()
      .then(() => pc.getStats())
      .then((stats) => {
        let played = 0;
        stats.forEach((r: { type?: string; kind?: string; totalSamplesDuration?: number; totalSamplesReceived?: number; concealedSamples?: number }) => {
          if (r.type !== 'inbound-rtp' || r.kind !== 'audio') return;
          const total = r.totalSamplesReceived ?? 0;
          const real = total > 0 ? (total - (r.concealedSamples ?? 0)) / total : 0;
          played += (r.totalSamplesDuration ?? 0) * real * 1000;
        });
        if (clock.pc === pc) clock.leg = Math.max(clock.leg, played);
      })
      .catch(() => undefined)
      .finally(() => {
        clock.busy = false;
      });
  }

  async start(): Promise<void> {
    // performance marks (kiosk:*) let the benchmark split Start → first audio into its phases.
    performance.mark('kiosk:call-start');
    this.audioClock.timer ??= setInterval(() => this.sampleAudioClock(), AUDIO_CLOCK_MS);
    this.unwatchMainLink = this.options.watchMainLink?.((up) => this.onMainLink(up)) ?? null;
    let prepared: PreparedPeer;
    try {
      prepared = await (this.options.prepared ?? preparePeer(this.options.mic));
    } catch (error) {
      this.teardown();
      throw error;
    }
    try {
      await this.connectLeg(prepared, this.options.startReason ?? 'start');
    } catch (error) {
      this.teardown();
      throw error;
    }
    this.recorder?.start(this.options.audio.srcObject instanceof MediaStream ? this.options.audio.srcObject : null);
    this.refresh();
  }

  /** Ends the interview (idempotent): cancel speech, flush the recording and the event queue, close, tell main. */
  end(reason: 'operator' | 'end_session' | 'error'): Promise<void> {
    if (!this.ending) {
      this.dispatch({ type: 'stopped' });
      this.cb.onEnding?.(reason);
      this.ending = this.doEnd(reason).then(
        (summary) => this.cb.onEnded(summary),
        (error: unknown) => this.cb.onEndFailed(error),
      );
      this.waiter.notify(); // a reconnect wait stops at once
    }
    return this.ending;
  }

  /** Ends without telling main (used when start() failed or the screen goes away). */
  abandon(): void {
    this.dispatch({ type: 'stopped' });
    this.waiter.notify();
    this.teardown();
  }

  /** Ended or abandoned: no new call may be set up any more. */
  private get stopped(): boolean {
    return isStopped(this.state);
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
    await this.recorder?.stop();
    this.teardown();
    await this.events.idle(); // every event already received has been reported
    return this.kiosk.endInterview({ sessionId: this.sessionId, reason });
  }

  // ------------------------------------------------------------------ legs (one per Realtime call)

  /** Main does the SDP exchange and says what to send first (a resumed call: the replayed context). */
  private async connectLeg(prepared: PreparedPeer, reason: CallStartReason): Promise<void> {
    const { pc, dc, offerSdp, releaseMic } = prepared;
    this.closeLeg(); // the previous call, if any (its late events are still reported, by generation)
    const leg: Leg = { gen: ++this.gen, pc, dc, disconnectedSince: null, graceTimer: null, rolloverTimer: null, rolloverAfterMs: null, lastServerAt: performance.now(), releaseMic };
    this.leg = leg;
    this.dispatch({ type: 'call_connecting' });
    this.speaking = initialSpeakingState;
    this.cb.onSpeaking(this.speaking);
    // Nothing arrives before the answer is applied, so listening from here on misses nothing.
    pc.addEventListener('connectionstatechange', () => this.onLegState(leg));
    dc.addEventListener('open', () => {
      performance.mark('kiosk:channel-open');
      this.onLegState(leg);
    });
    dc.addEventListener('close', () => this.onLegState(leg));
    dc.addEventListener('message', (message) => this.onMessage(message.data, performance.now(), leg.gen));
    pc.addEventListener('track', (ev) => {
      if (leg.gen === this.gen) this.onRemoteTrack(ev);
    });
    const request = reason === 'start' ? { sessionId: this.sessionId, offerSdp } : { sessionId: this.sessionId, offerSdp, reason };
    // Main builds the new call's context from what it has been told. Every event of the earlier calls must reach it
    // first: a report still queued or being retried (main restarted) would otherwise land after the context was
    // built, and the new call would ask again a question whose asking main had not yet heard of.
    await this.events.idle();
    if (this.stopped || leg.gen !== this.gen) {
      closeQuietly(pc, dc);
      throw new Error('The interview ended while the call was being set up.');
    }
    const result = await this.kiosk.startCall(request);
    performance.mark('kiosk:answer-received');
    if (this.stopped || leg.gen !== this.gen) {
      closeQuietly(pc, dc);
      throw new Error('The interview ended while the call was being set up.');
    }
    this.openingEvents = result.openingEvents;
    if (result.interviewStartedAt && this.interviewStartedAt === null) {
      const t = Date.parse(result.interviewStartedAt);
      if (Number.isFinite(t)) this.interviewStartedAt = t;
    }
    if (result.controls) this.cb.onControls?.(result.controls, result.hold ?? 'none');
    leg.rolloverAfterMs = result.rolloverAfterMs ?? null;
    await pc.setRemoteDescription({ type: 'answer', sdp: result.answerSdp });
  }

  private closeLeg(): void {
    const leg = this.leg;
    if (!leg) return;
    this.leg = null;
    this.gen++; // its late close and events now belong to an old generation
    if (leg.graceTimer) clearTimeout(leg.graceTimer);
    if (leg.rolloverTimer) clearTimeout(leg.rolloverTimer);
    closeQuietly(leg.pc, leg.dc);
  }

  private legLive(leg: Leg): boolean {
    return leg.pc.connectionState === 'connected' && leg.dc.readyState === 'open';
  }

  /** A state change of a leg: the current one may have been lost, or gone live. */
  private onLegState(leg: Leg): void {
    this.waiter.notify();
    if (leg.gen !== this.gen || this.stopped || this.phase === 'ended') return;
    const state = leg.pc.connectionState;
    if (state === 'disconnected') {
      if (leg.disconnectedSince === null) performance.mark('kiosk:call-disconnected');
      leg.disconnectedSince ??= Date.now();
      // `disconnected` often heals by itself; look again when the grace time is over.
      leg.graceTimer ??= setTimeout(() => {
        leg.graceTimer = null;
        this.onLegState(leg);
      }, DISCONNECTED_GRACE_MS);
    } else {
      leg.disconnectedSince = null;
    }
    const lost = callLost(state, leg.dc.readyState, leg.disconnectedSince === null ? null : Date.now() - leg.disconnectedSince);
    if (lost) {
      if (!isRecovering(this.state)) void this.recover(lost);
      return;
    }
    if (this.legLive(leg) && leg.rolloverAfterMs !== null && !leg.rolloverTimer) {
      const after = leg.rolloverAfterMs;
      leg.rolloverTimer = setTimeout(() => void this.rollover(leg), after);
    }
    this.refresh();
  }

  private refresh(): void {
    if (this.ending || this.phase === 'ended') return;
    const next: CallPhase = isRecovering(this.state) ? 'reconnecting' : callPhase(this.pc?.connectionState ?? 'none', this.dc?.readyState ?? 'none', false);
    if (next !== this.phase) {
      this.phase = next;
      this.cb.onPhase(next);
    }
  }

  private setPhase(next: CallPhase): void {
    if (next !== this.phase) {
      this.phase = next;
      this.cb.onPhase(next);
    }
  }

  /** Waits `ms`, or less if the interview is ended meanwhile; true = still worth going on. */
  private async pause(ms: number): Promise<boolean> {
    if (ms > 0) await this.waiter.until(() => this.stopped, ms);
    return !this.stopped;
  }

  /** Sets up a new call after a loss: up to MAX_RECONNECT_ATTEMPTS tries with backoff. */
  private async recover(why: LossReason | 'rollover', first?: PreparedPeer): Promise<void> {
    if (!mayRecover(this.state)) return;
    this.dispatch({ type: 'recovery_started' });
    performance.mark('kiosk:call-lost');
    const reason: CallStartReason = why === 'rollover' || why === 'session_expired' ? 'rollover' : 'reconnect';
    this.closeLeg();
    this.setPhase('reconnecting');
    if (why !== 'rollover') this.cb.onLog('The connection to the interviewer was interrupted; reconnecting. The recording continues.', 'info');
    let prepared = first;
    for (let attempt = 0; attempt < MAX_RECONNECT_ATTEMPTS; attempt++) {
      this.cb.onReconnecting?.(attempt, why);
      if (attempt === 0 && this.state.mainLink === 'down') {
        // The call died with main (a restarting host): the new call needs main, so try the moment it is back.
        // The first try's jitter exists to spread many kiosks redialling OpenAI; a local restart has no such crowd.
        await this.waiter.until(() => this.state.mainLink === 'up' || this.stopped, MAIN_RETURN_LIMIT_MS);
        if (this.stopped) break;
      } else if (!prepared && !(await this.pause(reconnectDelayMs(attempt, this.options.random, this.options.delayScale ?? 1)))) break;
      try {
        const peer = prepared ?? (await preparePeer(this.options.mic));
        prepared = undefined;
        await this.connectLeg(peer, reason);
        const leg = this.leg!;
        const settled = () =>
          this.legLive(leg) || this.stopped || leg.gen !== this.gen || callLost(leg.pc.connectionState, leg.dc.readyState, null) !== null;
        const live = await this.waiter.until(settled, LEG_LIVE_LIMIT_MS);
        if (this.stopped) break;
        if (!live || !this.legLive(leg)) throw new Error('the new call did not connect in time');
        this.dispatch({ type: 'recovery_succeeded' });
        performance.mark('kiosk:call-recovered');
        this.refresh();
        this.onLegState(leg); // arms the next rollover
        if (why !== 'rollover') this.cb.onLog('Reconnected; the interview continues.', 'info');
        this.cb.onReconnected?.(attempt + 1);
        return;
      } catch (error) {
        this.closeLeg();
        if (this.stopped) break;
        this.cb.onLog(`Reconnect try ${attempt + 1} of ${MAX_RECONNECT_ATTEMPTS} failed: ${messageOf(error)}`, 'info');
      }
    }
    this.dispatch({ type: 'recovery_failed' });
    if (this.stopped) return;
    this.setPhase('ended');
    this.cb.onLog(
      `The connection to the interviewer could not be restored after ${MAX_RECONNECT_ATTEMPTS} tries. Everything said so far is saved; finish the interview.`,
      'error',
    );
    this.cb.onReconnectFailed?.(MAX_RECONNECT_ATTEMPTS);
  }

  /** Before the session limit: at a quiet moment, prepare the next peer while this one still talks, then switch. */
  private async rollover(leg: Leg): Promise<void> {
    const current = () => leg.gen === this.gen && mayRollover(this.state);
    if (!current()) return;
    await this.waiter.until(() => !current() || isQuietMoment(this.speaking), QUIET_MOMENT_LIMIT_MS);
    if (!current()) return;
    let prepared: PreparedPeer | undefined;
    try {
      prepared = await preparePeer(this.options.mic);
    } catch {
      prepared = undefined; // recover() makes one itself
    }
    if (!current()) {
      if (prepared) closeQuietly(prepared.pc, prepared.dc);
      return;
    }
    await this.recover('rollover', prepared);
  }

  private teardown(): void {
    if (this.audioClock.timer) clearInterval(this.audioClock.timer);
    this.audioClock.timer = null;
    this.unwatchMainLink?.();
    this.unwatchMainLink = null;
    this.closeLeg();
    for (const track of this.options.mic.getTracks()) track.stop();
    this.recorder?.teardown();
    this.phase = 'ended';
    this.cb.onPhase('ended');
  }

  private onMessage(data: unknown, receivedAt: number, gen: number): void {
    const parsed = parseDataChannelMessage(data);
    if (!parsed.ok) {
      this.cb.onLog(parsed.error, 'error');
      return;
    }
    const event = parsed.event;
    // Events of an earlier call (still arriving after a switch) are saved, but say nothing about the current one.
    const current = gen === this.gen;
    if (current && this.leg) {
      this.leg.lastServerAt = performance.now();
      this.waiter.notify();
    }
    if (current) {
      const next = reduceSpeaking(this.speaking, event);
      if (next !== this.speaking) {
        this.speaking = next;
        this.cb.onSpeaking(next);
        this.waiter.notify();
      }
    }
    if (current) this.noteLine(event);
    if (current) this.cb.onServerEvent?.(event);
    if (event.type === 'output_audio_buffer.started' && !this.firstAudioMarked) {
      this.firstAudioMarked = true;
      performance.mark('kiosk:first-interviewer-audio');
    }
    const expired = isSessionExpired(event);
    const serverError = describeServerError(event);
    if (serverError && !isHarmlessError(event) && !expired) this.cb.onLog(`The interviewer service reported: ${serverError}`, 'error');

    void this.events.enqueue(() => this.report('server', event, receivedAt)).catch((error: unknown) => {
      this.cb.onLog(`Could not save an event (${event.type}): ${messageOf(error)}`, 'error');
    });
    if (current && event.type === 'session.created' && !this.state.openingSent) {
      // Sent at once (not after main has acknowledged session.created): the greeting starts one round trip
      // sooner. Their reports still queue behind session.created's, so main sees the true order.
      this.dispatch({ type: 'opening_sent' });
      performance.mark('kiosk:session-created');
      for (const opening of this.openingEvents) void this.sendAndReport(opening);
      // Only now may the candidate be heard: the call has its context (see preparePeer).
      const leg = this.leg;
      if (leg) leg.releaseMic().catch((error: unknown) => this.cb.onLog(`The microphone could not be connected: ${messageOf(error)}`, 'error'));
    }
    // The session limit was reached before a rollover could happen: switch now.
    if (current && expired && !isRecovering(this.state) && !this.stopped) void this.recover('session_expired');
  }

  /** Reports one event to main and carries out what main asks for. Runs inside the event queue. */
  private async report(direction: 'server' | 'client', event: RealtimeEvent, receivedAt: number): Promise<void> {
    await this.execute(await this.events.report(direction, event, receivedAt));
  }

  private async execute(actions: CallAction[]): Promise<void> {
    for (const action of actions) {
      if (action.kind === 'send' && action.afterMs && action.afterMs > 0) {
        // A retried turn: after its backoff, on the same call, unless the interview is closing meanwhile.
        const gen = this.gen;
        const event = action.event;
        void this.pause(action.afterMs).then((goOn) => {
          if (goOn && gen === this.gen && !this.state.finishing) void this.sendAndReport(event);
        });
      } else if (action.kind === 'send') {
        await this.sendAndReportInQueue(action.event);
      } else if (action.kind === 'notice') {
        this.cb.onLog(action.message, action.level);
      } else if (action.kind === 'rollover') {
        // From the session's own expires_at: re-arm this call's rollover, never later than planned.
        const leg = this.leg;
        if (leg && action.afterMs >= 0 && (leg.rolloverAfterMs === null || action.afterMs < leg.rolloverAfterMs)) {
          leg.rolloverAfterMs = action.afterMs;
          if (leg.rolloverTimer) clearTimeout(leg.rolloverTimer);
          leg.rolloverTimer = setTimeout(() => void this.rollover(leg), action.afterMs);
        }
      } else if (action.kind === 'finish' && !this.state.finishing) {
        this.dispatch({ type: 'finish_requested' });
        this.cb.onLog('The interviewer is closing the interview.', 'info');
        // The goodbye plays to its end: the candidate's speech neither cuts it nor starts a new question
        // (server VAD would otherwise create a response for a candidate turn: create_response / interrupt_response).
        await this.sendAndReportInQueue({
          type: 'session.update',
          session: { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', create_response: false, interrupt_response: false } } } },
        });
        // Not awaited: the queue must keep reporting events (output_audio_buffer.stopped) while we wait.
        void this.waitForGoodbye().then(() => this.end(action.reason));
      }
    }
  }

  /**
   * A candidate control (repeat, typed answer, help, break, …): main records it and says what to send. A note
   * that makes the interviewer speak first stops what is still being said or generated (as End does), so the
   * new response.create is not refused for an active response.
   */
  async control(control: CandidateControl): Promise<CandidateControlResult> {
    const result = await this.kiosk.candidateControl({ sessionId: this.sessionId, control });
    if (this.stopped || this.state.finishing) return result;
    const speaks = result.actions.some((a) => a.kind === 'send' && a.event.type === 'response.create');
    const dc = this.dc;
    if (speaks && dc && dc.readyState === 'open') {
      const wasActive = this.speaking.responseActive;
      if (wasActive) await this.sendAndReport({ type: 'response.cancel' });
      if (wasActive || this.speaking.interviewer) await this.sendAndReport({ type: 'output_audio_buffer.clear' });
      if (wasActive) await this.waiter.until(() => !this.speaking.responseActive, CANCEL_SETTLE_LIMIT_MS);
    }
    await this.events.enqueue(() => this.execute(result.actions));
    return result;
  }

  /** Pauses or resumes the microphone: the track is disabled (it sends silence), never stopped, so resuming needs
   * no new permission or device and the call and the recording go on. */
  setMicPaused(paused: boolean): void {
    for (const track of this.options.mic.getAudioTracks()) track.enabled = !paused;
  }

  /** Follows the latest interviewer line: when its audio started and how long its transcript is. */
  private noteLine(event: RealtimeEvent): void {
    const e = event as { type: string; response_id?: unknown; delta?: unknown; transcript?: unknown };
    if (typeof e.response_id !== 'string') return;
    if (e.type === 'output_audio_buffer.started') {
      this.lastLine = { responseId: e.response_id, audioStartedAt: performance.now(), chars: this.lastLine?.responseId === e.response_id ? this.lastLine.chars : 0 };
      return;
    }
    const text = e.type === 'response.output_audio_transcript.delta' ? e.delta : e.type === 'response.output_audio_transcript.done' ? e.transcript : null;
    if (typeof text !== 'string') return;
    if (this.lastLine?.responseId !== e.response_id) this.lastLine = { responseId: e.response_id, audioStartedAt: null, chars: 0 };
    this.lastLine.chars = e.type === 'response.output_audio_transcript.done' ? text.length : this.lastLine.chars + text.length;
  }

  /** Until the interviewer's closing line has played (see GOODBYE_MS_PER_CHAR). */
  private async waitForGoodbye(): Promise<void> {
    const startedAt = performance.now();
    const limit = startedAt + goodbyeLimitMs(this.lastLine?.chars ?? 0, this.lastLine?.audioStartedAt ?? null, startedAt);
    const done = () => interviewerDone(this.speaking) || this.stopped;
    if (await this.waiter.until(done, limit - startedAt)) return;
    // Past the estimate: wait on only while the audio still arrives.
    let energy = await this.inboundAudioEnergy();
    let quietSince: number | null = null;
    while (performance.now() - startedAt < GOODBYE_HARD_LIMIT_MS) {
      if (await this.waiter.until(done, GOODBYE_POLL_MS)) return;
      const now = await this.inboundAudioEnergy();
      const playing = now !== null && energy !== null && now - energy > PLAYING_ENERGY_DELTA;
      energy = now ?? energy;
      if (playing) quietSince = null;
      else quietSince ??= performance.now();
      if (quietSince !== null && performance.now() - quietSince >= GOODBYE_QUIET_MS) break;
    }
    this.cb.onLog('The closing line did not report its end; its audio has stopped, so the interview ends now.', 'info');
  }

  /** Total energy of the interviewer's audio received so far (null when the stats say nothing). */
  private async inboundAudioEnergy(): Promise<number | null> {
    const pc = this.pc;
    if (!pc) return null;
    try {
      const stats = await pc.getStats();
      let total: number | null = null;
      stats.forEach((s: { type?: string; kind?: string; totalAudioEnergy?: number }) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio' && typeof s.totalAudioEnergy === 'number') total = (total ?? 0) + s.totalAudioEnergy;
      });
      return total;
    } catch {
      return null;
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
    this.recorder?.setRemote(stream);
  }

  /**
   * Probes the call when a request to main hangs (relay.ts) or main's link drops. Why: when the web host dies its
   * practice emulator dies with it, and a silently dead peer is only noticed by ICE after ~6 s (+ the 2 s grace).
   * A stalled link to main is the early hint; the probe (an empty session.update, which every Realtime server
   * answers with session.updated) tells a live call from a dead one within a second. A live call (e.g. OpenAI
   * while only the host restarts) answers and is kept.
   */
  private async probeCall(): Promise<void> {
    const leg = this.leg;
    if (!leg || !mayProbe(this.state) || !this.legLive(leg)) return;
    this.dispatch({ type: 'probe_started' });
    try {
      const sentAt = performance.now();
      const probe = { type: 'session.update', session: { type: 'realtime' } };
      try {
        leg.dc.send(JSON.stringify(probe));
        // Reported like every client event (it queues behind the stalled request; order is kept).
        void this.events.enqueue(() => this.report('client', probe, sentAt)).catch(() => undefined);
      } catch {
        /* a closed channel is noticed by its own close event */
      }
      const answered = await this.waiter.until(() => leg.lastServerAt > sentAt || leg.gen !== this.gen || this.stopped, PROBE_LIMIT_MS);
      if (!answered && leg.gen === this.gen && !isRecovering(this.state) && !this.stopped) void this.recover('no_answer');
    } finally {
      this.dispatch({ type: 'probe_ended' });
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

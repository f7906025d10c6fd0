// The thinking-pause fixture (tests/fixtures/answer-pauses.wav, made by scripts/make-pause-fixture.sh) played
// into the emulator over a real werift peer, with a given session config: how many candidate turns the answer
// became and whether the interviewer started speaking inside it. Shared by the test and the bench.
import { readFileSync } from 'node:fs';
import { startEmulator } from '../../main/simulator/index';
import { concatPcm, connectClient, encodeOpus, readWavPcm, silence, type ServerEvent } from './support';

export const PAUSE_WAV = new URL('../fixtures/answer-pauses.wav', import.meta.url).pathname;
export const PAUSE_FIXTURE = JSON.parse(readFileSync(new URL('../fixtures/answer-pauses.json', import.meta.url), 'utf8')) as {
  stretches: string[];
  stretchStartsSec: number[];
  stretchEndsSec: number[];
  pauseSec: number;
  durationSec: number;
};

export interface PauseRun {
  /** Candidate turns committed while the answer was spoken (1 = the answer stayed whole). */
  turns: number;
  /** Interviewer audio that started before the candidate's last word (inside the pauses). */
  interviewerInside: number;
  /** audio_end_ms of each committed turn (the call's audio clock = the fixture's time). */
  turnEndsMs: number[];
  /** The transcripts of the committed turns. */
  transcripts: string[];
}

const KEY = 'sk-test-pauses';

/**
 * Plays the fixture (plus `tailMs` of silence for the turn to end) at `intervalMs` per 20 ms packet (audio time
 * rides on RTP timestamps, so turn decisions are the same at any pace; interviewer audio is timed by the wall
 * clock, so the "inside" count needs real time, intervalMs 20).
 */
export async function playPauseFixture(session: object, opts: { intervalMs?: number; tailMs: number }): Promise<PauseRun> {
  const emulator = await startEmulator({ apiKey: KEY, candidates: 'loopback', userTranscripts: [PAUSE_FIXTURE.stretches] });
  try {
    const client = await connectClient({ baseUrl: emulator.baseUrl, apiKey: KEY, session });
    try {
      const packets = encodeOpus(concatPcm(readWavPcm(PAUSE_WAV), silence(opts.tailMs)));
      const lastWord = PAUSE_FIXTURE.stretchEndsSec.at(-1)! * 1000;
      const split = Math.ceil(lastWord / 20);
      await client.sendAudio(packets.slice(0, split), opts.intervalMs ?? 20);
      const answerOver = client.events.length;
      await client.sendAudio(packets.slice(split), opts.intervalMs ?? 20);
      // The turn that holds the last word ends within the tail (or never: then turnEndsMs shows it).
      await client.waitFor((e) => e.type === 'input_audio_buffer.speech_stopped' && e.audio_end_ms >= lastWord - 100, 5000).catch(() => undefined);
      await client.waitFor('conversation.item.input_audio_transcription.completed', 2000, answerOver).catch(() => undefined);
      const of = (type: string, events: ServerEvent[] = client.events) => events.filter((e) => e.type === type);
      return {
        turns: of('input_audio_buffer.committed').length,
        interviewerInside: of('output_audio_buffer.started', client.events.slice(0, answerOver)).length,
        turnEndsMs: of('input_audio_buffer.speech_stopped').map((e) => e.audio_end_ms as number),
        transcripts: of('conversation.item.input_audio_transcription.completed').map((e) => e.transcript as string),
      };
    } finally {
      await client.close();
    }
  } finally {
    await emulator.close();
  }
}

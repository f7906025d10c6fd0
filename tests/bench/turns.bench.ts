// Turn-taking figures, against the emulator over a real werift peer with the kiosk's own session config
// (buildSessionConfig: semantic_vad, low eagerness):
// - turn_gap_ms: the candidate's last word (where the emulator's VAD heard the last voiced audio) → the
//   interviewer's first audio (the first RTP packet of the reply, as the client receives it),
//   median over the answers of a practice interview (tests/fixtures/answers-4.wav played in real time after the
//   opening). Baseline: the silence window the emulator is configured to wait for those words (vad.ts
//   silenceToEndMs), so the ratio shows what the rest of the path adds on top of the wait itself.
// - premature_turns: turns that ended before the last word of the thinking-pause fixture
//   (tests/fixtures/answer-pauses.wav, two 3 s pauses mid-sentence); goal 0. Baseline: the same audio under
//   server_vad with the API's default 500 ms silence.
import { readFileSync } from 'node:fs';
import { buildSessionConfig, openingEvents } from '../../main/core/realtime/session-config';
import { startEmulator } from '../../main/simulator/index';
import { silenceToEndMs } from '../../main/simulator/vad';
import { connectClient, encodeOpus, FIXTURE_JSON, FIXTURE_WAV, readWavPcm } from '../simulator/support';
import { PAUSE_FIXTURE, playPauseFixture } from '../simulator/pauses';
import { BenchProblems, median, metric, type BenchResults } from './metric';

const KEY = 'sk-bench-turns';
const FIXTURE = JSON.parse(readFileSync(FIXTURE_JSON, 'utf8')) as { transcripts: string[]; answerStartsSec: number[] };
const session = buildSessionConfig(
  { title: 'Support Engineer', description: '', competencies: ['Composure', 'Communication', 'Ownership'] },
  { name: 'Northwind', values: '' },
  { model: 'gpt-realtime', voice: 'marin' },
);

async function practiceInterviewGaps(problems: string[]): Promise<{ gaps: number[]; windows: number[] }> {
  const emulator = await startEmulator({ apiKey: KEY, candidates: 'loopback', userTranscripts: FIXTURE.transcripts });
  const client = await connectClient({ baseUrl: emulator.baseUrl, apiKey: KEY, session });
  try {
    for (const e of openingEvents()) client.send(e);
    const pcm = readWavPcm(FIXTURE_WAV);
    // Up to 6 s after the last answer began (its end and the closing line's start fall within it), in real time.
    const packets = encodeOpus(pcm.subarray(0, Math.round((FIXTURE.answerStartsSec.at(-1)! + 6) * 48000)));
    const t0 = performance.now();
    await client.sendAudio(packets, 20);
    // The last word of each answer as the emulator heard it (speech_stopped audio_end_ms, on the call's audio
    // clock, which starts with the first packet sent at t0): the point its silence window is counted from.
    const words = client.events.filter((e) => e.type === 'input_audio_buffer.speech_stopped').map((e) => e.audio_end_ms as number);
    if (words.length !== FIXTURE.transcripts.length) problems.push(`turn_gap_ms: ${words.length} candidate turns for ${FIXTURE.transcripts.length} answers`);
    const gaps: number[] = [];
    words.forEach((ms, i) => {
      const said = t0 + ms;
      const reply = client.spurtsAt.find((at) => at > said);
      const nextAnswer = i + 1 < FIXTURE.answerStartsSec.length ? t0 + FIXTURE.answerStartsSec[i + 1]! * 1000 : Infinity;
      if (reply === undefined || reply > nextAnswer) problems.push(`turn_gap_ms: no interviewer audio after answer ${i + 1} before the next one`);
      else gaps.push(reply - said);
    });
    const td = session.audio.input.turn_detection;
    const turnEnd = td.type === 'semantic_vad' ? { type: td.type, eagerness: td.eagerness } : { type: td.type, silenceDurationMs: td.silence_duration_ms };
    const windows = FIXTURE.transcripts.map((t) => silenceToEndMs(turnEnd, t));
    console.log(`turn gaps (ms): ${gaps.map((g) => g.toFixed(0)).join(', ')}; configured windows (ms): ${windows.join(', ')}`);
    return { gaps, windows };
  } finally {
    await client.close();
    await emulator.close();
  }
}

export async function run(): Promise<BenchResults> {
  const problems: string[] = [];
  const results: BenchResults = {};
  const lastWord = PAUSE_FIXTURE.stretchEndsSec.at(-1)! * 1000;
  const premature = (ends: number[]) => ends.filter((end) => end < lastWord - 100).length;
  try {
    const { gaps, windows } = await practiceInterviewGaps(problems);
    if (gaps.length > 0) results.turn_gap_ms = metric(median(gaps), 'ms', median(windows), `median of ${gaps.length} answers; baseline = configured silence window`);
  } catch (error) {
    problems.push(`turn_gap_ms: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const kiosk = await playPauseFixture(session, { tailMs: 1500 });
    const serverVad = await playPauseFixture(
      { type: 'realtime', model: 'gpt-realtime', audio: { input: { transcription: { model: 'gpt-transcribe' }, turn_detection: { type: 'server_vad', silence_duration_ms: 500 } } } },
      { intervalMs: 10, tailMs: 1000 },
    );
    const value = premature(kiosk.turnEndsMs);
    results.premature_turns = metric(value, 'turns', premature(serverVad.turnEndsMs), 'pause fixture, goal 0; baseline = server_vad 500 ms');
    if (value > 0 || kiosk.interviewerInside > 0) problems.push(`premature_turns: ${value} turn(s) ended inside the pauses, ${kiosk.interviewerInside} interviewer line(s) started there`);
  } catch (error) {
    problems.push(`premature_turns: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (problems.length > 0) throw new BenchProblems(results, problems);
  return results;
}

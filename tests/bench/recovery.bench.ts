// Recovery figures (issue 5), with the full trial counts that `npm test` only samples:
// - kill_trials / kill_losses / kill_duplicates: SIGKILLs of the web host at random moments of interviews
//   (tests/recovery/kill.ts; ≥ 30), entries committed before each kill lost or doubled afterwards (goal 0);
// - recovery_ms: SIGKILL → the resumed call live again in the page (host restart included), median;
//   baseline: the cold first connect of the same interviews (Start pressed → first call live);
// - drop_trials: emulator-dropped calls that reconnected (≥ 20), every interview finishing;
// - reconnect_ms: the page notices the dropped call → the new call's first client event at the emulator (the
//   replayed context going out), median, with the real backoff (first try after 0–1 s of jitter);
//   baseline: cold first connect (Start pressed → first client event of the first call).
// - kill_repeated_questions / kill_greetings: script lines in the final transcripts more than once, and
//   introductions beyond each interview's first (goal 0 each).
// Every figure is reported whatever happened; any loss, duplicate, repeated question, second greeting, unfinished
// or failed interview is listed as a problem (BenchProblems: the run exits non-zero, results.json keeps the figures).
import { checkResumes, checkTranscript, repeatedLines } from '../recovery/support';
import { runDropInterview, type DropRun } from '../recovery/drive';
import { runKillInterview, type KillRun, type KillTrial } from '../recovery/kill';
import { BenchProblems, median, metric, type BenchResults } from './metric';

const KILL_TRIALS = Number(process.env.KILL_TRIALS ?? 30);
const DROP_TRIALS = Number(process.env.DROP_TRIALS ?? 20);
const KILLS_PER_INTERVIEW = 3;

export async function run(): Promise<BenchResults> {
  const problems: string[] = [];
  // ---- kills
  const kills: KillTrial[] = [];
  const cold: number[] = [];
  let interviews = 0;
  let repeated = 0;
  let extraGreetings = 0;
  let finishedKill = 0;
  const seed0 = Number(process.env.KILL_SEED ?? Date.now() % 1_000_000);
  while (kills.length < KILL_TRIALS && interviews < Math.ceil(KILL_TRIALS / KILLS_PER_INTERVIEW) * 2) {
    const seed = seed0 + interviews++;
    let r: KillRun;
    try {
      r = await runKillInterview({ kills: Math.min(KILLS_PER_INTERVIEW, KILL_TRIALS - kills.length), seed });
    } catch (error) {
      problems.push(`seed ${seed}: ${(error as Error).message.split('\n')[0]}`);
      console.error(error);
      continue;
    }
    cold.push(r.coldConnectMs);
    kills.push(...r.trials);
    if (r.finished) finishedKill++;
    else problems.push(`seed ${seed}: the interview did not finish`);
    if (r.greetings !== 1) problems.push(`seed ${seed}: ${r.greetings} greetings`);
    extraGreetings += Math.max(0, r.greetings - 1);
    repeated += repeatedLines(r.finalDb.entries);
    for (const p of r.transcriptProblems) problems.push(`seed ${seed}: ${p}`);
    for (const t of r.trials) {
      for (const p of t.problems) problems.push(`seed ${seed}, kill at ${t.atMs} ms: ${p}`);
      if (t.prefixBytes > 0 && !(t.prefixSec > 0)) problems.push(`seed ${seed}: recording prefix (${t.prefixBytes} B) does not decode`);
    }
    console.log(`kill interview ${interviews} (seed ${seed}): ${r.trials.map((t) => `kill@${t.atMs}ms→host up ${t.restartMs}ms,  live ${t.recoveryMs}ms [${t.phases}], ${t.entriesBefore} entries kept`).join('; ')}; finished=${r.finished}`);
  }
  const losses = kills.reduce((a, t) => a + t.losses, 0);
  const duplicates = kills.reduce((a, t) => a + t.duplicates, 0);

  // ---- drops
  const reconnects: number[] = [];
  const coldDrop: number[] = [];
  let drops = 0;
  let dropInterviews = 0;
  let finishedDrop = 0;
  while (drops < DROP_TRIALS && dropInterviews < 15) {
    dropInterviews++;
    let r: DropRun;
    try {
      r = await runDropInterview({ dropAfterMs: 6500, drops: Math.min(4, DROP_TRIALS - drops), reconnectDelayScale: 1 });
    } catch (error) {
      problems.push(`drop interview ${dropInterviews}: ${(error as Error).message.split('\n')[0]}`);
      console.error(error);
      continue;
    }
    drops += r.drops;
    reconnects.push(...r.reconnectMs);
    if (r.coldConnectMs !== null) coldDrop.push(r.coldConnectMs);
    repeated += repeatedLines(r.db.entries);
    if (r.db.sessions[0]?.status === 'completed') finishedDrop++;
    else problems.push(`drop interview ${dropInterviews}: not completed`);
    for (const p of [...checkResumes(r.calls, r.db.entries), ...checkTranscript(r.db.entries)]) problems.push(`drop interview ${dropInterviews}: ${p}`);
    console.log(`drop interview ${dropInterviews}: ${r.drops} drops, reconnect ms ${r.reconnectMs.join(', ')}; resumed at steps ${r.calls.slice(1).map((c) => c.resumedAtStep).join(', ')}`);
  }

  console.log(`kill_trials=${kills.length} kill_losses=${losses} kill_duplicates=${duplicates} drop_trials=${drops} repeated=${repeated}`);
  if (kills.length < KILL_TRIALS) problems.push(`only ${kills.length} of ${KILL_TRIALS} kill trials ran`);
  if (drops < DROP_TRIALS) problems.push(`only ${drops} of ${DROP_TRIALS} drop trials ran`);
  // A figure with no samples is NaN in the table rather than a made-up number.
  const med = (values: number[]) => (values.length > 0 ? median(values) : Number.NaN);
  const results: BenchResults = {
    kill_trials: metric(kills.length, 'trials', null, `SIGKILL at random moments, ${interviews} interviews, ${finishedKill} finished`),
    kill_losses: metric(losses, 'entries', null, 'goal 0'),
    kill_duplicates: metric(duplicates, 'entries', null, 'goal 0'),
    kill_repeated_questions: metric(repeated, 'lines', null, 'script lines asked twice, kill and drop interviews; goal 0'),
    kill_greetings: metric(extraGreetings, 'greetings', null, 'second introductions; goal 0'),
    recovery_ms: metric(med(kills.map((t) => t.recoveryMs)), 'ms', cold.length > 0 ? median(cold) : null, `median of ${kills.length}; baseline cold first connect; goal ≤ 3000`),
    drop_trials: metric(drops, 'trials', null, `${dropInterviews} interviews, ${finishedDrop} finished`),
    reconnect_ms: metric(med(reconnects), 'ms', coldDrop.length > 0 ? median(coldDrop) : null, `median of ${reconnects.length}; baseline cold first connect; goal ≤ 1500`),
  };
  if (problems.length > 0) throw new BenchProblems(results, problems);
  return results;
}

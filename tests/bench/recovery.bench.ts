// Recovery figures (issue 5), with the full trial counts that `npm test` only samples:
// - kill_trials / kill_losses / kill_duplicates: SIGKILLs of the web host at random moments of interviews
//   (tests/recovery/kill.ts; ≥ 30), entries committed before each kill lost or doubled afterwards (goal 0);
// - recovery_ms: SIGKILL → the resumed call live again in the page (host restart included), median;
//   baseline: the cold first connect of the same interviews (Start pressed → first call live);
// - drop_trials: emulator-dropped calls that reconnected (≥ 20), every interview finishing;
// - reconnect_ms: the page notices the dropped call → the new call's first client event at the emulator (the
//   replayed context going out), median, with the real backoff (first try after 0–1 s of jitter);
//   baseline: cold first connect (Start pressed → first client event of the first call).
// Throws (the bench fails) on any loss, duplicate, unfinished interview or resume problem.
import { checkResumes, checkTranscript } from '../recovery/support';
import { runDropInterview } from '../recovery/drive';
import { runKillInterview, type KillTrial } from '../recovery/kill';
import { median, metric, type BenchResults } from './metric';

const KILL_TRIALS = Number(process.env.KILL_TRIALS ?? 30);
const DROP_TRIALS = Number(process.env.DROP_TRIALS ?? 20);
const KILLS_PER_INTERVIEW = 3;

export async function run(): Promise<BenchResults> {
  const problems: string[] = [];
  // ---- kills
  const kills: KillTrial[] = [];
  const cold: number[] = [];
  let interviews = 0;
  const seed0 = Number(process.env.KILL_SEED ?? Date.now() % 1_000_000);
  while (kills.length < KILL_TRIALS && interviews < Math.ceil(KILL_TRIALS / KILLS_PER_INTERVIEW) * 2) {
    const seed = seed0 + interviews++;
    const r = await runKillInterview({ kills: Math.min(KILLS_PER_INTERVIEW, KILL_TRIALS - kills.length), seed });
    cold.push(r.coldConnectMs);
    kills.push(...r.trials);
    if (!r.finished) problems.push(`seed ${seed}: the interview did not finish`);
    if (r.greetings !== 1) problems.push(`seed ${seed}: ${r.greetings} greetings`);
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
  while (drops < DROP_TRIALS && dropInterviews < 15) {
    dropInterviews++;
    const r = await runDropInterview({ dropAfterMs: 6500, drops: Math.min(4, DROP_TRIALS - drops), reconnectDelayScale: 1 });
    drops += r.drops;
    reconnects.push(...r.reconnectMs);
    if (r.coldConnectMs !== null) coldDrop.push(r.coldConnectMs);
    if (r.db.sessions[0]?.status !== 'completed') problems.push(`drop interview ${dropInterviews}: not completed`);
    for (const p of [...checkResumes(r.calls, r.db.entries), ...checkTranscript(r.db.entries)]) problems.push(`drop interview ${dropInterviews}: ${p}`);
    console.log(`drop interview ${dropInterviews}: ${r.drops} drops, reconnect ms ${r.reconnectMs.join(', ')}; resumed at steps ${r.calls.slice(1).map((c) => c.resumedAtStep).join(', ')}`);
  }

  console.log(`kill_trials=${kills.length} kill_losses=${losses} kill_duplicates=${duplicates} drop_trials=${drops}`);
  if (problems.length) throw new Error(`recovery problems:\n${problems.join('\n')}`);
  if (losses > 0 || duplicates > 0) throw new Error(`${losses} losses, ${duplicates} duplicates`);

  return {
    kill_trials: metric(kills.length, 'trials', null, `SIGKILL at random moments, ${interviews} interviews, all finished`),
    kill_losses: metric(losses, 'entries', null, 'goal 0'),
    kill_duplicates: metric(duplicates, 'entries', null, 'goal 0'),
    recovery_ms: metric(median(kills.map((t) => t.recoveryMs)), 'ms', median(cold), `median of ${kills.length}; baseline cold first connect; goal ≤ 3000`),
    drop_trials: metric(drops, 'trials', null, `${dropInterviews} interviews, all finished`),
    reconnect_ms: metric(median(reconnects), 'ms', median(coldDrop), `median of ${reconnects.length}; baseline cold first connect; goal ≤ 1500`),
  };
}

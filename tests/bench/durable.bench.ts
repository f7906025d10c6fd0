// event_to_durable: how long from a data-channel event reaching main (`dispatch('reportRealtimeEvent', …)`) to
// its transcript change being committed in SQLite (the dispatcher writes through before it resolves).
// Baseline in the same run: a raw better-sqlite3 single-row INSERT per event on an identically configured
// database. Also measures synchronous=FULL against NORMAL, the figure behind database.ts's choice.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKioskService } from '../../main/core/api/service';
import { loadEmulator } from '../../main/simulator/lazy';
import { openDatabase, type SynchronousLevel } from '../../main/core/db/database';
import { memorySecretStore, memorySettingsStore } from '../../main/core/settings/types';
import { metric, percentile, type BenchResults } from './metric';

type Ev = { type: string } & Record<string, unknown>;

/** A realistic GA event stream: assistant turns are mostly transcript deltas; user turns are VAD + transcription. */
function conversation(minEvents: number): Ev[] {
  const events: Ev[] = [];
  let n = 0;
  const ev = (e: Ev) => events.push({ event_id: `event_${n++}`, ...e });
  let prev: string | null = null;
  for (let turn = 0; events.length < minEvents; turn++) {
    const resp = `resp_${turn}`;
    const a = `item_a${turn}`;
    ev({ type: 'response.created', response: { id: resp, status: 'in_progress', output: [] } });
    ev({ type: 'response.output_item.added', response_id: resp, output_index: 0, item: { id: a, type: 'message', role: 'assistant', status: 'in_progress', content: [] } });
    ev({ type: 'conversation.item.added', previous_item_id: prev, item: { id: a, type: 'message', role: 'assistant', status: 'in_progress', content: [] } });
    ev({ type: 'response.content_part.added', response_id: resp, item_id: a, output_index: 0, content_index: 0, part: { type: 'audio', transcript: '' } });
    ev({ type: 'output_audio_buffer.started', response_id: resp });
    const words: string[] = [];
    for (let w = 0; w < 60; w++) {
      const delta = `${['Thank', 'you', 'for', 'that', 'answer', 'now', 'tell', 'me', 'about', 'a', 'time'][w % 11]} `;
      words.push(delta);
      ev({ type: 'response.output_audio_transcript.delta', response_id: resp, item_id: a, output_index: 0, content_index: 0, delta, obfuscation: 'x1y2z3' });
    }
    ev({ type: 'response.output_audio.done', response_id: resp, item_id: a, output_index: 0, content_index: 0 });
    ev({ type: 'response.output_audio_transcript.done', response_id: resp, item_id: a, output_index: 0, content_index: 0, transcript: words.join('') });
    ev({ type: 'response.content_part.done', response_id: resp, item_id: a, output_index: 0, content_index: 0 });
    ev({ type: 'response.output_item.done', response_id: resp, output_index: 0, item: { id: a, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_audio', transcript: words.join('') }] } });
    ev({ type: 'conversation.item.done', previous_item_id: prev, item: { id: a, type: 'message', role: 'assistant', status: 'completed' } });
    ev({ type: 'response.done', response: { id: resp, status: 'completed', output: [{ id: a, type: 'message', role: 'assistant', content: [{ type: 'output_audio', transcript: words.join('') }] }] } });
    ev({ type: 'output_audio_buffer.stopped', response_id: resp });
    const u = `item_u${turn}`;
    ev({ type: 'input_audio_buffer.speech_started', audio_start_ms: turn * 20_000 + 9000, item_id: u });
    ev({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: turn * 20_000 + 15000, item_id: u });
    ev({ type: 'input_audio_buffer.committed', previous_item_id: a, item_id: u });
    ev({ type: 'conversation.item.added', previous_item_id: a, item: { id: u, type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_audio', transcript: null }] } });
    ev({ type: 'conversation.item.done', previous_item_id: a, item: { id: u, type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_audio', transcript: null }] } });
    for (let d = 0; d < 5; d++) ev({ type: 'conversation.item.input_audio_transcription.delta', item_id: u, content_index: 0, delta: 'I think ' });
    ev({ type: 'conversation.item.input_audio_transcription.completed', item_id: u, content_index: 0, transcript: 'I think I think I think I think I think.' });
    ev({ type: 'rate_limits.updated', rate_limits: [{ name: 'tokens', limit: 50000, remaining: 49000, reset_seconds: 60 }] });
    prev = u;
  }
  return events;
}

async function runService(dir: string, synchronous: SynchronousLevel, events: Ev[]): Promise<number[]> {
  const db = openDatabase(join(dir, `service-${synchronous}.sqlite`), { synchronous });
  const stubFetch: typeof fetch = async () =>
    new Response('v=0\r\ns=-\r\n', { status: 201, headers: { 'Content-Type': 'application/sdp', Location: '/v1/realtime/calls/rtc_bench' } });
  const service = createKioskService({ startEmulator: loadEmulator,
    db, dataDir: dir, settings: memorySettingsStore({ practiceMode: false }), secrets: memorySecretStore('sk-bench-000000000000000000000000'), fetch: stubFetch,
  });
  const setup = await service.getSetupData();
  const session = await service.createSession({ candidateId: setup.candidates[0]!.id, positionId: setup.positions[0]!.id, recordingConsent: false });
  await service.startCall({ sessionId: session.id, offerSdp: 'v=0\r\n' });
  const times: number[] = [];
  for (const event of events) {
    const t0 = performance.now();
    const r = await service.dispatch('reportRealtimeEvent', { sessionId: session.id, direction: 'server', event });
    times.push(performance.now() - t0);
    if (!r.ok) throw new Error(`event rejected: ${r.error.message}`);
  }
  const { n } = db.prepare('SELECT count(*) AS n FROM transcript_entries WHERE session_id = ?').get(session.id) as { n: number };
  if (n < 2) throw new Error('no transcript entries were written');
  await service.close();
  db.close();
  return times;
}

function runRawInserts(dir: string, synchronous: SynchronousLevel, events: Ev[]): number[] {
  const db = new Database(join(dir, `raw-${synchronous}.sqlite`));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.exec('CREATE TABLE raw_events (id INTEGER PRIMARY KEY, type TEXT NOT NULL, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO raw_events (type, body) VALUES (?, ?)');
  const times: number[] = [];
  for (const e of events) {
    const t0 = performance.now();
    insert.run(e.type, JSON.stringify(e));
    times.push(performance.now() - t0);
  }
  db.close();
  return times;
}

export async function run(): Promise<BenchResults> {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-durable-bench-'));
  try {
    const events = conversation(10_000);
    const side = events.slice(0, 3_000);
    // Warm-up (JIT, page cache) on a throwaway run, then the measured runs, interleaved per mode.
    await runService(mkdtempSync(join(dir, 'warm-')), 'NORMAL', events.slice(0, 500));
    const serviceFull = await runService(dir, 'FULL', events);
    const rawFull = runRawInserts(dir, 'FULL', events);
    const serviceNormal = await runService(mkdtempSync(join(dir, 'n-')), 'NORMAL', side);
    const rawNormal = runRawInserts(mkdtempSync(join(dir, 'rn-')), 'NORMAL', side);
    const p = (xs: number[], q: number) => percentile(xs, q);
    return {
      event_to_durable_p99_ms: metric(p(serviceFull, 99), 'ms', p(rawFull, 99), `goal ≤ 2 ms, ratio ≤ 5×; ${events.length} events, synchronous=FULL; baseline raw INSERT p99`),
      event_to_durable_p50_ms: metric(p(serviceFull, 50), 'ms', p(rawFull, 50), 'baseline raw INSERT p50 (same settings)'),
      durable_p50_full_vs_normal_ms: metric(p(serviceFull.slice(0, side.length), 50), 'ms', p(serviceNormal, 50), `service, FULL vs NORMAL (baseline), first ${side.length} events`),
      durable_p99_full_vs_normal_ms: metric(p(serviceFull.slice(0, side.length), 99), 'ms', p(serviceNormal, 99), 'service p99, FULL vs NORMAL (baseline)'),
      raw_insert_p50_full_vs_normal_ms: metric(p(rawFull.slice(0, side.length), 50), 'ms', p(rawNormal, 50), 'raw INSERT p50, FULL vs NORMAL (baseline)'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

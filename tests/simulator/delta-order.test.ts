// The emulator sends a response's transcript deltas in order, also when the host's event loop stalls (a loaded
// kiosk). Real timers on purpose: Node fires separate timers in no promised order, and the recovery bench once read
// an interviewer line from SQLite with its words swapped and some missing ("…Customer Support interviewer. Tell
// Lead position.") because each delta had its own timer. This reproduces the stall that swaps them: a timer list
// armed earlier for another duration (here the second delta's) is due first, and Node runs every due timer of a
// list before the next list, so the second delta went out before the first.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GENERATION_MS_PER_PIECE as G, RealtimeCall } from '../../main/simulator/call';
import { loadClips } from '../../main/simulator/script';
import { defaultSession, mergeSession } from '../../main/simulator/session';

const clips = loadClips();

/** Holds the event loop (a busy host); the loop's clock does not move meanwhile. */
function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* busy */ }
}

function newCall() {
  const sent: { type: string; delta?: string; transcript?: string }[] = [];
  const session = mergeSession(defaultSession(), { type: 'realtime' });
  const call = new RealtimeCall({
    id: 'rtc_order', session: { ...session, object: 'realtime.session', id: 'sess_order', expires_at: 0 }, clips,
    userTranscripts: [], faults: () => ({}),
    ports: { send: (e) => sent.push(e as { type: string }), playClip: () => {}, stopAudio: () => {}, playedMs: () => 0, close: () => {}, log: () => {} },
  });
  call.onOpen();
  return { call, sent };
}

test('transcript deltas leave in order when the loop stalls with an earlier timer list due first', async () => {
  let checked = 0;
  for (let attempt = 0; attempt < 20 && checked < 3; attempt++) {
    const { call, sent } = newCall();
    // A timer of the second delta's duration, armed 1.5 deltas before the response starts: its list is due
    // before the first delta's.
    let otherFired = false;
    const t0 = performance.now();
    const other = setTimeout(() => (otherFired = true), 2 * G);
    stall(1.5 * G);
    await new Promise((r) => setImmediate(r)); // one loop turn: the loop's clock reads ~1.5 G now
    const waited = performance.now() - t0;
    if (otherFired || waited <= G + 5 || waited >= 2 * G - 5) {
      clearTimeout(other); // the machine was too busy to set the scene; try again
      continue;
    }
    call.onMessage(JSON.stringify({ type: 'response.create' }));
    stall(4 * G); // the host is busy: the first deltas are all due when the loop comes back
    const deadline = performance.now() + 10_000;
    while (!sent.some((e) => e.type === 'response.done') && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const done = sent.find((e) => e.type === 'response.output_audio_transcript.done');
    assert.ok(done?.transcript, `no transcript .done; sent: ${sent.map((e) => e.type).join(', ')}`);
    const deltas = sent.filter((e) => e.type === 'response.output_audio_transcript.delta').map((e) => e.delta ?? '');
    assert.equal(deltas.join(''), done.transcript, `deltas out of order: ${JSON.stringify(deltas.slice(0, 5))}`);
    // .done comes after the last delta
    assert.ok(sent.findIndex((e) => e === done) > sent.findLastIndex((e) => e.type === 'response.output_audio_transcript.delta'));
    checked++;
  }
  assert.ok(checked >= 1, 'the stall could not be set up on this machine in 20 tries');
});

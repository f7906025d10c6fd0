// Chromium ↔ emulator, end to end: a real browser RTCPeerConnection with the fake microphone playing
// tests/fixtures/answers-4.wav (four spoken answers) goes through the whole practice interview. The page is
// served from http://127.0.0.1 (a secure context); its offer reaches the emulator through a tiny Node-side
// route that does what the app's main process does: multipart (sdp + session) with the standard key.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright';
import { startEmulator, type EmulatorHandle } from '../../main/simulator/index';
import { buildMultipart } from '../../main/simulator/multipart';
import { launchChromium } from '../support/chromium';

const KEY = 'sk-e2e-emulator';
const WAV = new URL('../fixtures/answers-4.wav', import.meta.url).pathname;
const fixture = JSON.parse(readFileSync(new URL('../fixtures/answers-4.json', import.meta.url), 'utf8')) as { transcripts: string[] };
const SESSION = {
  type: 'realtime', model: 'gpt-realtime', instructions: 'You are a friendly practice interviewer.',
  audio: {
    input: { transcription: { model: 'gpt-4o-mini-transcribe', language: 'en' }, turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500, create_response: true, interrupt_response: true } },
    output: { voice: 'marin' },
  },
  tools: [{ type: 'function', name: 'end_session', description: 'End the interview when it is complete.', parameters: { type: 'object', properties: {} } }],
};

// The page: mic → RTCPeerConnection, data channel oai-events, remote audio into a playing <audio>, events
// collected in window.__events, inbound-rtp stats sampled into window.__stats.
const PAGE = `<!doctype html><meta charset="utf-8"><title>emulator e2e</title><body><script type="module">
const events = (window.__events = []);
window.__stats = { packetsReceived: 0, maxAudioLevel: 0 };
const pc = new RTCPeerConnection();
// The fake mic file starts playing when capture starts. On a loaded 2-core machine connecting has taken
// up to ~5 s, so the mic is attached (replaceTrack, no renegotiation) once the intro has been spoken: the
// candidate's first answer then starts the fixture's 8 s lead later, clear of the interviewer, every time.
const micSender = pc.addTransceiver('audio', { direction: 'sendrecv' }).sender;
let micStarted = false;
async function startMic() {
  const mic = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  await micSender.replaceTrack(mic.getAudioTracks()[0]);
  window.__micAt = performance.now();
}
const audio = document.createElement('audio');
audio.autoplay = true;
document.body.append(audio);
pc.ontrack = (e) => { audio.srcObject = e.streams[0] ?? new MediaStream([e.track]); audio.play().catch((err) => events.push({ type: 'page.play_failed', message: String(err) })); };
const dc = pc.createDataChannel('oai-events');
let asked = false;
dc.onopen = () => { window.__openedAt = performance.now(); dc.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', instructions: 'Practice interview for a software role.' } })); };
dc.onmessage = (m) => {
  const ev = JSON.parse(m.data);
  ev.__at = performance.now();
  events.push(ev);
  if (ev.type === 'session.updated' && !asked) { asked = true; dc.send(JSON.stringify({ type: 'response.create' })); }
  if (ev.type === 'output_audio_buffer.stopped' && !micStarted) { micStarted = true; startMic().catch((err) => events.push({ type: 'page.mic_failed', message: String(err) })); }
};
setInterval(async () => {
  const stats = await pc.getStats();
  stats.forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      window.__stats.packetsReceived = s.packetsReceived;
      window.__stats.maxAudioLevel = Math.max(window.__stats.maxAudioLevel, s.audioLevel ?? 0);
      window.__stats.totalAudioEnergy = s.totalAudioEnergy;
    }
  });
}, 100);
window.__startedAt = performance.now();
await pc.setLocalDescription(await pc.createOffer());
await new Promise((r) => { if (pc.iceGatheringState === 'complete') r(); pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r(); });
const res = await fetch('/offer', { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp });
window.__signal = { status: res.status, location: res.headers.get('x-call-location') };
await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
</script>`;

let emulator: EmulatorHandle;
let server: Server;
let baseUrl: string;
let browser: Browser;

before(async () => {
  emulator = await startEmulator({ apiKey: KEY, userTranscripts: fixture.transcripts });
  server = createServer(async (req, res) => {
    try {
      if (req.method === 'GET' && req.url === '/') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(PAGE);
        return;
      }
      if (req.method === 'POST' && req.url === '/offer') {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const mp = buildMultipart([
          { name: 'sdp', contentType: 'application/sdp', value: Buffer.concat(chunks).toString('utf8') },
          { name: 'session', contentType: 'application/json', value: JSON.stringify(SESSION) },
        ]);
        const upstream = await fetch(`${emulator.baseUrl}/v1/realtime/calls`, { method: 'POST', headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': mp.contentType }, body: mp.body });
        res.writeHead(upstream.status, { 'Content-Type': upstream.headers.get('content-type') ?? 'text/plain', 'X-Call-Location': upstream.headers.get('location') ?? '' });
        res.end(await upstream.text());
        return;
      }
      res.writeHead(404).end();
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium({ fakeMicWav: WAV });
});

after(async () => {
  await browser?.close();
  await emulator?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

type Ev = { type: string; [k: string]: any };

test('Chromium completes the practice interview against the emulator: 4 answers, 5 interviewer turns, real audio, end_session', { timeout: 120_000 }, async () => {
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(baseUrl);
  await page.waitForFunction(
    () => ((window as any).__events as Ev[]).some((e) => e.type === 'response.function_call_arguments.done'),
    undefined,
    { timeout: 90_000, polling: 200 },
  ).catch(async (e) => {
    const types = await page.evaluate(() => ((window as any).__events as Ev[]).map((x) => x.type));
    throw new Error(`${(e as Error).message}; page errors: ${pageErrors.join(' | ')}; events: ${types.join(',')}`);
  });
  // Let the closing line's audio finish so output_audio_buffer.stopped arrives.
  await page.waitForFunction(() => {
    const evs = (window as any).__events as Ev[];
    const fc = evs.findIndex((e) => e.type === 'response.function_call_arguments.done');
    return evs.slice(fc).some((e) => e.type === 'output_audio_buffer.stopped');
  }, undefined, { timeout: 15_000, polling: 100 });
  const { events, stats, signal, openedMs, micAfterMs } = await page.evaluate(() => ({
    events: (window as any).__events as Ev[], stats: (window as any).__stats, signal: (window as any).__signal,
    openedMs: (window as any).__openedAt - (window as any).__startedAt,
    micAfterMs: (window as any).__micAt - (window as any).__startedAt,
  }));
  assert.deepEqual(pageErrors, []);
  assert.equal(signal.status, 201);
  assert.match(signal.location, /^\/v1\/realtime\/calls\/rtc_/);
  const types = events.map((e) => e.type);
  assert.equal(types[0], 'session.created');
  assert.ok(types.includes('session.updated'));
  assert.equal(events.find((e) => e.type === 'session.updated')!.session.instructions, 'Practice interview for a software role.');

  // Four user turns with the scripted transcripts, in order, on an increasing audio clock.
  const started = events.filter((e) => e.type === 'input_audio_buffer.speech_started');
  const committed = events.filter((e) => e.type === 'input_audio_buffer.committed');
  const transcripts = events.filter((e) => e.type === 'conversation.item.input_audio_transcription.completed');
  assert.equal(committed.length, 4, `user turns: ${JSON.stringify(started.map((s) => s.audio_start_ms))}`);
  assert.deepEqual(transcripts.map((t) => t.transcript), fixture.transcripts);
  assert.deepEqual(transcripts.map((t) => t.item_id), committed.map((c) => c.item_id));
  const starts = started.map((s) => s.audio_start_ms as number);
  for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! > starts[i - 1]! + 3000, `audio_start_ms not increasing: ${starts}`);

  // An assistant turn after each answer: intro/Q1, Q2, Q3, Q4, closing = 5 responses, all completed.
  const done = events.filter((e) => e.type === 'response.done');
  assert.equal(done.length, 5);
  for (const d of done)
    assert.equal(d.response.status, 'completed', `${JSON.stringify(d.response.status_details)}; dc open at ${Math.round(openedMs)} ms, mic at ${Math.round(micAfterMs)} ms`);
  for (const c of committed) {
    const after = events.slice(events.indexOf(c));
    assert.ok(after.some((e) => e.type === 'response.created'), 'a response follows each committed user turn');
  }
  const spoken = events.filter((e) => e.type === 'response.output_audio_transcript.done').map((e) => e.transcript as string);
  assert.equal(spoken.length, 5);
  assert.match(spoken[0]!, /welcome/i);
  assert.match(spoken[4]!, /end of our interview/i);

  // The end_session function call, in the closing response.
  const fc = events.find((e) => e.type === 'response.function_call_arguments.done')!;
  assert.equal(fc.name, 'end_session');
  assert.equal(fc.arguments, '{}');
  assert.deepEqual(done.at(-1)!.response.output.map((o: any) => o.type), ['message', 'function_call']);

  // Real audio reached the browser and was rendered.
  assert.ok(stats.packetsReceived > 500, `inbound-rtp packetsReceived ${stats.packetsReceived}`);
  assert.ok(stats.maxAudioLevel > 0, `inbound-rtp audioLevel ${stats.maxAudioLevel}`);

  const info = emulator.calls()[0]!;
  assert.equal(info.userTurns, 4);
  assert.equal(info.scriptStep, 5);
  await page.close();
});

// Emulator benchmarks, each beside a baseline measured in the same run:
//  connect_ms               Chromium createOffer → data channel open against the emulator (median of 12);
//                           baseline: a Chromium↔Chromium loopback RTCPeerConnection pair in the same page.
//  emulator_cpu_pct_per_call  emulator (this Node process) CPU over 20 s of one call with audio both ways
//                           (fake mic → Opus decode + VAD; interviewer clips → paced RTP);
//                           baseline: the same call connected for 20 s with no audio either way.
//  rtp_jitter_p99_ms        p99 |send interval − 20 ms| of the emulator's RTP over 4 concurrent Chromium calls;
//                           baseline: a bare setTimeout(20)-chained loop running in the same process meanwhile.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { startEmulator, type EmulatorHandle } from '../../main/simulator/index';
import { buildMultipart } from '../../main/simulator/multipart';
import { rtpSendProbe } from '../../main/simulator/rtp';
import { launchChromium } from '../support/chromium';
import type { Page } from 'playwright';
import { median, metric, percentile, type BenchResults } from './metric';

const KEY = 'sk-bench-emulator';
const WAV = new URL('../fixtures/answers-4.wav', import.meta.url).pathname;
const SESSION = {
  type: 'realtime', model: 'gpt-realtime',
  audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe' }, turn_detection: { type: 'server_vad', create_response: false, interrupt_response: false } } },
};

const PAGE = `<!doctype html><meta charset="utf-8"><body><script>
async function waitGathering(pc) {
  if (pc.iceGatheringState === 'complete') return;
  await new Promise((r) => pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r()));
}
let mic = null;
async function getMic() { return (mic ??= await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } })); }
// One connect to the emulator; returns { ms, close } kept on window.__call.
window.connectEmulator = async (withMic, speak) => {
  const stream = withMic ? await getMic() : null;
  const t0 = performance.now();
  const pc = new RTCPeerConnection();
  if (stream) pc.addTrack(stream.getAudioTracks()[0], stream); else pc.addTransceiver('audio', { direction: 'recvonly' });
  const audio = document.createElement('audio');
  audio.autoplay = true;
  pc.ontrack = (e) => { audio.srcObject = e.streams[0] ?? new MediaStream([e.track]); audio.play().catch(() => {}); };
  const dc = pc.createDataChannel('oai-events');
  const opened = new Promise((r) => (dc.onopen = r));
  dc.onmessage = (m) => {
    const ev = JSON.parse(m.data);
    if (speak && (ev.type === 'session.created' || ev.type === 'output_audio_buffer.stopped')) dc.send(JSON.stringify({ type: 'response.create' }));
  };
  await pc.setLocalDescription(await pc.createOffer());
  await waitGathering(pc);
  const res = await fetch('/offer', { method: 'POST', body: pc.localDescription.sdp });
  const location = res.headers.get('x-call-location');
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  await opened;
  const ms = performance.now() - t0;
  (window.__calls ??= []).push({ pc, location });
  return ms;
};
window.hangup = async () => {
  for (const { pc, location } of window.__calls.splice(0)) {
    pc.close();
    await fetch('/hangup', { method: 'POST', body: location });
  }
};
// Baseline: two Chromium peers in this page, same shape (audio + data channel, non-trickle exchange).
window.connectLoopback = async (withMic) => {
  const stream = withMic ? await getMic() : null;
  const t0 = performance.now();
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  if (stream) a.addTrack(stream.getAudioTracks()[0], stream); else a.addTransceiver('audio', { direction: 'recvonly' });
  const dc = a.createDataChannel('oai-events');
  const opened = new Promise((r) => (dc.onopen = r));
  await a.setLocalDescription(await a.createOffer());
  await waitGathering(a);
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer());
  await waitGathering(b);
  await a.setRemoteDescription(b.localDescription);
  await opened;
  const ms = performance.now() - t0;
  a.close(); b.close();
  return ms;
};
</script>`;

async function pageServer(emulator: EmulatorHandle): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    if (req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE);
    } else if (req.url === '/offer') {
      const mp = buildMultipart([
        { name: 'sdp', contentType: 'application/sdp', value: body },
        { name: 'session', contentType: 'application/json', value: JSON.stringify(SESSION) },
      ]);
      const up = await fetch(`${emulator.baseUrl}/v1/realtime/calls`, { method: 'POST', headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': mp.contentType }, body: mp.body });
      res.writeHead(up.status, { 'Content-Type': 'application/sdp', 'X-Call-Location': up.headers.get('location') ?? '' }).end(await up.text());
    } else if (req.url === '/hangup') {
      const up = await fetch(`${emulator.baseUrl}${body}/hangup`, { method: 'POST', headers: { Authorization: `Bearer ${KEY}` } });
      res.writeHead(up.status).end();
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

async function cpuPercentOver(ms: number): Promise<number> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const c = process.cpuUsage(c0);
  return ((c.user + c.system) / 1000 / (performance.now() - t0)) * 100;
}

/** 4 concurrent Chromium calls with the interviewer talking and the fake mic sending: the emulator's RTP
 * send intervals, and a bare setTimeout(20) loop in this same process as the baseline. */
async function jitter(page: Page): Promise<{ ours: number; bare: number; packets: number }> {
  const last = new Map<object, number>();
  const deviations: number[] = [];
  try {
    for (let i = 0; i < 4; i++) await page.evaluate(() => (window as any).connectEmulator(true, true));
    await new Promise((r) => setTimeout(r, 1000));
    rtpSendProbe.onSend = (sender, at, first) => {
      const prev = last.get(sender);
      if (!first && prev !== undefined) deviations.push(Math.abs(at - prev - 20));
      last.set(sender, at);
    };
    const bare: number[] = [];
    await new Promise<void>((resolve) => {
      let prev = performance.now();
      const end = prev + 10_000;
      const loop = () => {
        const now = performance.now();
        bare.push(Math.abs(now - prev - 20));
        prev = now;
        if (now < end) setTimeout(loop, 20);
        else resolve();
      };
      setTimeout(loop, 20);
    });
    return { ours: percentile(deviations, 99), bare: percentile(bare, 99), packets: deviations.length };
  } finally {
    rtpSendProbe.onSend = null;
    await page.evaluate(() => (window as any).hangup());
  }
}

export async function run(): Promise<BenchResults> {
  const emulator = await startEmulator({ apiKey: KEY, userTranscripts: [] });
  const { server, url } = await pageServer(emulator);
  const browser = await launchChromium({ fakeMicWav: WAV });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    // connect_ms: warm up once each, then alternate so drift on the shared machine hits both alike.
    await page.evaluate(() => (window as any).connectEmulator(true, false).then(() => (window as any).hangup()));
    await page.evaluate(() => (window as any).connectLoopback(true));
    const emu: number[] = [];
    const loop: number[] = [];
    for (let i = 0; i < 12; i++) {
      emu.push(await page.evaluate(async () => { const ms = await (window as any).connectEmulator(true, false); await (window as any).hangup(); return ms; }));
      loop.push(await page.evaluate(() => (window as any).connectLoopback(true)));
    }
    // CPU per call: baseline first (connected, no audio), then audio both ways.
    await page.evaluate(() => (window as any).connectEmulator(false, false));
    await new Promise((r) => setTimeout(r, 1000));
    const idle = await cpuPercentOver(20_000);
    await page.evaluate(() => (window as any).hangup());
    await page.evaluate(() => (window as any).connectEmulator(true, true));
    await new Promise((r) => setTimeout(r, 1000));
    const busy = await cpuPercentOver(20_000);
    const turns = emulator.calls().at(-1)!.events.filter((e) => e.type === 'response.done').length;
    await page.evaluate(() => (window as any).hangup());
    const j = await jitter(page);
    await page.close();
    return {
      connect_ms: metric(median(emu), 'ms', median(loop), `Chromium→emulator, median of ${emu.length} (goal ≤ 400); baseline Chromium↔Chromium pair`),
      emulator_cpu_pct_per_call: metric(busy, '% core', idle, `20 s, audio both ways, ${turns} interviewer turns (goal ≤ 10); baseline connected call, no audio`),
      rtp_jitter_p99_ms: metric(j.ours, 'ms', j.bare, `4 concurrent calls, ${j.packets} intervals (goal ≤ 5); baseline bare setTimeout(20) loop`),
    };
  } finally {
    await browser.close();
    await emulator.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

// A browser page on another origin, holding an ephemeral key (minted server-side from /v1/realtime/client_secrets),
// connects straight to the standalone emulator (`npm run simulator`) the way the official Agents SDK's WebRTC
// transport does: raw application/sdp POST to /v1/realtime/calls cross-origin (CORS preflight, Location exposed),
// then a spoken reply arrives as real audio.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { launchChromium } from '../support/chromium';

const root = fileURLToPath(new URL('../..', import.meta.url));
const KEY = 'sk-cross-origin-test-0123456789';

const PAGE = `<!doctype html><meta charset="utf-8"><title>ek page</title><script>
window.connect = async (base, ek) => {
  const pc = new RTCPeerConnection();
  const dc = pc.createDataChannel('oai-events');
  const events = [];
  dc.onmessage = (m) => events.push(JSON.parse(m.data));
  pc.addTransceiver('audio', { direction: 'recvonly' });
  const audio = new Audio(); audio.autoplay = true;
  pc.ontrack = (e) => { audio.srcObject = e.streams[0]; audio.play().catch(() => {}); };
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((r) => { if (pc.iceGatheringState === 'complete') r(); pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r(); setTimeout(r, 2000); });
  const res = await fetch(base + '/v1/realtime/calls', { method: 'POST', headers: { Authorization: 'Bearer ' + ek, 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp });
  const location = res.headers.get('Location');
  const answer = await res.text();
  if (res.status !== 201) return { status: res.status, body: answer };
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  await new Promise((r, j) => { dc.onopen = r; setTimeout(() => j(new Error('data channel did not open')), 10000); });
  dc.send(JSON.stringify({ type: 'response.create' }));
  const until = Date.now() + 20000;
  while (!events.some((e) => e.type === 'output_audio_buffer.stopped') && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  let bytes = 0;
  (await pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'audio') bytes += s.bytesReceived; });
  pc.close();
  return { status: res.status, location, types: events.map((e) => e.type), transcript: (events.find((e) => e.type === 'response.output_audio_transcript.done') || {}).transcript, bytes };
};
</script>`;

test('a page on another origin with an ek_ key gets a spoken reply from the standalone emulator', { timeout: 120_000 }, async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/simulator/cli.ts', '--port', '0', '--key', KEY, '--quiet'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const pageServer = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(PAGE);
  });
  try {
    const base = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /base URL: (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
      setTimeout(() => reject(new Error('simulator did not start')), 30_000);
    });
    // The kiosk's server side mints the ephemeral key with the standard key.
    const minted = await fetch(`${base}/v1/realtime/client_secrets`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ expires_after: { anchor: 'created_at', seconds: 60 }, session: { type: 'realtime', model: 'gpt-realtime-2.1', instructions: 'You are an interviewer for Contoso, interviewing a candidate for the position of Analyst.' } }),
    });
    assert.equal(minted.status, 200);
    const { value } = (await minted.json()) as { value: string };
    assert.match(value, /^ek_/);
    await new Promise<void>((r) => pageServer.listen(0, '127.0.0.1', r));
    const pageUrl = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}/`;
    assert.notEqual(new URL(pageUrl).origin, new URL(base).origin, 'the page is on another origin');
    const browser = await launchChromium();
    try {
      const page = await (await browser.newContext()).newPage();
      await page.goto(pageUrl);
      const result = await page.evaluate(({ b, ek }) => (window as unknown as { connect: (b: string, ek: string) => Promise<Record<string, unknown>> }).connect(b, ek), { b: base, ek: value });
      assert.equal(result.status, 201, JSON.stringify(result));
      assert.match(String(result.location), /^\/v1\/realtime\/calls\/rtc_/, 'Location readable cross-origin');
      const types = result.types as string[];
      assert.equal(types[0], 'session.created');
      assert.ok(types.includes('output_audio_buffer.started') && types.includes('output_audio_buffer.stopped'), types.join(','));
      assert.match(String(result.transcript), /Contoso/, 'the reply follows the instructions bound to the key');
      assert.ok((result.bytes as number) > 5000, `audio bytes received: ${result.bytes}`);
    } finally {
      await browser.close();
    }
  } finally {
    child.kill('SIGTERM');
    pageServer.close();
  }
});

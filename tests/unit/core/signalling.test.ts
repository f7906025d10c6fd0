// The SDP exchange through OpenAI's official client against a capturing HTTP server on 127.0.0.1: what the
// package puts on the wire (multipart sdp + session, Bearer key), how the answer and the call id come back, and how
// each failure reaches the operator in words. The captured body is also fed to the emulator's multipart parser:
// the emulator must accept exactly what the package sends.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createCall, hangupCall } from '../../../main/core/realtime/signalling';
import { buildSessionConfig } from '../../../main/core/realtime/session-config';
import { parseMultipart } from '../../../main/simulator/multipart';
import { KioskError } from '../../../preload/contract';

interface Seen { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }
let handler: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void = (_q, _b, res) => res.end();
const seen: Seen[] = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    handler(req, body, res);
  });
});
let baseUrl = '';
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));

const KEY = 'sk-test-SECRETSECRETSECRET0001';
const OFFER = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
const session = buildSessionConfig(
  { title: 'Barista', description: '', competencies: ['Teamwork'] },
  { name: 'Acme', values: '' },
  { model: 'gpt-realtime-2.1', voice: 'marin', audioProfile: 'headset', language: 'de' },
);

async function rejection(p: Promise<unknown>): Promise<KioskError> {
  try {
    await p;
  } catch (error) {
    assert.ok(error instanceof KioskError, `not a KioskError: ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

test('create: multipart sdp + session with the Bearer key; the answer SDP and the call id from Location', async () => {
  seen.length = 0;
  handler = (_req, _body, res) => {
    res.writeHead(201, { 'Content-Type': 'application/sdp', Location: '/v1/realtime/calls/rtc_u1_abc' });
    res.end('v=0\r\ns=answer\r\n');
  };
  const result = await createCall({ baseUrl: `${baseUrl}/v1/`, apiKey: KEY }, OFFER, session);
  assert.deepEqual(result, { callId: 'rtc_u1_abc', answerSdp: 'v=0\r\ns=answer\r\n' });
  const req = seen[0]!;
  assert.equal(req.method, 'POST');
  assert.equal(req.url, '/v1/realtime/calls');
  assert.equal(req.headers.authorization, `Bearer ${KEY}`);
  assert.equal(req.headers.accept, 'application/sdp');
  const parts = parseMultipart(req.body, String(req.headers['content-type']));
  assert.deepEqual(parts.map((p) => [p.name, p.contentType]), [['sdp', 'application/sdp'], ['session', 'application/json']]);
  assert.equal(parts[0]!.data.toString(), OFFER);
  const sent = JSON.parse(parts[1]!.data.toString()) as typeof session;
  assert.equal(sent.audio.input.noise_reduction.type, 'near_field');
  assert.deepEqual(sent.audio.input.transcription, { model: 'gpt-transcribe', language: 'de' });
  assert.match(sent.instructions, /Acme.*Barista/);
});

test('create: an answer without Location or without SDP is refused in words', async () => {
  handler = (_req, _body, res) => { res.writeHead(201, { 'Content-Type': 'application/sdp' }); res.end('v=0\r\n'); };
  assert.match((await rejection(createCall({ baseUrl, apiKey: KEY }, OFFER, session))).message, /without a call id/);
  handler = (_req, _body, res) => { res.writeHead(201, { 'Content-Type': 'text/html', Location: '/v1/realtime/calls/rtc_x' }); res.end('<html>'); };
  assert.match((await rejection(createCall({ baseUrl, apiKey: KEY }, OFFER, session))).message, /not with an SDP answer/);
});

test('create: OpenAI errors keep their codes and words, with the key redacted; no retries', async () => {
  const cases: [number, string, string, RegExp][] = [
    [401, 'invalid_api_key', `Incorrect API key provided: ${KEY}.`, /^The OpenAI API key was rejected \(HTTP 401\).*Incorrect API key provided: \[key\]/],
    [429, 'rate_limit_exceeded', 'Rate limit reached', /HTTP 429.*Rate limit reached/],
    [503, 'server_error', 'Overloaded', /not available right now \(HTTP 503\).*Overloaded/],
    [400, 'invalid_value', 'Invalid SDP offer', /^OpenAI rejected the call \(HTTP 400\): Invalid SDP offer$/],
  ];
  const codes = { 401: 'realtime_unauthorized', 429: 'realtime_rate_limited', 503: 'realtime_unavailable', 400: 'realtime_rejected' } as Record<number, string>;
  for (const [status, code, message, words] of cases) {
    seen.length = 0;
    handler = (_req, _body, res) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code } }));
    };
    const e = await rejection(createCall({ baseUrl, apiKey: KEY }, OFFER, session));
    assert.equal(e.code, codes[status]);
    assert.match(e.message, words);
    assert.ok(!e.message.includes(KEY));
    assert.equal(seen.length, 1, `HTTP ${status} was retried`);
  }
});

test('create: unreachable and too slow are realtime_unavailable in words', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const deadPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const refused = await rejection(createCall({ baseUrl: `http://127.0.0.1:${deadPort}`, apiKey: KEY }, OFFER, session));
  assert.equal(refused.code, 'realtime_unavailable');
  assert.match(refused.message, /could not be reached/);

  const silent = createServer((req) => req.resume()); // never answers
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const slowUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const slow = await rejection(createCall({ baseUrl: slowUrl, apiKey: KEY, timeoutMs: 300 }, OFFER, session));
    assert.equal(slow.code, 'realtime_unavailable');
    assert.match(slow.message, /did not answer in time/);
  } finally {
    silent.closeAllConnections();
    silent.close();
  }
});

test('hangup: POST …/calls/<id>/hangup with the key; true on 200, false on an error', async () => {
  seen.length = 0;
  handler = (_req, _body, res) => { res.writeHead(200); res.end(); };
  assert.equal(await hangupCall({ baseUrl, apiKey: KEY }, 'rtc_u1_abc'), true);
  assert.equal(seen[0]!.url, '/v1/realtime/calls/rtc_u1_abc/hangup');
  assert.equal(seen[0]!.headers.authorization, `Bearer ${KEY}`);
  handler = (_req, _body, res) => { res.writeHead(404, { 'Content-Type': 'application/json' }); res.end('{"error":{"message":"no such call"}}'); };
  assert.equal(await hangupCall({ baseUrl, apiKey: KEY }, 'rtc_gone'), false);
});

// The dispatcher and the service through the web host over a real WebSocket, against a Realtime stub on
// 127.0.0.1 (live mode): validation, the interview flow, HTTP error mapping, recording, secrets.
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MAX_REQUEST_BYTES, type SessionView, type SetupData } from '../../../preload/contract';
import { PLAINTEXT_SECRETS_FILE } from '../../../main/core/settings/file-stores';
import { startTestWebHost, type TestWebHost } from '../../support/webhost';
import { OFFER_SDP, startRealtimeStub, type RealtimeStub } from './realtime-stub';
import { connectClient, type TestClient } from './ws-client';

const KEY = `sk-test-CANARY-${Math.random().toString(36).slice(2)}abcdefghij`;

let host: TestWebHost;
let stub: RealtimeStub;
let client: TestClient;
let rendererDir: string;

function snapshot(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const tables = ['tenants', 'positions', 'candidates', 'interview_sessions', 'transcript_entries', 'recordings'];
    return JSON.stringify(tables.map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()));
  } finally {
    db.close();
  }
}

function dbAll(sql: string, ...args: unknown[]): any[] {
  const db = new Database(host.dbFile, { readonly: true });
  try {
    return db.prepare(sql).all(...args);
  } finally {
    db.close();
  }
}

async function ok<T>(p: Promise<{ ok: boolean; value?: T; error?: unknown }>): Promise<T> {
  const r = await p;
  assert.equal(r.ok, true, `expected success, got ${JSON.stringify(r)}`);
  return r.value as T;
}

async function newSession(consent = true): Promise<SessionView> {
  const setup = await ok<SetupData>(client.call('getSetupData'));
  return ok<SessionView>(client.call('createSession', { candidateId: setup.candidates[0]!.id, positionId: setup.positions[0]!.id, recordingConsent: consent }));
}

before(async () => {
  rendererDir = mkdtempSync(join(tmpdir(), 'kiosk-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>kiosk</title>');
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'kiosk-outside-secret.txt'), 'outside');
  stub = await startRealtimeStub(KEY);
  host = await startTestWebHost({ rendererDir, openaiKey: KEY, practiceMode: false });
  client = await connectClient(host.pageUrl);
  await ok(client.call('updateSettings', { openaiBaseUrl: stub.baseUrl }));
  await ok(client.call('setOpenAIKey', { key: KEY })); // the key belongs to the origin it is entered for
});

after(async () => {
  await client?.close();
  await host?.close();
  await stub?.close();
  rmSync(rendererDir, { recursive: true, force: true });
});

describe('static files', () => {
  test('serves files with MIME types, falls back to index.html for app routes, refuses traversal', async () => {
    const js = await fetch(`${host.url}/assets/app.js`);
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    const route = await fetch(`${host.url}/interview/123`);
    assert.equal(route.status, 200);
    assert.match(await route.text(), /<title>kiosk<\/title>/);
    assert.equal((await fetch(`${host.url}/assets/missing.js`)).status, 404);
    for (const evil of ['/..%2f..%2fkiosk-outside-secret.txt', '/%2e%2e/%2e%2e/kiosk-outside-secret.txt', '/assets/..%5c..%5cx', '/%00']) {
      const r = await fetch(`${host.url}${evil}`);
      const text = await r.text();
      assert.ok(!text.includes('outside'), `${evil} must not leave the renderer dir`);
      assert.ok([400, 404].includes(r.status) || text.includes('<title>kiosk'), `${evil} → ${r.status}`);
    }
    assert.equal((await fetch(`${host.url}/index.html`, { method: 'POST' })).status, 405);
  });
});

describe('origin check', () => {
  test('a WebSocket from another origin, or with none, is refused with 403', async () => {
    await assert.rejects(connectClient(host.pageUrl, 'http://evil.example'), (e: any) => e.status === 403);
    await assert.rejects(connectClient(host.pageUrl, null), (e: any) => e.status === 403);
    await assert.rejects(connectClient(host.pageUrl, host.url.replace(/:\d+$/, ':1')), (e: any) => e.status === 403);
  });
});

describe('socket token and Host header', () => {
  test('a socket without this start\'s token is refused, even with the right Origin', async () => {
    await assert.rejects(connectClient(host.url), (e: any) => e.status === 401, 'no token');
    const other = `${host.url}/#token=${'A'.repeat(43)}`;
    await assert.rejects(connectClient(other), (e: any) => e.status === 401, 'a well-formed but wrong token');
    const c = await connectClient(host.pageUrl);
    await c.close();
    assert.ok(!host.logs.some((l) => l.includes(host.token)), 'the token is never logged');
  });

  test('a request for another Host name (DNS rebinding) is refused, page and socket alike', async () => {
    const { request } = await import('node:http');
    const port = Number(new URL(host.url).port);
    const status = (headers: Record<string, string>) =>
      new Promise<number>((ok, fail) => {
        const req = request({ host: '127.0.0.1', port, path: '/', headers }, (res) => (res.resume(), ok(res.statusCode!)));
        req.on('error', fail);
        req.end();
      });
    assert.equal(await status({ Host: 'attacker.example:' + port }), 421);
    assert.equal(await status({ Host: `localhost:${port}` }), 200);
    const ws = await import('ws');
    const refused = await new Promise<number>((ok, fail) => {
      const sock = new ws.WebSocket(`ws://127.0.0.1:${port}/kiosk`, ['kiosk', `kiosk-token.${host.token}`], {
        headers: { Host: `attacker.example:${port}` }, origin: host.url,
      });
      sock.once('unexpected-response', (_req, res) => ok(res.statusCode!));
      sock.once('open', () => fail(new Error('opened')));
      sock.once('error', () => undefined);
    });
    assert.equal(refused, 421);
  });

  test('the data directory is 0700 and every file in it 0600', async () => {
    const { readdirSync, lstatSync } = await import('node:fs');
    assert.equal(statSync(host.dataDir).mode & 0o777, 0o700);
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => (lstatSync(join(dir, n)).isDirectory() ? [join(dir, n) + '/', ...walk(join(dir, n))] : [join(dir, n)]));
    const files = walk(host.dataDir);
    assert.ok(files.some((f) => f.endsWith('kiosk.sqlite')) && files.some((f) => f.endsWith('settings.json')), files.join(', '));
    for (const f of files) assert.equal(statSync(f).mode & 0o777, f.endsWith('/') ? 0o700 : 0o600, f);
  });

  test('a data dir left world-readable by an older run is closed at start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-loose-'));
    const { chmodSync } = await import('node:fs');
    writeFileSync(join(dir, 'settings.json'), '{}', { mode: 0o644 });
    mkdirSync(join(dir, 'recordings'), { mode: 0o755 });
    writeFileSync(join(dir, 'recordings', 'x.webm'), 'x', { mode: 0o644 });
    chmodSync(dir, 0o755);
    const loose = await startTestWebHost({ dataDir: dir, rendererDir });
    try {
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      assert.equal(statSync(join(dir, 'settings.json')).mode & 0o777, 0o600);
      assert.equal(statSync(join(dir, 'recordings')).mode & 0o777, 0o700);
      assert.equal(statSync(join(dir, 'recordings', 'x.webm')).mode & 0o777, 0o600);
    } finally {
      await loose.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('invalid requests get clear errors and change nothing', () => {
  test('unknown method, wrong types, unknown ids, oversized payloads, malformed frames', async () => {
    const session = await newSession();
    const before = snapshot(host.dbFile);
    const cases: [string, unknown, string, RegExp][] = [
      ['dropDatabase', {}, 'unknown_method', /no request named "dropDatabase"/],
      ['createSession', { candidateId: 5, positionId: 'x', recordingConsent: 'yes' }, 'invalid_request', /candidateId.*expected string/],
      ['createSession', { candidateId: 'nope', positionId: 'nope', recordingConsent: true }, 'not_found', /no candidate nope/],
      ['createSession', { candidateId: 'a', positionId: 'b', recordingConsent: true, extra: 1 }, 'invalid_request', /Unrecognized key/],
      ['updateSettings', { openaiBaseUrl: 'http://evil.example' }, 'invalid_request', /https/],
      ['updateSettings', { voice: 'robot' }, 'invalid_request', /voice/],
      ['setOpenAIKey', { key: 'short' }, 'invalid_request', /too short/],
      ['startCall', { sessionId: session.id, offerSdp: 'hello' }, 'invalid_request', /SDP offer/],
      ['startCall', { sessionId: '00000000-0000-4000-8000-000000000000', offerSdp: OFFER_SDP }, 'not_found', /no interview session/],
      ['reportRealtimeEvent', { sessionId: session.id, direction: 'server', event: { notype: 1 } }, 'invalid_request', /event\.type/],
      ['reportRealtimeEvent', { sessionId: session.id, direction: 'sideways', event: { type: 'x' } }, 'invalid_request', /direction/],
      ['reportRealtimeEvent', { sessionId: session.id, direction: 'server', event: { type: 'input_audio_buffer.committed', item_id: 'i' } }, 'conflict', /not started/],
      ['reportRealtimeEvent', { sessionId: '../../etc/passwd', direction: 'server', event: { type: 'x' } }, 'invalid_request', /session id/],
      ['appendRecordingChunk', { sessionId: session.id, seq: -1, data: new Uint8Array(1) }, 'invalid_request', /seq/],
      ['appendRecordingChunk', { sessionId: session.id, seq: 0, data: 'AAAA' }, 'invalid_request', /data/],
      ['appendRecordingChunk', { sessionId: session.id, seq: 0, data: new Uint8Array(MAX_REQUEST_BYTES + 10) }, 'payload_too_large', /too large/],
      ['reportRealtimeEvent', { sessionId: session.id, direction: 'server', event: { type: 'x', pad: 'y'.repeat(MAX_REQUEST_BYTES) } }, 'payload_too_large', /too large/],
      ['endInterview', { sessionId: session.id, reason: 'bored' }, 'invalid_request', /reason/],
      ['getSessionSummary', {}, 'invalid_request', /sessionId/],
      ['getSettings', { unexpected: true }, 'invalid_request', /malformed/],
    ];
    for (const [method, payload, code, message] of cases) {
      const r = await client.call(method, payload);
      assert.equal(r.ok, false, `${method} ${JSON.stringify(payload).slice(0, 80)} should fail`);
      if (!r.ok) {
        assert.equal(r.error.code, code, `${method}: ${r.error.message}`);
        assert.match(r.error.message, message);
      }
    }
    client.sendRaw('{this is not json');
    const bad = await client.nextReply(-1);
    assert.equal(bad.ok, false);
    client.sendRaw(JSON.stringify({ method: 'getSettings' }));
    const noId = await client.nextReply(-1);
    assert.ok(!noId.ok && /integer "id"/.test(noId.error.message));
    assert.equal(snapshot(host.dbFile), before, 'no rejected request changed SQLite');
    // The connection still works after all that.
    assert.equal((await client.call('getSettings')).ok, true);
  });
});

describe('the interview flow (live mode, stub endpoint)', () => {
  test('startCall posts the GA multipart form with the key, keeps the call id, and marks the session in progress', async () => {
    const session = await newSession();
    const calls = stub.calls.length;
    const result = await ok<any>(client.call('startCall', { sessionId: session.id, offerSdp: OFFER_SDP }));
    assert.match(result.answerSdp, /^v=0/);
    assert.match(result.callId, /^rtc_stub\d+$/);
    // The opening cue is a system item followed by a bare response.create: an `instructions` override on
    // response.create would replace the session's persona for the greeting.
    assert.deepEqual(result.openingEvents.map((e: any) => e.type), ['conversation.item.create', 'response.create']);
    assert.equal(result.openingEvents[0].item.role, 'system');
    assert.equal(result.openingEvents[1].response?.instructions, undefined);
    const sent = stub.calls[calls]!;
    assert.equal(sent.authorization, `Bearer ${KEY}`);
    assert.match(sent.contentType!, /^multipart\/form-data/);
    assert.equal(sent.sdp, OFFER_SDP);
    assert.equal(sent.sdpType, 'application/sdp');
    assert.equal(sent.sessionType, 'application/json');
    assert.equal(sent.session.type, 'realtime');
    assert.equal(sent.session.model, 'gpt-realtime-2.1');
    // The position's interviewer persona chooses the voice (the demo positions each have one), else the setting.
    const persona = (await ok<SetupData>(client.call('getSetupData'))).positions.find((p) => p.id === session.positionId)!.persona;
    assert.equal(sent.session.audio.output.voice, persona?.voice ?? 'marin');
    if (persona) assert.ok(sent.session.instructions.includes(`Your name is ${JSON.stringify(persona.name)}`));
    assert.equal(sent.session.tools[0].name, 'end_session');
    const row = dbAll('SELECT status, start_time, calls FROM interview_sessions WHERE id = ?', session.id)[0];
    assert.equal(row.status, 'in_progress');
    assert.ok(row.start_time);
    assert.equal(JSON.parse(row.calls)[0].id, result.callId);
    await client.waitForEvent('session', (s) => s.id === session.id && s.status === 'in_progress');
  });

  test('events become saved transcript entries; end_session asks to finish once; endInterview completes idempotently', async () => {
    const session = await newSession();
    const { callId } = await ok<any>(client.call('startCall', { sessionId: session.id, offerSdp: OFFER_SDP }));
    const report = (event: any) => ok<any>(client.call('reportRealtimeEvent', { sessionId: session.id, direction: 'server', event }));
    await report({ type: 'response.created', response: { id: 'resp_1' } });
    await report({ type: 'response.output_item.added', response_id: 'resp_1', item: { id: 'item_a1', type: 'message', role: 'assistant' } });
    await report({ type: 'conversation.item.added', previous_item_id: null, item: { id: 'item_a1', type: 'message', role: 'assistant' } });
    await report({ type: 'response.output_audio_transcript.delta', item_id: 'item_a1', delta: 'Hello, ' });
    // In-progress text is on disk one event later at most (write-through).
    assert.equal(dbAll('SELECT text, status FROM transcript_entries WHERE item_id = ?', 'item_a1')[0].text, 'Hello, ');
    await report({ type: 'response.output_audio_transcript.done', item_id: 'item_a1', transcript: 'Hello, tell me about yourself.' });
    const pushed = await client.waitForEvent('transcript', (p) => p.sessionId === session.id && p.entries.some((e: any) => e.status === 'final'));
    assert.equal(pushed.entries[0].saved, true);
    assert.deepEqual(dbAll('SELECT text, status FROM transcript_entries WHERE item_id = ?', 'item_a1')[0], { text: 'Hello, tell me about yourself.', status: 'final' });
    await report({ type: 'input_audio_buffer.speech_started', item_id: 'item_u1', audio_start_ms: 2500 });
    await report({ type: 'input_audio_buffer.committed', item_id: 'item_u1', previous_item_id: 'item_a1' });
    await report({ type: 'response.output_item.added', response_id: 'resp_2', item: { id: 'item_a2', type: 'message', role: 'assistant' } });
    await report({ type: 'conversation.item.added', previous_item_id: 'item_u1', item: { id: 'item_a2', type: 'message', role: 'assistant' } });
    await report({ type: 'response.output_audio_transcript.done', item_id: 'item_a2', transcript: 'Thank you, goodbye.' });
    await report({ type: 'conversation.item.input_audio_transcription.completed', item_id: 'item_u1', transcript: 'I build robots.' });
    // The arguments being done is not enough (the server sends it for cancelled calls too): only the completed item ends.
    const fc = { type: 'response.function_call_arguments.done', item_id: 'fc_1', call_id: 'call_1', name: 'end_session', arguments: '{}' };
    assert.deepEqual((await report(fc)).actions, []);
    const item = { id: 'fc_1', type: 'function_call', status: 'completed', name: 'end_session', call_id: 'call_1', arguments: '{}' };
    assert.deepEqual((await report({ type: 'response.output_item.done', response_id: 'resp_3', output_index: 0, item })).actions, [
      { kind: 'send', event: { type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_1', output: '{"ok":true}' } } },
      { kind: 'finish', reason: 'end_session' },
    ]);
    assert.deepEqual((await report({ type: 'response.done', response: { id: 'resp_3', status: 'completed', output: [item] } })).actions, []);
    const rows = dbAll('SELECT seq, speaker, text, start_ms FROM transcript_entries WHERE session_id = ? ORDER BY seq', session.id);
    assert.deepEqual(rows.map((r) => [r.seq, r.speaker, r.text]), [
      [0, 'interviewer', 'Hello, tell me about yourself.'],
      [1, 'candidate', 'I build robots.'],
      [2, 'interviewer', 'Thank you, goodbye.'],
    ]);
    assert.ok(rows[1].start_ms >= 2500);
    const hangups = stub.hangups.length;
    const summary = await ok<any>(client.call('endInterview', { sessionId: session.id, reason: 'end_session' }));
    assert.equal(summary.session.status, 'completed');
    assert.ok(summary.session.endedAt);
    assert.equal(summary.entries.length, 3);
    assert.ok(summary.durationMs >= 0);
    const again = await ok<any>(client.call('endInterview', { sessionId: session.id, reason: 'operator' }));
    assert.deepEqual(again, summary);
    // The hangup is best-effort and asynchronous: wait until the stub saw it.
    for (let i = 0; i < 100 && stub.hangups.length === hangups; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(stub.hangups.at(-1), callId);
    // Late events after the end change nothing.
    const before = snapshot(host.dbFile);
    await report({ type: 'response.output_audio_transcript.delta', item_id: 'item_a2', delta: 'late' });
    assert.equal(snapshot(host.dbFile), before);
  });

  test('HTTP 401 and 429 from the Realtime endpoint become operator words; the session stays scheduled', async () => {
    const session = await newSession();
    stub.status = 429;
    const limited = await client.call('startCall', { sessionId: session.id, offerSdp: OFFER_SDP });
    assert.ok(!limited.ok && limited.error.code === 'realtime_rate_limited');
    assert.match(limited.error.message, /rate-limiting|quota/);
    stub.status = 201;
    await ok(client.call('setOpenAIKey', { key: 'sk-wrong-key-000000000000000000' }));
    const unauthorized = await client.call('startCall', { sessionId: session.id, offerSdp: OFFER_SDP });
    assert.ok(!unauthorized.ok && unauthorized.error.code === 'realtime_unauthorized');
    assert.match(unauthorized.error.message, /The OpenAI API key was rejected/);
    stub.status = 400;
    await ok(client.call('setOpenAIKey', { key: KEY }));
    const rejected = await client.call('startCall', { sessionId: session.id, offerSdp: OFFER_SDP });
    assert.ok(!rejected.ok && rejected.error.code === 'realtime_rejected' && /Stubbed failure 400/.test(rejected.error.message));
    stub.status = 201;
    assert.equal(dbAll('SELECT status FROM interview_sessions WHERE id = ?', session.id)[0].status, 'scheduled');
    // Nothing listening → unavailable.
    await ok(client.call('updateSettings', { openaiBaseUrl: 'http://127.0.0.1:1' }));
    await ok(client.call('setOpenAIKey', { key: KEY }));
    const down = await client.call('startCall', { sessionId: session.id, offerSdp: OFFER_SDP });
    assert.ok(!down.ok && down.error.code === 'realtime_unavailable');
    await ok(client.call('updateSettings', { openaiBaseUrl: stub.baseUrl }));
    await ok(client.call('setOpenAIKey', { key: KEY }));
  });

  test('changing the base URL without entering the key again leaves no key usable for the new origin', async () => {
    const { createServer } = await import('node:http');
    const seen: string[] = [];
    const other = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.writeHead(500).end();
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    const otherUrl = `http://127.0.0.1:${(other.address() as { port: number }).port}`;
    try {
      const session = await newSession();
      const moved = await ok<{ hasOpenAIKey: boolean }>(client.call('updateSettings', { openaiBaseUrl: otherUrl }));
      assert.equal(moved.hasOpenAIKey, false, 'the settings say the key is gone');
      const r = await client.call('startCall', { sessionId: session.id, offerSdp: OFFER_SDP });
      assert.ok(!r.ok && r.error.code === 'not_configured', JSON.stringify(r));
      assert.deepEqual(seen, [], 'nothing, least of all the key, reached the new origin');
      // Going back does not bring it back: it was deleted, not hidden.
      const back = await ok<{ hasOpenAIKey: boolean }>(client.call('updateSettings', { openaiBaseUrl: stub.baseUrl }));
      assert.equal(back.hasOpenAIKey, false);
      assert.ok(!readFileSync(join(host.dataDir, 'settings.json'), 'utf8').includes(KEY));
      // The same origin with another path keeps it.
      await ok(client.call('setOpenAIKey', { key: KEY }));
      const samePath = await ok<{ hasOpenAIKey: boolean }>(client.call('updateSettings', { openaiBaseUrl: `${stub.baseUrl}/` }));
      assert.equal(samePath.hasOpenAIKey, true);
      await ok(client.call('updateSettings', { openaiBaseUrl: stub.baseUrl }));
    } finally {
      await new Promise<void>((r) => other.close(() => r()));
    }
  });

  test('live mode without a key is not_configured', async () => {
    const session = await newSession();
    await ok(client.call('clearOpenAIKey'));
    const r = await client.call('startCall', { sessionId: session.id, offerSdp: OFFER_SDP });
    assert.ok(!r.ok && r.error.code === 'not_configured');
    await ok(client.call('setOpenAIKey', { key: KEY }));
    await ok(client.call('updateSettings', { practiceMode: false }));
  });
});

describe('recording', () => {
  test('chunks append in order, a repeat is ignored, a gap is rejected, the file is finalized', async () => {
    const session = await newSession();
    const early = await client.call('appendRecordingChunk', { sessionId: session.id, seq: 0, data: new Uint8Array([1]) });
    assert.ok(!early.ok && early.error.code === 'conflict');
    await ok(client.call('startCall', { sessionId: session.id, offerSdp: OFFER_SDP }));
    const chunk = (seq: number, fill: number, n = 1000, extra: { startOffsetMs?: number } = {}) => client.call<{ bytes: number }>('appendRecordingChunk', { sessionId: session.id, seq, data: new Uint8Array(n).fill(fill), ...extra });
    // The recorder cannot have started later than the interview has run: refused in words, nothing stored.
    const late = await chunk(0, 1, 1000, { startOffsetMs: 600_000 });
    assert.ok(!late.ok && late.error.code === 'invalid_request' && /later than the interview has been running/.test(late.error.message), JSON.stringify(late));
    assert.deepEqual(await ok(chunk(0, 1, 1000, { startOffsetMs: 5 })), { bytes: 1000 });
    assert.deepEqual(await ok(chunk(1, 2)), { bytes: 2000 });
    assert.deepEqual(await ok(chunk(1, 9)), { bytes: 2000 }, 'a repeated seq is ignored');
    const gap = await chunk(3, 4);
    assert.ok(!gap.ok && gap.error.code === 'conflict' && /chunk 2 is missing/.test(gap.error.message));
    assert.deepEqual(await ok(chunk(2, 3, 500)), { bytes: 2500 });
    const file = join(host.dataDir, 'recordings', `${session.id}.webm`);
    const bytes = readFileSync(file);
    assert.equal(bytes.length, 2500);
    assert.deepEqual([bytes[0], bytes[999], bytes[1000], bytes[1999], bytes[2000], bytes[2499]], [1, 1, 2, 2, 3, 3]);
    const summary = await ok<any>(client.call('endInterview', { sessionId: session.id, reason: 'operator' }));
    assert.deepEqual(summary.recording, { bytes: 2500, finalized: true, startOffsetMs: 5 });
    const afterEnd = await chunk(3, 4);
    assert.ok(!afterEnd.ok && afterEnd.error.code === 'conflict');
  });

  test('no consent, no recording', async () => {
    const session = await newSession(false);
    await ok(client.call('startCall', { sessionId: session.id, offerSdp: OFFER_SDP }));
    const r = await client.call('appendRecordingChunk', { sessionId: session.id, seq: 0, data: new Uint8Array(10) });
    assert.ok(!r.ok && r.error.code === 'conflict' && /consent/.test(r.error.message));
  });
});

describe('secrets', () => {
  test('the key file is 0600 and says plaintext; the key never appears in any frame sent to the client', async () => {
    const file = join(host.dataDir, PLAINTEXT_SECRETS_FILE);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.match(readFileSync(file, 'utf8'), new RegExp(KEY));
    const settings = await ok<any>(client.call('getSettings'));
    assert.equal(settings.hasOpenAIKey, true);
    assert.equal(settings.secretStorage, 'plaintext-file');
    assert.ok(client.frames.length > 20, 'the scan covers the whole suite’s traffic');
    assert.ok(client.frames.some((f) => f.includes('"hasOpenAIKey":true')), 'the scan can find things');
    for (const f of client.frames) assert.ok(!f.includes(KEY), 'the key must never reach the renderer');
    await ok(client.call('clearOpenAIKey'));
    assert.equal((await ok<any>(client.call('getSettings'))).hasOpenAIKey, false);
    await ok(client.call('setOpenAIKey', { key: KEY }));
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });
});

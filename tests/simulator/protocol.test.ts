// The emulator over the wire: HTTP signalling (status codes, headers, error JSON), a werift client peer with
// the oai-events data channel and an Opus track, the GA event sequences, real audio both ways, bad input while
// another call keeps working, and every fault injection.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startEmulator, type EmulatorHandle } from '../../main/simulator/index';
import { buildMultipart } from '../../main/simulator/multipart';
import {
  concatPcm, connectClient, encodeOpus, FIXTURE_JSON, FIXTURE_WAV, readWavPcm, RealtimeTestClient, silence, tone, withTimeout, type ServerEvent,
} from './support';

const KEY = 'sk-test-emulator';
const SESSION = {
  type: 'realtime', model: 'gpt-realtime', instructions: 'You are a practice interviewer.',
  audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe' }, turn_detection: { type: 'server_vad', silence_duration_ms: 500 } } },
  tools: [{ type: 'function', name: 'end_session', description: 'End the interview', parameters: { type: 'object', properties: {} } }],
};
const fixture = JSON.parse(readFileSync(FIXTURE_JSON, 'utf8')) as { transcripts: string[]; answerStartsSec: number[] };
const fixturePcm = readWavPcm(FIXTURE_WAV);
/** The candidate's first fixture answer as Opus, with a little silence either side. */
function answerPackets(index: number, seconds = 2.6): Buffer[] {
  const start = Math.round((fixture.answerStartsSec[index]! - 0.2) * 48000);
  return encodeOpus(concatPcm(fixturePcm.subarray(start, start + Math.round(seconds * 48000)), silence(900)));
}

async function post(emu: EmulatorHandle, path: string, init: { headers?: Record<string, string>; body?: Buffer | string } = {}) {
  const res = await fetch(`${emu.baseUrl}${path}`, { method: 'POST', headers: init.headers, body: typeof init.body === 'string' ? init.body : init.body && new Uint8Array(init.body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: (() => { try { return JSON.parse(text); } catch { return null; } })() };
}

function assertApiError(r: { status: number; json: any; headers: Headers }, status: number, code: string | null) {
  assert.equal(r.status, status, JSON.stringify(r.json));
  assert.match(r.headers.get('content-type') ?? '', /application\/json/);
  assert.deepEqual(Object.keys(r.json.error).sort(), ['code', 'message', 'param', 'type']);
  assert.equal(r.json.error.code, code);
  assert.ok(r.json.error.message.length > 0);
}

let emu: EmulatorHandle;
const clients: RealtimeTestClient[] = [];
async function client(session: object | null = SESSION, on: EmulatorHandle = emu) {
  const c = await connectClient({ baseUrl: on.baseUrl, apiKey: KEY, session });
  clients.push(c);
  return c;
}

before(async () => {
  emu = await startEmulator({ apiKey: KEY, userTranscripts: fixture.transcripts });
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await emu.close();
});

describe('HTTP signalling', () => {
  test('missing or wrong key → 401 invalid_api_key', async () => {
    const mp = buildMultipart([{ name: 'sdp', contentType: 'application/sdp', value: 'v=0' }]);
    assertApiError(await post(emu, '/v1/realtime/calls', { headers: { 'Content-Type': mp.contentType }, body: mp.body }), 401, 'invalid_api_key');
    assertApiError(await post(emu, '/v1/realtime/calls', { headers: { Authorization: 'Bearer sk-wrong', 'Content-Type': mp.contentType }, body: mp.body }), 401, 'invalid_api_key');
    assertApiError(await post(emu, '/v1/realtime/client_secrets', { headers: { Authorization: 'Basic abc' }, body: '{}' }), 401, 'invalid_api_key');
  });

  test('garbage SDP, malformed multipart, malformed/invalid session JSON, beta shapes → 400 with the right code; a live call keeps working', async () => {
    const live = await client();
    const callsBefore = emu.calls().length;
    const auth = { Authorization: `Bearer ${KEY}` };
    const offerer = new RealtimeTestClient({ baseUrl: emu.baseUrl, apiKey: KEY });
    clients.push(offerer);
    const offer = await offerer.offer();
    const cases: [{ name: string; contentType: string; value: string }[], string][] = [
      [[{ name: 'sdp', contentType: 'application/sdp', value: 'this is not sdp' }], 'invalid_offer'],
      [[{ name: 'sdp', contentType: 'application/sdp', value: offer.replace(/a=fingerprint.*\r\n/g, '') }], 'invalid_offer'],
      [[{ name: 'sdp', contentType: 'application/sdp', value: offer }, { name: 'session', contentType: 'application/json', value: '{"type":"realtime",' }], 'invalid_json'],
      [[{ name: 'sdp', contentType: 'application/sdp', value: offer }, { name: 'session', contentType: 'application/json', value: '{"model":"gpt-realtime"}' }], 'missing_required_parameter'],
      [[{ name: 'sdp', contentType: 'application/sdp', value: offer }, { name: 'session', contentType: 'application/json', value: '{"modalities":["audio","text"],"voice":"alloy"}' }], 'beta_api_shape_disabled'],
      [[{ name: 'sdp', contentType: 'application/sdp', value: offer }, { name: 'session', contentType: 'application/json', value: '{"type":"realtime","model":"gpt-6"}' }], 'invalid_value'],
      [[{ name: 'session', contentType: 'application/json', value: '{"type":"realtime"}' }], 'missing_required_parameter'],
    ];
    for (const [fields, code] of cases) {
      const mp = buildMultipart(fields);
      assertApiError(await post(emu, '/v1/realtime/calls', { headers: { ...auth, 'Content-Type': mp.contentType }, body: mp.body }), 400, code);
    }
    assertApiError(await post(emu, '/v1/realtime/calls', { headers: { ...auth, 'Content-Type': 'multipart/form-data; boundary=zz' }, body: 'nonsense' }), 400, 'invalid_multipart');
    assertApiError(await post(emu, '/v1/realtime/calls', { headers: { ...auth, 'Content-Type': 'application/sdp' }, body: offer }), 400, 'invalid_request');
    assertApiError(await post(emu, '/v1/realtime/calls', { headers: { ...auth, 'Content-Type': 'text/plain' }, body: offer }), 400, 'invalid_content_type');
    const mp = buildMultipart([{ name: 'sdp', contentType: 'application/sdp', value: offer }]);
    assertApiError(await post(emu, '/v1/realtime/calls', { headers: { ...auth, 'Content-Type': mp.contentType, 'OpenAI-Beta': 'realtime=v1' }, body: mp.body }), 400, 'beta_api_shape_disabled');
    assertApiError(await post(emu, '/v1/realtime/sessions', { headers: { ...auth, 'Content-Type': 'application/json' }, body: '{"model":"gpt-4o-realtime-preview"}' }), 400, 'beta_api_shape_disabled');
    assert.equal(emu.calls().length, callsBefore, 'no call was created by a rejected request');
    live.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    assert.equal((await live.waitFor('response.done', 10_000)).response.status, 'completed');
    await live.close();
  });

  test('unknown route or call → 404; oversized body → 413', async () => {
    const auth = { Authorization: `Bearer ${KEY}` };
    assertApiError(await post(emu, '/v1/realtime/nothing', { headers: auth }), 404, 'unknown_url');
    assertApiError(await post(emu, '/v1/realtime/calls/rtc_doesnotexist/hangup', { headers: auth }), 404, 'call_not_found');
    const big = Buffer.alloc(2 * 1024 * 1024, 0x61);
    assertApiError(await post(emu, '/v1/realtime/calls', { headers: { ...auth, 'Content-Type': 'multipart/form-data; boundary=x' }, body: big }), 413, 'request_too_large');
  });

  test('client_secrets → ek_ key; raw application/sdp with it → 201 and the token session', async () => {
    const minted = await post(emu, '/v1/realtime/client_secrets', {
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ expires_after: { anchor: 'created_at', seconds: 60 }, session: { type: 'realtime', model: 'gpt-realtime', instructions: 'From the token', audio: { output: { voice: 'cedar' } } } }),
    });
    assert.equal(minted.status, 200);
    assert.match(minted.json.value, /^ek_/);
    assert.ok(Math.abs(minted.json.expires_at - (Date.now() / 1000 + 60)) < 5);
    assert.equal(minted.json.session.object, 'realtime.session');
    assert.match(minted.json.session.id, /^sess_/);
    assert.equal(minted.json.session.audio.output.voice, 'cedar');
    assert.equal(minted.json.session.audio.input.turn_detection.type, 'server_vad', 'defaults filled in');
    const bad = await post(emu, '/v1/realtime/client_secrets', { headers: { Authorization: `Bearer ${KEY}` }, body: '{"expires_after":{"anchor":"created_at","seconds":5}}' });
    assertApiError(bad, 400, 'invalid_value');
    const c = new RealtimeTestClient({ baseUrl: emu.baseUrl, apiKey: KEY });
    clients.push(c);
    const sdp = await c.offer();
    const res = await fetch(`${emu.baseUrl}/v1/realtime/calls`, { method: 'POST', headers: { Authorization: `Bearer ${minted.json.value}`, 'Content-Type': 'application/sdp' }, body: sdp });
    assert.equal(res.status, 201);
    assert.match(res.headers.get('content-type') ?? '', /^application\/sdp/);
    assert.match(res.headers.get('location') ?? '', /^\/v1\/realtime\/calls\/rtc_[A-Za-z0-9]+$/);
    const answer = await res.text();
    assert.match(answer, /^v=0\r\n/);
    const candidates = answer.split('\r\n').filter((l) => l.startsWith('a=candidate:'));
    assert.ok(candidates.length > 0, 'non-trickle answer carries candidates');
    for (const l of candidates) assert.equal(l.split(' ')[4], '127.0.0.1', l);
    await c.pc.setRemoteDescription({ type: 'answer', sdp: answer });
    await c.open();
    const created = await c.waitFor('session.created');
    assert.equal(created.session.instructions, 'From the token');
    assert.equal(created.session.audio.output.voice, 'cedar');
    // an ek_ key cannot mint more keys
    assertApiError(await post(emu, '/v1/realtime/client_secrets', { headers: { Authorization: `Bearer ${minted.json.value}` }, body: '{}' }), 401, 'invalid_api_key');
    await c.close();
  });
});

describe('WebRTC call', () => {
  test('session.created → session.update → session.updated; interviewer speaks real Opus RTP with the GA sequence', async () => {
    const c = await client();
    const created = c.events[0]!;
    assert.equal(created.type, 'session.created');
    assert.match(created.session.id, /^sess_/);
    assert.equal(created.session.instructions, SESSION.instructions);
    assert.equal(created.session.audio.output.voice, 'alloy', "the spec's default voice merged under the multipart session");
    assert.ok(created.session.expires_at > Date.now() / 1000 + 3000);
    c.send({ type: 'session.update', session: { type: 'realtime', instructions: 'Updated' } });
    const updated = await c.waitFor('session.updated');
    assert.equal(updated.session.instructions, 'Updated');
    assert.deepEqual(updated.session.tools, SESSION.tools);
    const from = c.events.length;
    c.send({ type: 'response.create' });
    await c.waitFor('output_audio_buffer.stopped', 15_000);
    const seq = c.events.slice(from).map((e) => e.type).filter((t) => t !== 'response.output_audio_transcript.delta');
    assert.deepEqual(seq, [
      'response.created', 'rate_limits.updated', 'response.output_item.added', 'conversation.item.added', 'response.content_part.added',
      'output_audio_buffer.started', 'response.output_audio.done', 'response.output_audio_transcript.done', 'response.content_part.done',
      'response.output_item.done', 'conversation.item.done', 'response.done', 'output_audio_buffer.stopped',
    ]);
    // Text runs ahead of audio: response.done arrived while most of the clip was still to play.
    const doneAt = c.events.findIndex((e, i) => i >= from && e.type === 'response.done');
    assert.ok(c.rtpAtEvent[doneAt]! < c.rtpReceived / 2, `response.done after ${c.rtpAtEvent[doneAt]} of ${c.rtpReceived} RTP packets`);
    // ≈ one RTP packet per 20 ms of the clip, with the marker on the first, in the negotiated payload type
    assert.ok(c.rtpReceived >= 150, `received ${c.rtpReceived} RTP packets`);
    assert.equal(c.rtpMarkers, 1);
    assert.equal(c.rtpPayloadTypes.size, 1);
    const info = emu.calls().find((x) => x.id === c.callId)!;
    assert.equal(info.connected, true);
    assert.equal(info.scriptStep, 1);
    assert.ok(info.events.some((e) => e.direction === 'in' && e.type === 'response.create'));
    await c.close();
  });

  test('candidate audio (fixture speech as Opus RTP) → a user turn with the scripted transcript, then the next question', async () => {
    const c = await client();
    c.send({ type: 'response.create' });
    await c.waitFor('output_audio_buffer.stopped', 15_000);
    const from = c.events.length;
    await c.sendAudio(answerPackets(0), 10); // audio time rides on RTP timestamps, so 2× real time is fine
    const completed = await c.waitFor('conversation.item.input_audio_transcription.completed', 15_000, from);
    assert.equal(completed.transcript, fixture.transcripts[0]);
    const started = await c.waitFor('input_audio_buffer.speech_started', 1000, from);
    const stopped = await c.waitFor('input_audio_buffer.speech_stopped', 1000, from);
    assert.equal(started.item_id, completed.item_id);
    assert.ok(stopped.audio_end_ms - started.audio_start_ms >= 1500, JSON.stringify([started, stopped]));
    const created = await c.waitFor('response.created', 5000, from);
    await c.waitFor((e) => e.type === 'response.done' && e.response.id === created.response.id, 15_000);
    const transcript = c.events.filter((e) => e.type === 'response.output_audio_transcript.done').at(-1)!.transcript;
    assert.match(transcript, /greatest strength/);
    await c.close();
  });

  test('barge-in over the wire: speech during the interviewer clears audio, truncates the item to what was played, RTP stops', async () => {
    const c = await client();
    c.send({ type: 'response.create' });
    await c.waitFor('output_audio_buffer.started');
    await withTimeout(new Promise<void>((r) => { const i = setInterval(() => c.rtpReceived > 20 && (clearInterval(i), r()), 10); }), 5000, 'first RTP');
    const done = await c.waitFor('response.done', 5000); // the text was generated long before the audio ends
    assert.equal(done.response.status, 'completed');
    await c.sendAudio(encodeOpus(tone(300)), 20);
    await c.waitFor('output_audio_buffer.cleared', 2000);
    const truncated = await c.waitFor('conversation.item.truncated', 2000);
    assert.equal(truncated.item_id, done.response.output[0].id);
    assert.ok(truncated.audio_end_ms > 0 && truncated.audio_end_ms < 3760, JSON.stringify(truncated));
    c.send({ type: 'conversation.item.retrieve', item_id: truncated.item_id });
    const retrieved = await c.waitFor('conversation.item.retrieved', 2000);
    const heard = retrieved.item.content[0].transcript as string;
    assert.ok(heard.length < done.response.output[0].content[0].transcript.length, `heard: ${heard}`);
    const atClear = c.rtpReceived;
    await new Promise((r) => setTimeout(r, 300)); // observe silence on the wire: nothing more should arrive
    assert.ok(c.rtpReceived - atClear <= 3, `RTP kept flowing: ${c.rtpReceived - atClear}`);
    assert.ok(atClear < 190, 'the clip was cut short');
    await c.close();
  });

  test('history replay, one active response, cancel, output_audio_buffer.clear over the wire', async () => {
    const c = await client();
    const items = [
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hello, welcome. Tell me about yourself.' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'I am an engineer.' }] },
      { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'The interview resumes after a dropped connection.' }] },
    ];
    for (const item of items) c.send({ type: 'conversation.item.create', item });
    await c.waitFor((e) => e.type === 'conversation.item.done' && e.item.role === 'system');
    const info = emu.calls().find((x) => x.id === c.callId)!;
    assert.equal(info.replayedItems, 3);
    assert.equal(info.scriptStep, 1);
    // All three in one go: the cancel must reach the response while it is still being generated (text runs
    // ahead of audio, so a cancel sent after a round trip could find it done on a slow machine).
    c.send({ type: 'response.create', response: { instructions: 'Ask the next question.' } });
    c.send({ type: 'response.create', event_id: 'second' });
    c.send({ type: 'response.cancel' });
    const err = await c.waitFor('error');
    assert.equal(err.error.code, 'conversation_already_has_active_response');
    assert.equal(err.error.event_id, 'second');
    const done = await c.waitFor('response.done');
    assert.equal(done.response.status, 'cancelled');
    c.send({ type: 'output_audio_buffer.clear' });
    await c.waitFor('output_audio_buffer.cleared');
    c.send({ type: 'response.cancel', event_id: 'nothing' });
    assert.equal((await c.waitFor((e) => e.type === 'error' && e.error.event_id === 'nothing')).error.code, 'response_cancel_not_active');
    await c.close();
  });

  test('malformed JSON, unknown type, 2 MiB message → error events; this call and a concurrent one keep working', async () => {
    const [a, b] = await Promise.all([client(), client()]);
    b.send({ type: 'response.create' });
    a.send('{"type": "session.update", oops');
    a.send({ type: 'no.such.event', event_id: 'u1' });
    a.send(JSON.stringify({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x'.repeat(2 * 1024 * 1024) }] } }));
    const errors = async () => {
      // A liveness bound: werift carries the 2 MiB as ~1,700 SCTP chunks in JS, slow on a loaded 2-core machine.
      await withTimeout(new Promise<void>((r) => { const i = setInterval(() => a.events.filter((e) => e.type === 'error').length >= 3 && (clearInterval(i), r()), 20); }), 45_000, '3 errors', () => a.types());
      return a.events.filter((e) => e.type === 'error').map((e: ServerEvent) => e.error.code);
    };
    assert.deepEqual(await errors(), ['invalid_json', 'invalid_value', 'message_too_large']);
    a.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'still here' }] } });
    assert.equal((await a.waitFor('conversation.item.done')).item.content[0].text, 'still here');
    const bDone = await b.waitFor('response.done', 15_000);
    assert.equal(bDone.response.status, 'completed');
    assert.ok(!b.events.some((e) => e.type === 'error'));
    await Promise.all([a.close(), b.close()]);
  });

  test('hangup → 200 and the call is closed', async () => {
    const c = await client();
    const r = await post(emu, `/v1/realtime/calls/${c.callId}/hangup`, { headers: { Authorization: `Bearer ${KEY}` } });
    assert.equal(r.status, 200);
    assert.equal(emu.calls().find((x) => x.id === c.callId)!.closed, true);
    await c.close();
  });
});

describe('fault injection', () => {
  test('sdpStatus: POST /calls fails with that status and OpenAI error JSON until cleared', async () => {
    emu.setFaults({ sdpStatus: 503 });
    try {
      const c = new RealtimeTestClient({ baseUrl: emu.baseUrl, apiKey: KEY, session: SESSION });
      clients.push(c);
      const res = await c.connect();
      assert.equal(res.status, 503);
      const body = await res.json();
      assert.equal(body.error.type, 'server_error');
      emu.setFaults({ sdpStatus: 429 });
      const c2 = new RealtimeTestClient({ baseUrl: emu.baseUrl, apiKey: KEY });
      clients.push(c2);
      const res2 = await c2.connect();
      assert.equal(res2.status, 429);
      assert.equal((await res2.json()).error.code, 'rate_limit_exceeded');
    } finally {
      emu.setFaults({ sdpStatus: null });
    }
    const ok = await client();
    assert.ok(ok.callId);
    await ok.close();
  });

  test('dropCallAfterMs: the call is torn down that long after it connects', async () => {
    emu.setFaults({ dropCallAfterMs: 300 });
    try {
      const c = await client();
      const closed = new Promise<void>((resolve) => {
        if (c.dc.readyState === 'closed') resolve();
        c.dc.stateChanged.subscribe((s) => s === 'closed' && resolve());
        c.pc.connectionStateChange.subscribe((s) => (s === 'closed' || s === 'failed' || s === 'disconnected') && resolve());
      });
      const t0 = Date.now();
      await withTimeout(closed, 15_000, 'client to notice the dropped call');
      assert.ok(Date.now() - t0 >= 100);
      assert.equal(emu.calls().find((x) => x.id === c.callId)!.closed, true);
      await c.close();
    } finally {
      emu.setFaults({ dropCallAfterMs: null });
    }
  });

  test('transcriptionAfterResponse and transcriptionFailure over the wire', async () => {
    emu.setFaults({ transcriptionAfterResponse: true });
    try {
      const c = await client();
      await c.sendAudio(answerPackets(1, 2.2), 10);
      const done = await c.waitFor('response.done', 15_000);
      const completed = await c.waitFor('conversation.item.input_audio_transcription.completed', 15_000);
      assert.ok(c.events.indexOf(done) < c.events.indexOf(completed), 'transcription arrives after response.done');
      emu.setFaults({ transcriptionAfterResponse: false, transcriptionFailure: true });
      const from = c.events.length;
      await c.waitFor('output_audio_buffer.stopped', 15_000);
      await c.sendAudio(answerPackets(2, 2.4), 10);
      const failed = await c.waitFor('conversation.item.input_audio_transcription.failed', 15_000, from);
      assert.equal(failed.error.code, 'audio_unintelligible');
      assert.ok(!c.events.slice(from).some((e) => e.type === 'conversation.item.input_audio_transcription.completed'));
      await c.close();
    } finally {
      emu.setFaults({ transcriptionAfterResponse: false, transcriptionFailure: false });
    }
  });

  test('sessionLimitMs: error session_expired, then the call ends', async () => {
    const short = await startEmulator({ apiKey: KEY, sessionLimitMs: 1500 });
    try {
      const c = await client(SESSION, short);
      assert.ok(c.events[0]!.session.expires_at <= Math.ceil(Date.now() / 1000) + 2);
      const err = await c.waitFor('error', 5000);
      assert.equal(err.error.code, 'session_expired');
      await withTimeout(new Promise<void>((r) => { const i = setInterval(() => short.calls()[0]?.closed && (clearInterval(i), r()), 20); }), 5000, 'call teardown');
      await c.close();
    } finally {
      await short.close();
    }
  });
});

describe('delivery limits', () => {
  test("an event above the client's max-message-size becomes an error event instead of vanishing", async () => {
    const c = await connectClient({ baseUrl: emu.baseUrl, apiKey: KEY, session: SESSION, maxMessageSize: 65_536 });
    clients.push(c);
    c.send({ type: 'session.update', session: { type: 'realtime', instructions: 'x'.repeat(100_000) } });
    const err = await c.waitFor('error', 10_000);
    assert.equal(err.error.code, 'event_too_large');
    assert.match(err.error.message, /session\.updated/);
    c.send({ type: 'session.update', session: { type: 'realtime', instructions: 'short again' } });
    assert.equal((await c.waitFor('session.updated', 10_000)).session.instructions, 'short again');
    await c.close();
  });
});

describe('client ends the call', () => {
  test('closing oai-events (as pc.close does) ends the emulator call', async () => {
    const c = await client();
    c.dc.close();
    await withTimeout(new Promise<void>((r) => { const i = setInterval(() => emu.calls().find((x) => x.id === c.callId)?.closed && (clearInterval(i), r()), 20); }), 5000, 'emulator to notice the closed data channel');
    await c.close();
  });
});

// Unit tests of the small pure pieces: session config, HTTP error mapping, call ids, payload sizes, the
// dispatcher's gatekeeping, settings sanitizing, static path resolution, the event emitter.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { KioskError, MAX_REALTIME_EVENT_CHARS, MAX_REQUEST_BYTES, type KioskApi } from '../../../preload/contract';
import { createDispatcher, payloadSize } from '../../../main/core/api/dispatch';
import { createEventEmitter } from '../../../main/core/api/events';
import { buildSessionConfig, EXTRA_TIME_INSTRUCTION, EXTRA_TIME_SILENCE_MS, openingEvents, WARM_UP_INSTRUCTION } from '../../../main/core/realtime/session-config';
import { validateSessionPatch } from '../../../main/simulator/session';
import { callIdFromLocation, realtimeHttpError, redactSecrets } from '../../../main/core/realtime/signalling';
import { fileSettingsStore, plaintextSecretStore, sanitizeSettings } from '../../../main/core/settings/file-stores';
import { resolveStaticPath } from '../../../main/web/static';
import { isAllowedOrigin } from '../../../main/web/host';

test('buildSessionConfig: turn detection per position; extra time = long silence, slower speech, the interviewer told; warm-up in the instructions', () => {
  const position = { title: 'T', description: '', competencies: ['Teamwork'] };
  const tenant = { name: 'N', values: '' };
  const base = { model: 'gpt-realtime', voice: 'marin' as const };
  const td = (extra: object) => buildSessionConfig(position, tenant, { ...base, ...extra }).audio.input.turn_detection;
  assert.deepEqual(td({ turnDetection: 'semantic_medium' }), { type: 'semantic_vad', eagerness: 'medium', create_response: true, interrupt_response: true });
  assert.deepEqual(td({ turnDetection: 'semantic_high' }), { type: 'semantic_vad', eagerness: 'high', create_response: true, interrupt_response: true });
  assert.equal((td({ turnDetection: 'server_vad' }) as { silence_duration_ms: number }).silence_duration_ms, 700);
  assert.equal((td({ turnDetection: null }) as { eagerness: string }).eagerness, 'low', 'unset → the default');
  const extra = buildSessionConfig(position, tenant, { ...base, turnDetection: 'semantic_high', extraTime: true });
  assert.deepEqual(extra.audio.input.turn_detection, { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: EXTRA_TIME_SILENCE_MS, create_response: true, interrupt_response: true });
  assert.equal(extra.audio.output.speed, 0.9);
  assert.ok(extra.instructions.includes(EXTRA_TIME_INSTRUCTION));
  const plain = buildSessionConfig(position, tenant, base);
  assert.ok(!plain.instructions.includes(EXTRA_TIME_INSTRUCTION) && !plain.instructions.includes(WARM_UP_INSTRUCTION));
  assert.equal('speed' in plain.audio.output, false);
  assert.ok(buildSessionConfig(position, tenant, { ...base, warmUp: true }).instructions.includes(WARM_UP_INSTRUCTION));
  // Every variant is a session the API accepts (the emulator validates as the spec does).
  for (const c of [plain, extra, buildSessionConfig(position, tenant, { ...base, turnDetection: 'server_vad', warmUp: true })]) validateSessionPatch(JSON.parse(JSON.stringify(c)));
});

test('buildSessionConfig: GA shape with instructions, voice, transcription, semantic VAD and the end_session tool', () => {
  const c = buildSessionConfig(
    { title: 'Senior Backend Engineer', description: 'Runs services.', competencies: ['System design', 'Mentoring'] },
    { name: 'Northwind', values: 'Curiosity and candour' },
    { model: 'gpt-realtime', voice: 'cedar' },
  );
  assert.equal(c.type, 'realtime');
  assert.equal(c.model, 'gpt-realtime');
  for (const s of ['Senior Backend Engineer', 'System design', 'Mentoring', 'Northwind', 'Curiosity and candour', 'one question at a time', 'Never repeat a question', 'end_session', 'introducing yourself']) {
    assert.ok(c.instructions.includes(s), s);
  }
  assert.equal(c.audio.output.voice, 'cedar');
  assert.deepEqual(c.audio.input.transcription, { model: 'gpt-transcribe' });
  assert.deepEqual(c.audio.input.noise_reduction, { type: 'far_field' }, 'speakers by default');
  const headset = buildSessionConfig({ title: 'x', description: '', competencies: [] }, { name: 'N', values: '' }, { model: 'gpt-realtime-2.1', voice: 'cedar', audioProfile: 'headset', language: 'de' });
  assert.deepEqual(headset.audio.input.noise_reduction, { type: 'near_field' });
  assert.deepEqual(headset.audio.input.transcription, { model: 'gpt-transcribe', language: 'de' });
  assert.deepEqual(c.audio.input.turn_detection, { type: 'semantic_vad', eagerness: 'low', create_response: true, interrupt_response: true }, 'a candidate may think: semantic VAD, low eagerness');
  assert.deepEqual(c.tools, [{ type: 'function', name: 'end_session', description: c.tools[0]!.description, parameters: { type: 'object', properties: {} } }]);
  assert.ok(!('temperature' in c) && !('voice' in c) && !('modalities' in c), 'no beta fields');
  // The cue goes in as a system item and a BARE response.create follows: instructions on response.create would
  // replace the session's (company, position, competencies) for the greeting.
  const [cue, create] = openingEvents() as [{ type: string; item: { role: string; content: { text: string }[] } }, { type: string }];
  assert.equal(cue.type, 'conversation.item.create');
  assert.equal(cue.item.role, 'system');
  assert.match(cue.item.content[0]!.text, /Greet the candidate, introduce yourself/);
  assert.deepEqual(create, { type: 'response.create' });
});

test('HTTP failures map to operator words and codes', () => {
  const e401 = realtimeHttpError(401, 'Incorrect API key provided');
  assert.equal(e401.code, 'realtime_unauthorized');
  assert.match(e401.message, /^The OpenAI API key was rejected/);
  assert.equal(realtimeHttpError(429, null).code, 'realtime_rate_limited');
  assert.equal(realtimeHttpError(500, null).code, 'realtime_unavailable');
  assert.equal(realtimeHttpError(503, null).code, 'realtime_unavailable');
  const e400 = realtimeHttpError(400, 'Invalid SDP');
  assert.equal(e400.code, 'realtime_rejected');
  assert.match(e400.message, /Invalid SDP/);
  assert.equal(realtimeHttpError(404, null).message, 'OpenAI rejected the call (HTTP 404).');
});

test('key-like strings in OpenAI messages never reach the operator (sk-, ek_ and the key itself)', () => {
  const key = 'sk-proj-SECRETSECRETSECRET1234';
  const e = realtimeHttpError(401, `Incorrect API key provided: sk-proj-****1234 (${key}).`, key);
  assert.ok(!e.message.includes(key) && !e.message.includes('****1234'), e.message);
  assert.match(e.message, /Incorrect API key provided: sk-…/);
  const ek = realtimeHttpError(401, 'Ephemeral key ek_68af3c9e1b2d4f expired');
  assert.ok(!ek.message.includes('ek_68af3c9e1b2d4f'), ek.message);
  assert.match(ek.message, /Ephemeral key ek_… expired/);
  assert.equal(redactSecrets('token ek_abc.DEF-123 and rk-live-0000aaaa'), 'token ek_… and rk-…');
});

test('call id from Location', () => {
  assert.equal(callIdFromLocation('/v1/realtime/calls/rtc_u1_9c65'), 'rtc_u1_9c65');
  assert.equal(callIdFromLocation('https://api.openai.com/v1/realtime/calls/rtc_abc/'), 'rtc_abc');
  assert.equal(callIdFromLocation(null), null);
  assert.equal(callIdFromLocation('/v1/realtime/calls/a b'), null);
});

test('payloadSize counts bytes as bytes, stops early, and refuses absurd nesting', () => {
  assert.equal(payloadSize({ data: new Uint8Array(1000) }, 1e9) >= 1000, true);
  assert.ok(payloadSize({ data: new Uint8Array(1000) }, 1e9) < 1100);
  assert.ok(payloadSize('x'.repeat(5000), 100) > 100);
  let deep: unknown = 1;
  for (let i = 0; i < 100; i++) deep = [deep];
  assert.equal(payloadSize(deep, 1e9), Infinity);
});

test('the dispatcher rejects before the service sees anything, and maps errors to envelopes', async () => {
  const calls: string[] = [];
  const api = new Proxy({}, {
    get: (_t, name: string) => async (payload: unknown) => {
      calls.push(name);
      if (name === 'getSetupData') throw new KioskError('not_configured', 'No data.');
      if (name === 'clearOpenAIKey') throw Object.assign(new Error('disk'), { code: 'SQLITE_FULL' });
      if (name === 'getSessionSummary') throw new Error('secret internals sk-abc');
      return payload ?? 'value';
    },
  }) as unknown as KioskApi;
  const logs: string[] = [];
  const dispatch = createDispatcher(api, { log: (l) => logs.push(l) });
  assert.deepEqual(await dispatch('getSettings', undefined), { ok: true, value: 'value' });
  assert.deepEqual(await dispatch('getSettings', {}), { ok: true, value: 'value' });
  assert.equal((await dispatch('constructor', {})).ok, false);
  assert.equal((await dispatch('__proto__', {})).ok, false);
  assert.equal((await dispatch('updateSettings', { voice: 1 })).ok, false);
  assert.equal((await dispatch('startCall', { sessionId: 'x'.repeat(10), offerSdp: 'v=0' })).ok, false);
  const big = await dispatch('updateSettings', { model: 'x'.repeat(MAX_REQUEST_BYTES + 1) });
  assert.ok(!big.ok && big.error.code === 'payload_too_large');
  // A Realtime event over the one limit both sides share is refused by main, even inside the request limit.
  const hugeEvent = await dispatch('reportRealtimeEvent', {
    sessionId: '10000000-0000-4000-8000-000000000001', direction: 'server', event: { type: 'x', pad: 'y'.repeat(MAX_REALTIME_EVENT_CHARS) },
  });
  assert.ok(!hugeEvent.ok && /at most 524288 characters/.test(hugeEvent.error.message), JSON.stringify(hugeEvent).slice(0, 300));
  assert.deepEqual(calls, ['getSettings', 'getSettings'], 'only valid requests reached the service');
  assert.deepEqual(await dispatch('getSetupData', null), { ok: false, error: { code: 'not_configured', message: 'No data.' } });
  const full = await dispatch('clearOpenAIKey', undefined);
  assert.ok(!full.ok && /disk is full/.test(full.error.message));
  const internal = await dispatch('getSessionSummary', { sessionId: '10000000-0000-4000-8000-000000000001' });
  assert.ok(!internal.ok && internal.error.code === 'internal' && !internal.error.message.includes('sk-abc'), 'internals stay in the log');
  assert.ok(logs.some((l) => l.includes('secret internals')));
});

test('settings files: sanitized, atomic; the plaintext key file is 0600 and named so', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-settings-'));
  try {
    assert.deepEqual(sanitizeSettings({ openaiBaseUrl: 'ftp://x', model: 'bad model', voice: 'robot', practiceMode: 'yes' }), {
      openaiBaseUrl: 'https://api.openai.com', model: 'gpt-realtime-2.1', voice: 'marin',
    });
    const s = fileSettingsStore(dir);
    s.update({ voice: 'ash', practiceMode: true });
    assert.deepEqual(fileSettingsStore(dir).get(), { openaiBaseUrl: 'https://api.openai.com', model: 'gpt-realtime-2.1', voice: 'ash', practiceMode: true });
    writeFileSync(join(dir, 'settings.json'), '{broken');
    assert.equal(fileSettingsStore(dir).get().voice, 'marin', 'a damaged file falls back to defaults');
    const secrets = plaintextSecretStore(dir);
    assert.equal(secrets.kind, 'plaintext-file');
    secrets.setOpenAIKey('sk-abcdefghijklmnopqrstuvwxyz');
    assert.equal(statSync(join(dir, 'secrets.plaintext.json')).mode & 0o777, 0o600);
    assert.equal(plaintextSecretStore(dir).getOpenAIKey(), 'sk-abcdefghijklmnopqrstuvwxyz');
    assert.match(readFileSync(join(dir, 'secrets.plaintext.json'), 'utf8'), /openaiKey/);
    secrets.clearOpenAIKey();
    assert.equal(secrets.getOpenAIKey(), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('static paths stay inside the renderer dir', () => {
  assert.equal(resolveStaticPath('/srv/r', '/assets/a.js'), '/srv/r/assets/a.js');
  assert.equal(resolveStaticPath('/srv/r', '/'), '/srv/r');
  assert.equal(resolveStaticPath('/srv/r', '/../../etc/passwd'), '/srv/r/etc/passwd');
  assert.equal(resolveStaticPath('/srv/r', '/%2e%2e/%2e%2e/etc/passwd'), '/srv/r/etc/passwd');
  assert.equal(resolveStaticPath('/srv/r', '/a%00b'), null);
  assert.equal(resolveStaticPath('/srv/r', '/a\\..\\b'), null);
  assert.equal(resolveStaticPath('/srv/r', '/%E0%A4%A'), null);
});

test('web host origin rule', () => {
  assert.equal(isAllowedOrigin('http://127.0.0.1:5180', 5180), true);
  assert.equal(isAllowedOrigin('http://localhost:5180', 5180), true);
  assert.equal(isAllowedOrigin('http://127.0.0.1:5181', 5180), false);
  assert.equal(isAllowedOrigin('null', 5180), false);
  assert.equal(isAllowedOrigin(undefined, 5180), false);
});

test('the event emitter isolates a failing listener and unsubscribes', () => {
  const errors: unknown[] = [];
  const e = createEventEmitter((err) => errors.push(err));
  const got: string[] = [];
  const off = e.on('session', (s) => got.push(s.id));
  e.on('session', () => {
    throw new Error('broken socket');
  });
  const offAny = e.onAny((name) => got.push(`any:${name}`));
  e.emit('session', { id: 's1' } as never);
  off();
  offAny();
  e.emit('session', { id: 's2' } as never);
  assert.deepEqual(got, ['s1', 'any:session']);
  assert.equal(errors.length, 2);
});

test('session config: audio profile → noise reduction, transcription model and position language from settings', () => {
  const position = { title: 'Baker', description: '', competencies: ['Patience'] };
  const tenant = { name: 'Acme', values: '' };
  const speakers = buildSessionConfig(position, tenant, { model: 'gpt-realtime-2.1', voice: 'marin' });
  assert.deepEqual(speakers.audio.input.noise_reduction, { type: 'far_field' }, 'speakers is the default');
  assert.deepEqual(speakers.audio.input.transcription, { model: 'gpt-transcribe' }, 'no language when the position sets none');
  const headset = buildSessionConfig(position, tenant, { model: 'gpt-realtime-2.1', voice: 'marin', audioProfile: 'headset', transcriptionModel: 'gpt-live-transcribe', language: 'de' });
  assert.deepEqual(headset.audio.input.noise_reduction, { type: 'near_field' });
  assert.deepEqual(headset.audio.input.transcription, { model: 'gpt-live-transcribe', language: 'de' });
});

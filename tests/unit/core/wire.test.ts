import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KIOSK_METHODS, KioskError } from '../../../preload/contract';
import {
  base64ToBytes,
  bytesToBase64,
  classifyServerMessage,
  createBridge,
  decodeWire,
  encodeWire,
  parseWireRequest,
} from '../../../preload/wire';

test('base64 matches Node for every length and byte value', () => {
  for (let n = 0; n < 70; n++) {
    const bytes = new Uint8Array(n).map((_, i) => (i * 37 + n * 11) & 255);
    const b64 = bytesToBase64(bytes);
    assert.equal(b64, Buffer.from(bytes).toString('base64'));
    assert.deepEqual(base64ToBytes(b64), bytes);
  }
  const all = new Uint8Array(256).map((_, i) => i);
  assert.equal(bytesToBase64(all), Buffer.from(all).toString('base64'));
  const big = new Uint8Array(100_000).map((_, i) => (i * 7) & 255);
  assert.deepEqual(base64ToBytes(bytesToBase64(big)), big);
});

test('base64 decoder rejects malformed input', () => {
  assert.throws(() => base64ToBytes('abc'), /multiple of 4/);
  assert.throws(() => base64ToBytes('ab$='), /character/);
  assert.throws(() => base64ToBytes('a=bc'), /character/);
});

test('encodeWire/decodeWire round-trip Uint8Array values anywhere in a message', () => {
  const data = new Uint8Array([0, 1, 2, 250, 255]);
  const msg = { id: 3, method: 'appendRecordingChunk', payload: { sessionId: 's', seq: 0, data, nested: [data] } };
  const text = encodeWire(msg);
  assert.match(text, /"\$bytes":"AAEC\+v8="/);
  const back = decodeWire(text) as typeof msg;
  assert.ok(back.payload.data instanceof Uint8Array);
  assert.deepEqual(back.payload.data, data);
  assert.deepEqual(back.payload.nested[0], data);
  // A Node Buffer is a Uint8Array: it is carried the same way.
  assert.deepEqual(decodeWire(encodeWire({ b: Buffer.from([9]) })), { b: new Uint8Array([9]) });
  // Objects that merely contain a $bytes key among others are left alone.
  assert.deepEqual(decodeWire('{"x":{"$bytes":"AA==","y":1}}'), { x: { $bytes: 'AA==', y: 1 } });
  assert.throws(() => decodeWire('{"x":{"$bytes":"A"}}'));
  assert.throws(() => decodeWire('{not json'));
});

test('parseWireRequest checks the envelope', () => {
  assert.deepEqual(parseWireRequest({ id: 1, method: 'getSettings' }), { ok: true, request: { id: 1, method: 'getSettings', payload: undefined } });
  assert.equal(parseWireRequest([]).ok, false);
  assert.equal(parseWireRequest({ id: 'x', method: 'a' }).ok, false);
  assert.equal(parseWireRequest({ id: -1, method: 'a' }).ok, false);
  const r = parseWireRequest({ id: 4, method: 5 });
  assert.deepEqual(r, { ok: false, id: 4, message: 'A request needs a string "method".' });
});

test('classifyServerMessage tells replies, pushes and garbage apart', () => {
  assert.equal(classifyServerMessage({ id: 1, result: { ok: true, value: 1 } }).kind, 'reply');
  assert.equal(classifyServerMessage({ event: 'transcript', payload: {} }).kind, 'push');
  assert.equal(classifyServerMessage({ event: 'nope', payload: {} }).kind, 'invalid');
  assert.equal(classifyServerMessage(null).kind, 'invalid');
});

test('createBridge exposes exactly KIOSK_METHODS plus on, unwraps values and throws KioskError', async () => {
  const calls: [string, unknown][] = [];
  const bridge = createBridge(
    async (method, payload) => {
      calls.push([method, payload]);
      if (method === 'getSetupData') return { ok: false, error: { code: 'not_found', message: 'No such thing.' } };
      return { ok: true, value: `${method}-value` };
    },
    (event, listener) => {
      listener({ event });
      return () => {};
    },
  );
  assert.deepEqual(Object.keys(bridge).sort(), [...KIOSK_METHODS, 'on'].sort());
  assert.equal(await bridge.getSettings(), 'getSettings-value');
  await bridge.createSession({ candidateId: 'c', positionId: 'p', recordingConsent: true });
  assert.deepEqual(calls[1], ['createSession', { candidateId: 'c', positionId: 'p', recordingConsent: true }]);
  await assert.rejects(bridge.getSetupData(), (e: unknown) => e instanceof KioskError && e.code === 'not_found' && e.message === 'No such thing.');
  let seen: unknown;
  bridge.on('session', (p) => (seen = p));
  assert.deepEqual(seen, { event: 'session' });
  assert.throws(() => bridge.on('bogus' as 'session', () => {}), KioskError);
});

test('the preload variant rejects with a plain {name, code, message} object that toKioskError restores', async () => {
  const { plainErrorFactory, toKioskError } = await import('../../../preload/wire');
  const bridge = createBridge(async () => ({ ok: false, error: { code: 'realtime_unauthorized', message: 'Key rejected.' } }), () => () => {}, plainErrorFactory);
  const rejected = await bridge.getSettings().then(() => null, (e: unknown) => e);
  assert.deepEqual(rejected, { name: 'KioskError', code: 'realtime_unauthorized', message: 'Key rejected.' });
  const restored = toKioskError(rejected);
  assert.ok(restored instanceof KioskError);
  assert.equal(restored.code, 'realtime_unauthorized');
  assert.equal(toKioskError(new Error('x')).code, 'internal');
  assert.equal(toKioskError({ code: 'bogus', message: 'm' }).code, 'internal');
  // A transport failure is a KioskError too.
  const broken = createBridge(async () => { throw new Error('no handler'); }, () => () => {});
  await assert.rejects(broken.getSettings(), (e: unknown) => e instanceof KioskError && e.code === 'unreachable');
});

// The renderer's WebSocket bridge against a real `ws` server speaking the wire format of preload/wire.ts.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WebSocket as NodeWebSocket, WebSocketServer } from 'ws';
import { KioskError, type TranscriptEntryView } from '../../../preload/contract';
import { decodeWire, encodeWire } from '../../../preload/wire';
import { createWsBridge } from '../../../renderer/transport/ws-client';

describe('WebSocket KioskBridge', () => {
  let server: WebSocketServer;
  let url: string;
  const received: { method: string; payload: unknown }[] = [];

  before(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/kiosk' });
    await new Promise<void>((r) => server.once('listening', () => r()));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/kiosk`;
    server.on('connection', (socket) => {
      socket.on('message', (raw) => {
        const req = decodeWire(String(raw)) as { id: number; method: string; payload: unknown };
        received.push({ method: req.method, payload: req.payload });
        if (req.method === 'getSettings') {
          socket.send(encodeWire({ id: req.id, result: { ok: true, value: { practiceMode: true } } }));
        } else if (req.method === 'startCall') {
          socket.send(encodeWire({ id: req.id, result: { ok: false, error: { code: 'realtime_unauthorized', message: 'The OpenAI API key was rejected.' } } }));
        } else if (req.method === 'appendRecordingChunk') {
          const data = (req.payload as { data: Uint8Array }).data;
          socket.send(encodeWire({ id: req.id, result: { ok: true, value: { bytes: data.length } } }));
        } else if (req.method === 'getSetupData') {
          // Push an event, then drop the connection without answering.
          socket.send(encodeWire({ event: 'transcript', payload: { sessionId: 's1', entries: [] } }));
          socket.send('not json at all');
          socket.send(encodeWire({ event: 'nonsense', payload: 1 }));
          setTimeout(() => socket.terminate(), 20);
        }
      });
    });
  });
  after(async () => {
    for (const c of server.clients) c.terminate();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('answers requests, throws KioskError in words, carries bytes, pushes events, and reconnects after a drop', async () => {
    const bridge = createWsBridge({ url, WebSocketImpl: NodeWebSocket as unknown as typeof WebSocket, replyTimeoutMs: 5000, connectTimeoutMs: 5000 });
    const link: boolean[] = [];
    bridge.onLinkChange((up) => link.push(up));
    try {
      assert.deepEqual(await bridge.getSettings(), { practiceMode: true });
      assert.deepEqual(link, [true], 'the link is reported up once the socket opens');

      const err = await bridge.startCall({ sessionId: 's1', offerSdp: 'v=0' }).then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(err instanceof KioskError);
      assert.equal(err.code, 'realtime_unauthorized');
      assert.equal(err.message, 'The OpenAI API key was rejected.');

      const data = new Uint8Array([0, 1, 2, 250, 255]);
      assert.deepEqual(await bridge.appendRecordingChunk({ sessionId: 's1', seq: 0, data }), { bytes: 5 });
      const sent = received.find((r) => r.method === 'appendRecordingChunk')!.payload as { data: unknown };
      assert.ok(sent.data instanceof Uint8Array);
      assert.deepEqual([...sent.data], [0, 1, 2, 250, 255]);

      const pushes: { sessionId: string; entries: TranscriptEntryView[] }[] = [];
      const off = bridge.on('transcript', (p) => pushes.push(p));
      // The server pushes, then drops this connection: the in-flight request fails in words…
      await assert.rejects(bridge.getSetupData(), (e: unknown) => e instanceof KioskError && e.code === 'unreachable' && /connection to the kiosk service was lost/.test(e.message));
      assert.equal(pushes.length, 1);
      assert.equal(pushes[0]!.sessionId, 's1');
      off();
      // …and the next request goes through a new connection; the link was seen going down and up again.
      assert.deepEqual(await bridge.getSettings(), { practiceMode: true });
      assert.deepEqual(link, [true, false, true]);
      assert.throws(() => bridge.on('nonsense' as 'transcript', () => {}), KioskError);
    } finally {
      bridge.close();
    }
  });

  it('fails in words when the service cannot be reached', async () => {
    const bridge = createWsBridge({ url: 'ws://127.0.0.1:1/kiosk', WebSocketImpl: NodeWebSocket as unknown as typeof WebSocket, connectTimeoutMs: 300 });
    try {
      await assert.rejects(bridge.getSettings(), (e: unknown) => e instanceof KioskError && e.code === 'unreachable' && /cannot be reached/.test(e.message));
    } finally {
      bridge.close();
    }
  });
});

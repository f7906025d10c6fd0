// A loaded kiosk makes werift's DTLS server repeat its HelloVerifyRequest before the client's answer arrives.
// Reproduced deterministically: the process stalls for 0.7 s right after the first HelloVerifyRequest is sent, so
// the server's 0.5 s retransmission timer fires before the client has read the first copy, and the client gets
// two. Unpatched werift fails the connection on the second (scripts/patch-werift.mjs); the call must still open.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { startEmulator, type EmulatorHandle } from '../../main/simulator/index';
import { connectClient, type RealtimeTestClient } from './support';

const KEY = 'sk-test-dtls';
let emu: EmulatorHandle | null = null;
let client: RealtimeTestClient | null = null;
after(async () => {
  await client?.close();
  await emu?.close();
});

/** DTLS record (content type 22 = handshake) whose first handshake message is HelloVerifyRequest (type 3). */
function isHelloVerifyRequest(buf: Buffer): boolean {
  return buf.length > 13 && buf[0] === 22 && buf[1] === 0xfe && buf[13] === 3;
}

test('a repeated HelloVerifyRequest (server retransmission under load) does not fail the call', async () => {
  emu = await startEmulator({ apiKey: KEY });
  const original = dgram.Socket.prototype.send;
  let stalls = 0;
  let helloVerifies = 0;
  dgram.Socket.prototype.send = function (this: dgram.Socket, ...args: unknown[]) {
    const msg = args[0];
    const result = (original as (...a: unknown[]) => void).apply(this, args);
    if (Buffer.isBuffer(msg) && isHelloVerifyRequest(msg)) {
      helloVerifies++;
      if (stalls === 0) {
        stalls++;
        const until = Date.now() + 700; // a stalled event loop, as on a busy machine
        while (Date.now() < until) { /* spin */ }
      }
    }
    return result;
  } as typeof dgram.Socket.prototype.send;
  try {
    client = await connectClient({ baseUrl: emu.baseUrl, apiKey: KEY, session: { type: 'realtime', model: 'gpt-realtime' } });
  } finally {
    dgram.Socket.prototype.send = original;
  }
  assert.equal(stalls, 1, 'the stall was armed by a HelloVerifyRequest');
  assert.ok(helloVerifies >= 2, `the server repeated its HelloVerifyRequest (${helloVerifies} sent)`);
  assert.equal(client.events[0]?.type, 'session.created');
});

// The emulator spaces its SCTP packets (main/simulator/peer.ts, paceSctpPackets): a burst handed to werift's
// transport at once leaves it in order, at least SCTP_PACKET_GAP_MS apart, and a failed send does not stop the rest.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { paceSctpPackets, SCTP_PACKET_GAP_MS } from '../../main/simulator/peer';

test('a burst of SCTP packets leaves in order, spaced, and past a failed send', async () => {
  const sent: { n: number; at: number }[] = [];
  const transport = {
    send: async (packet: Buffer) => {
      const n = packet.readUInt8(0);
      if (n === 2) throw new Error('socket closing');
      sent.push({ n, at: performance.now() });
    },
  };
  paceSctpPackets({ transport });
  const results = await Promise.allSettled([0, 1, 2, 3, 4, 5].map((n) => transport.send(Buffer.from([n]))));
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
  assert.deepEqual(sent.map((s) => s.n), [0, 1, 3, 4, 5]);
  for (let i = 1; i < sent.length; i++) {
    assert.ok(sent[i]!.at - sent[i - 1]!.at >= SCTP_PACKET_GAP_MS - 0.05, `packet ${sent[i]!.n} left ${sent[i]!.at - sent[i - 1]!.at} ms after the one before`);
  }
});

test('an association without the transport werift is expected to have is left alone', () => {
  assert.doesNotThrow(() => paceSctpPackets({}));
  assert.doesNotThrow(() => paceSctpPackets(undefined));
});

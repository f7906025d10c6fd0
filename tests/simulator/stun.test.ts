// The loopback STUN responder, read back by werift's own STUN client (not by our parser), and the proof that a
// werift peer built from loopbackPeerConfig asks it and nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dns from 'node:dns';
import { getGlobalIp, RTCPeerConnection } from 'werift';
import { loopbackPeerConfig } from '../../main/simulator/peer';
import { bindingResponse, loopbackStunUrl } from '../../main/simulator/stun';

test('werift\'s STUN client gets its own 127.0.0.1 address and port back from the responder', async () => {
  const url = await loopbackStunUrl();
  const port = Number(/^stun:127\.0\.0\.1:(\d+)$/.exec(url)?.[1]);
  assert.ok(port > 0, url);
  const mapped = await getGlobalIp(['127.0.0.1', port], { udp4: '127.0.0.1' });
  assert.equal(mapped, '127.0.0.1');
  assert.equal(await loopbackStunUrl(), url, 'one responder per process');
});

test('anything but a Binding request with the magic cookie gets no answer', () => {
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0);
  request.writeUInt32BE(0x2112a442, 4);
  assert.ok(bindingResponse(request, '127.0.0.1', 5000));
  assert.equal(bindingResponse(request.subarray(0, 19), '127.0.0.1', 5000), null, 'short');
  const noCookie = Buffer.from(request);
  noCookie.writeUInt32BE(0, 4);
  assert.equal(bindingResponse(noCookie, '127.0.0.1', 5000), null, 'RFC 3489 request');
  const indication = Buffer.from(request);
  indication.writeUInt16BE(0x0011, 0);
  assert.equal(bindingResponse(indication, '127.0.0.1', 5000), null, 'indication');
  assert.equal(bindingResponse(request, '::1', 5000), null, 'not IPv4');
});

test('a werift peer with loopbackPeerConfig looks up no host name while gathering', async () => {
  const looked: string[] = [];
  const original = dns.promises.lookup;
  (dns.promises as { lookup: unknown }).lookup = (host: string, ...rest: unknown[]) => {
    looked.push(host);
    return (original as (...a: unknown[]) => unknown)(host, ...rest);
  };
  const pc = new RTCPeerConnection(loopbackPeerConfig(await loopbackStunUrl()));
  try {
    pc.createDataChannel('oai-events');
    await pc.setLocalDescription(await pc.createOffer());
    const sdp = pc.localDescription!.sdp;
    const hosts = sdp.split('\r\n').filter((l) => l.startsWith('a=candidate:')).map((l) => l.split(' ')[4]);
    assert.ok(hosts.length > 0, 'gathered something');
    assert.deepEqual([...new Set(hosts)], ['127.0.0.1']);
    assert.deepEqual(looked.filter((h) => h !== '127.0.0.1'), [], 'no name looked up (werift\'s default STUN host is one)');
  } finally {
    (dns.promises as { lookup: unknown }).lookup = original;
    await pc.close();
  }
});

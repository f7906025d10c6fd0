// A STUN Binding responder on 127.0.0.1 for the emulator's werift peers and the tests' werift peers.
// Why it exists: werift always gathers a server-reflexive candidate, and when no STUN server is configured it
// falls back to a public one (node_modules/werift/lib/index.mjs, Connection constructor: `validateAddress(stunServer)
// ?? ["stun.l.google.com", 19302]`). That sends every practice call's packets off the machine and, on a network
// that drops them, holds each non-trickle answer for werift's 5 s gathering timeout (seen in CI: the first call
// of a run never opened its data channel). Pointing werift at this responder keeps every packet on 127.0.0.1.
// Wire format: RFC 5389 §6 (header, magic cookie 0x2112A442) and §15.2 (XOR-MAPPED-ADDRESS).
import { createSocket, type Socket } from 'node:dgram';

const MAGIC_COOKIE = 0x2112a442;
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
const XOR_MAPPED_ADDRESS = 0x0020;

/** The Binding success response to a Binding request from `address:port`, or null for anything else. Pure. */
export function bindingResponse(request: Buffer, address: string, port: number): Buffer | null {
  if (request.length < 20 || request.readUInt16BE(0) !== BINDING_REQUEST || request.readUInt32BE(4) !== MAGIC_COOKIE) return null;
  const octets = address.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return null;
  const out = Buffer.alloc(20 + 12);
  out.writeUInt16BE(BINDING_SUCCESS, 0);
  out.writeUInt16BE(12, 2); // one attribute: 4-byte header + 8-byte IPv4 value
  out.writeUInt32BE(MAGIC_COOKIE, 4);
  request.copy(out, 8, 8, 20); // transaction id
  out.writeUInt16BE(XOR_MAPPED_ADDRESS, 20);
  out.writeUInt16BE(8, 22);
  out.writeUInt8(0, 24);
  out.writeUInt8(0x01, 25); // IPv4
  out.writeUInt16BE(port ^ (MAGIC_COOKIE >>> 16), 26);
  out.writeUInt32BE((((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) ^ MAGIC_COOKIE) >>> 0, 28);
  return out;
}

let shared: Promise<{ port: number; socket: Socket }> | null = null;

/** The `stun:` URL of this process's loopback responder, started on first use. Its socket is unref'd: it never
 * keeps a process alive, and it lives as long as the process (every peer in it may use it). */
export async function loopbackStunUrl(): Promise<string> {
  shared ??= new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.on('message', (msg, rinfo) => {
      const reply = bindingResponse(msg, rinfo.address, rinfo.port);
      if (reply) socket.send(reply, rinfo.port, rinfo.address);
    });
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.unref();
      resolve({ port: socket.address().port, socket });
    });
  });
  return `stun:127.0.0.1:${(await shared).port}`;
}

// Transcript entry ids: a UUID (version 5, name-based SHA-1) of the session id and the Realtime item id.
// Deterministic on purpose: replaying the same events after a restart yields the same row ids, so every upload
// to the backend stays an idempotent upsert and nothing is duplicated.
import { createHash } from 'node:crypto';

// A fixed namespace for this app (itself a random v4 UUID, chosen once).
const NAMESPACE = Buffer.from('6f1c2a4e9b7d4c1e8a3f5d2b7c9e0a14', 'hex');

export function entryIdFor(sessionId: string, itemId: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(`${sessionId}\u0000${itemId}`, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50; // version 5
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

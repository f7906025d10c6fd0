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

/** Items the kiosk creates for the candidate's controls (a note to the interviewer): `ctl_` + 16 hex digits. An
 * interviewer line right after one answers the control (a repeat, "take your time") and is no new question. */
export const CONTROL_ITEM_PREFIX = 'ctl_';
/** A typed answer's user text item: `typed_` + 16 hex digits (within the service's 32-character item ids). */
export const TYPED_ITEM_PREFIX = 'typed_';

// Serving a recording to the review page's media element: a capability URL (an HMAC of the session id with a
// per-process secret, handed out only by the operator-gated review API) and HTTP range requests (RFC 9110 §14),
// which media elements use to seek. Both hosts (Electron's app:// protocol, the web host) use these. Pure apart
// from the secret.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const MEDIA_PREFIX = '/media/recordings/';

export function createMediaTokens(secret: Buffer = randomBytes(32)) {
  const sign = (sessionId: string) => createHmac('sha256', secret).update(sessionId).digest('base64url');
  return {
    url(sessionId: string): string {
      return `${MEDIA_PREFIX}${sessionId}.webm?t=${sign(sessionId)}`;
    },
    /** The session id of a valid media path + token, else null. */
    check(pathname: string, token: string | null): string | null {
      const m = /^\/media\/recordings\/([0-9a-fA-F-]{36})\.webm$/.exec(pathname);
      if (!m || !token) return null;
      const want = Buffer.from(sign(m[1]!));
      const got = Buffer.from(token);
      return want.length === got.length && timingSafeEqual(want, got) ? m[1]! : null;
    },
  };
}

export type MediaTokens = ReturnType<typeof createMediaTokens>;

export type RangeResult = { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

/** One byte range of `Range: bytes=…` (multiple ranges are answered with the whole file, which RFC 9110 allows). */
export function parseRange(header: string | null | undefined, size: number): RangeResult {
  if (!header) return { kind: 'full' };
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'full' }; // unknown unit or several ranges: ignore (§14.2)
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}

/** Status and headers for a range result (the body is the caller's stream of [start, end]). */
export function rangeHeaders(range: RangeResult, size: number): { status: number; headers: Record<string, string> } {
  const base = { 'Accept-Ranges': 'bytes', 'Content-Type': 'audio/webm', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
  if (range.kind === 'unsatisfiable') return { status: 416, headers: { ...base, 'Content-Range': `bytes */${size}`, 'Content-Length': '0' } };
  if (range.kind === 'full') return { status: 200, headers: { ...base, 'Content-Length': String(size) } };
  return {
    status: 206,
    headers: { ...base, 'Content-Range': `bytes ${range.start}-${range.end}/${size}`, 'Content-Length': String(range.end - range.start + 1) },
  };
}

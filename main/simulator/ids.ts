import { randomBytes } from 'node:crypto';

/** OpenAI-style ids: a prefix (sess_, item_, resp_, call_, rtc_, ek_, event_, conv_) and 22 random characters. */
export function newId(prefix: string, length = 22): string {
  return prefix + randomBytes(length).toString('base64url').replace(/[-_]/g, 'x').slice(0, length);
}

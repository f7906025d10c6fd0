// The one way main writes a small private file (settings, secrets, credentials, the operator lock): a temp file
// in the same directory, written and fsynced, narrowed to owner-only, then renamed over the target, so a crash
// leaves either the old file or the new one, never half of one, and never a moment with wider permissions.
import { chmodSync, closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';

/** Owner read/write only. */
export const PRIVATE_FILE_MODE = 0o600;

export function writeFileAtomic(file: string, data: string | Uint8Array, mode: number = PRIVATE_FILE_MODE): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, mode); // the umask may have narrowed it, or the temp file pre-existed with other bits
  renameSync(tmp, file);
}

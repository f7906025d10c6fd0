// Where the operator-lock record lives: one 0600 file in the data dir, written atomically. Electron passes a
// codec that encrypts it with safeStorage; the web host stores it as JSON (the PIN is only ever a scrypt hash).
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../files/atomic';
import { join } from 'node:path';
import { parseLockRecord, type LockRecord, type LockRecordStore } from './lock';

export const OPERATOR_LOCK_FILE = 'operator-lock.json';

export interface RecordCodec {
  encode(text: string): Buffer;
  decode(data: Buffer): string;
}

const plainCodec: RecordCodec = { encode: (t) => Buffer.from(t, 'utf8'), decode: (b) => b.toString('utf8') };

/**
 * A record that matches no PIN: what an unreadable file turns into. Failing closed matters: treating a damaged
 * file as "no PIN" would let anyone at a kiosk choose a new PIN. The operator resets it by deleting the file.
 */
export const UNREADABLE_RECORD: LockRecord = {
  pin: { v: 1, algo: 'scrypt', N: 2, r: 1, p: 1, keyLen: 32, salt: '', hash: '' },
  failures: 0,
  lockouts: 0,
  lockedUntil: null,
};

export function fileLockRecordStore(dir: string, options: { codec?: RecordCodec; log?: (line: string) => void; file?: string } = {}): LockRecordStore {
  const file = join(dir, options.file ?? OPERATOR_LOCK_FILE);
  const codec = options.codec ?? plainCodec;
  return {
    load() {
      if (!existsSync(file)) return null;
      try {
        const parsed = parseLockRecord(JSON.parse(codec.decode(readFileSync(file))));
        if (parsed) return parsed;
        options.log?.(`${file} is malformed; the operator lock stays closed until that file is deleted`);
      } catch (error) {
        options.log?.(`${file} could not be read (${error instanceof Error ? error.message : String(error)}); the operator lock stays closed until that file is deleted`);
      }
      return structuredClone(UNREADABLE_RECORD);
    },
    save(record) {
      writeFileAtomic(file, codec.encode(JSON.stringify(record)));
    },
  };
}

// Test helper: the web host on a random loopback port with a fresh temp data dir, cleaned up by close().
//   const host = await startTestWebHost({ emulator: { userTranscripts, faults, candidates: 'loopback' } });
//   … host.url, host.core, host.emulator(), host.dataDir, host.dbFile …
//   await host.close();
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provisionOperatorPin } from '../../main/core/operator/provision';
import { fileLockRecordStore } from '../../main/core/operator/store';
import { DATABASE_FILE, startWebHost, type WebHost, type WebHostOptions } from '../../main/web/host';

export interface TestWebHost extends WebHost {
  dataDir: string;
  dbFile: string;
  /** Lines the host logged (for assertions and for printing on failure). */
  logs: string[];
}

export interface TestWebHostOptions extends Partial<WebHostOptions> {
  /** Provision this operator PIN before the start, as an administrator does with --set-operator-pin. */
  operatorPin?: string;
}

export async function startTestWebHost({ operatorPin, ...options }: TestWebHostOptions = {}): Promise<TestWebHost> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kiosk-webhost-'));
  if (operatorPin) await provisionOperatorPin(fileLockRecordStore(dataDir), operatorPin);
  const logs: string[] = [];
  const host = await startWebHost({
    port: 0,
    ...options,
    dataDir,
    emulator: { candidates: 'loopback', ...options.emulator },
    log: (line) => {
      logs.push(line);
      options.log?.(line);
    },
  });
  return {
    ...host,
    dataDir,
    dbFile: join(dataDir, DATABASE_FILE),
    logs,
    async close() {
      await host.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

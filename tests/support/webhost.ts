// Test helper: the web host on a random loopback port with a fresh temp data dir, cleaned up by close().
//   const host = await startTestWebHost({ emulator: { userTranscripts, faults, candidates: 'loopback' } });
//   … host.url, host.core, host.emulator(), host.dataDir, host.dbFile …
//   await host.close();
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATABASE_FILE, startWebHost, type WebHost, type WebHostOptions } from '../../main/web/host';

export interface TestWebHost extends WebHost {
  dataDir: string;
  dbFile: string;
  /** Lines the host logged (for assertions and for printing on failure). */
  logs: string[];
}

export async function startTestWebHost(options: Partial<WebHostOptions> = {}): Promise<TestWebHost> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kiosk-webhost-'));
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

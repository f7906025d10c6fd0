// `npm run dev:web [-- --port N --data-dir DIR]`: the kiosk in a browser, on this machine only.
// Test harnesses (tests/recovery) also pass `--emulator-json '{…}'` (practice-emulator options: userTranscripts,
// faults, sessionLimitMs) and `--recovery-json '{…}'` (reconnect/rollover tuning), and `--practice`.
// The printed address carries this start's socket token in its fragment; open exactly that address. A supervisor
// that restarts the host under an open page may hand the same token in KIOSK_WEB_TOKEN (an environment variable,
// which other users cannot read, unlike the command line).
import { resolve } from 'node:path';
import { startWebHost, type WebHostOptions } from './host';

function jsonObject(flag: string, text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${flag} must be JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${flag} must be a JSON object`);
  return value as Record<string, unknown>;
}

function parseArgs(argv: string[]): { port: number; dataDir: string; emulator?: WebHostOptions['emulator']; recovery?: WebHostOptions['recovery']; practiceMode?: boolean } {
  let port = 5180;
  let dataDir = '.kiosk-data';
  let emulator: WebHostOptions['emulator'] | undefined;
  let recovery: WebHostOptions['recovery'] | undefined;
  let practiceMode: boolean | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--port' && value !== undefined) {
      port = Number(value);
      i++;
    } else if (flag === '--data-dir' && value !== undefined) {
      dataDir = value;
      i++;
    } else if (flag === '--emulator-json' && value !== undefined) {
      emulator = jsonObject(flag, value) as WebHostOptions['emulator'];
      i++;
    } else if (flag === '--recovery-json' && value !== undefined) {
      recovery = jsonObject(flag, value) as WebHostOptions['recovery'];
      i++;
    } else if (flag === '--practice') {
      practiceMode = true;
    } else {
      throw new Error(`Unknown argument ${flag}. Usage: serve.ts [--port N] [--data-dir DIR] [--practice] [--emulator-json JSON] [--recovery-json JSON]`);
    }
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535, not ${port}`);
  return {
    port,
    dataDir: resolve(dataDir),
    ...(emulator ? { emulator } : {}),
    ...(recovery ? { recovery } : {}),
    ...(practiceMode ? { practiceMode } : {}),
  };
}

const args = parseArgs(process.argv.slice(2));
const token = process.env.KIOSK_WEB_TOKEN || undefined;
const host = await startWebHost({ ...args, ...(token ? { token } : {}), log: (line) => console.log(`[kiosk] ${line}`) });
console.log(`Kiosk web host: ${host.pageUrl}  (data: ${args.dataDir})`);
const stop = () => {
  void host.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

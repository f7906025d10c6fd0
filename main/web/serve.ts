// `npm run dev:web [-- --port N --data-dir DIR --kiosk]`: the kiosk in a browser, on this machine only.
// `… --data-dir DIR --set-operator-pin` asks for the operator PIN in the terminal, stores its hash and exits.
// Test harnesses (tests/recovery) also pass `--emulator-json '{…}'` (practice-emulator options: userTranscripts,
// faults, sessionLimitMs) and `--recovery-json '{…}'` (reconnect/rollover tuning), and `--practice`.
// The printed address carries this start's socket token in its fragment; open exactly that address. A supervisor
// that restarts the host under an open page may hand the same token in KIOSK_WEB_TOKEN (an environment variable,
// which other users cannot read, unlike the command line).
import { resolve } from 'node:path';
import { provisionOperatorPin, readNewPin } from '../core/operator/provision';
import { fileLockRecordStore } from '../core/operator/store';
import { startWebHost, type WebHostOptions } from './host';
import { makePrivateDir } from './private-dir';

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

interface Args {
  port: number;
  dataDir: string;
  emulator?: WebHostOptions['emulator'];
  recovery?: WebHostOptions['recovery'];
  practiceMode?: boolean;
  kioskMode?: boolean;
  setOperatorPin?: boolean;
}

function parseArgs(argv: string[]): Args {
  let port = 5180;
  let dataDir = '.kiosk-data';
  let emulator: WebHostOptions['emulator'] | undefined;
  let recovery: WebHostOptions['recovery'] | undefined;
  let practiceMode: boolean | undefined;
  let kioskMode = false;
  let setOperatorPin = false;
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
    } else if (flag === '--kiosk') {
      kioskMode = true;
    } else if (flag === '--set-operator-pin') {
      setOperatorPin = true;
    } else {
      throw new Error(`Unknown argument ${flag}. Usage: serve.ts [--port N] [--data-dir DIR] [--kiosk] [--practice] [--emulator-json JSON] [--recovery-json JSON] | --data-dir DIR --set-operator-pin`);
    }
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535, not ${port}`);
  return {
    port,
    dataDir: resolve(dataDir),
    ...(emulator ? { emulator } : {}),
    ...(recovery ? { recovery } : {}),
    ...(practiceMode ? { practiceMode } : {}),
    ...(kioskMode ? { kioskMode } : {}),
    ...(setOperatorPin ? { setOperatorPin } : {}),
  };
}

const { setOperatorPin, ...args } = parseArgs(process.argv.slice(2));
if (setOperatorPin) {
  try {
    makePrivateDir(args.dataDir);
    await provisionOperatorPin(fileLockRecordStore(args.dataDir), await readNewPin(process.stdin, process.stdout));
    console.log(`Operator PIN set for ${args.dataDir}.`);
    process.exit(0);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
const token = process.env.KIOSK_WEB_TOKEN || undefined;
const host = await startWebHost({ ...args, ...(token ? { token } : {}), log: (line) => console.log(`[kiosk] ${line}`) });
console.log(`Kiosk web host: ${host.pageUrl}  (data: ${args.dataDir})`);
const stop = () => {
  void host.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

// `npm run dev:web [-- --port N --data-dir DIR]`: the kiosk in a browser, on this machine only.
import { resolve } from 'node:path';
import { startWebHost } from './host';

function parseArgs(argv: string[]): { port: number; dataDir: string } {
  let port = 5180;
  let dataDir = '.kiosk-data';
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--port' && value !== undefined) {
      port = Number(value);
      i++;
    } else if (flag === '--data-dir' && value !== undefined) {
      dataDir = value;
      i++;
    } else {
      throw new Error(`Unknown argument ${flag}. Usage: serve.ts [--port N] [--data-dir DIR]`);
    }
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535, not ${port}`);
  return { port, dataDir: resolve(dataDir) };
}

const args = parseArgs(process.argv.slice(2));
const host = await startWebHost({ ...args, log: (line) => console.log(`[kiosk] ${line}`) });
console.log(`Kiosk web host: ${host.url}  (data: ${args.dataDir})`);
const stop = () => {
  void host.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

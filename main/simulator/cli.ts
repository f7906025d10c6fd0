// `npm run simulator -- --port N [--key K] [--host H] [--all-candidates] [--quiet]`: runs the practice-mode
// Realtime emulator standalone and prints its base URL and key.
import { randomBytes } from 'node:crypto';
import { startEmulator } from './index';

function usage(message?: string): never {
  if (message) console.error(`simulator: ${message}`);
  console.error('usage: npm run simulator -- [--port N] [--key K] [--host 127.0.0.1] [--all-candidates] [--quiet]');
  process.exit(2);
}

const args = process.argv.slice(2);
let port = 0;
let key = `sk-practice-${randomBytes(12).toString('hex')}`;
let host = '127.0.0.1';
let candidates: 'loopback' | 'all' = 'loopback';
let quiet = false;
for (let i = 0; i < args.length; i++) {
  const arg = args[i]!;
  const value = () => args[++i] ?? usage(`${arg} needs a value`);
  if (arg === '--port') {
    port = Number(value());
    if (!Number.isInteger(port) || port < 0 || port > 65535) usage('--port must be an integer 0–65535');
  } else if (arg === '--key') key = value();
  else if (arg === '--host') host = value();
  else if (arg === '--all-candidates') candidates = 'all';
  else if (arg === '--quiet') quiet = true;
  else if (arg === '--help' || arg === '-h') usage();
  else usage(`unknown argument ${arg}`);
}
if (!key) usage('--key must not be empty');

const emulator = await startEmulator({ apiKey: key, host, port, candidates, log: quiet ? undefined : (line) => console.log(line) });
console.log(`Realtime emulator (practice mode) at ${emulator.baseUrl}\n  base URL: ${emulator.baseUrl}/v1\n  API key:  ${key}`);
const stop = async () => {
  await emulator.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

// `npm run simulator`: starts standalone, prints base URL and key, serves the API; bad arguments exit 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = ['--import', 'tsx', 'main/simulator/cli.ts'];

test('cli: prints base URL and key, answers client_secrets, stops on SIGTERM', async () => {
  const child = spawn(process.execPath, [...cli, '--port', '0', '--key', 'sk-cli-test', '--quiet'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    const baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no base URL printed: ${out}`)), 20_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /base URL: (http:\/\/127\.0\.0\.1:\d+)\/v1\n\s*API key: .*\n/.exec(out); // stdout may arrive in pieces
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    assert.match(out, /API key: {2}sk-cli-test/);
    const res = await fetch(`${baseUrl}/v1/realtime/client_secrets`, { method: 'POST', headers: { Authorization: 'Bearer sk-cli-test' }, body: '{}' });
    assert.equal(res.status, 200);
    assert.match(((await res.json()) as { value: string }).value, /^ek_/);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  assert.equal(child.exitCode, 0);
});

test('cli: bad arguments exit with status 2 and a message', () => {
  for (const args of [['--port', 'abc'], ['--bogus'], ['--key']]) {
    const r = spawnSync(process.execPath, [...cli, ...args], { cwd: root, encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, /usage: npm run simulator/);
  }
});

#!/usr/bin/env node
// `npm start`: build, make sure Electron's copy of better-sqlite3 exists, then launch Electron.
// The Electron binary itself is fetched by the `electron` package on first launch (it is not an install step,
// so `npm install` works offline).
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { electronSqliteBinding, root } from './electron-native.mjs';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(`Electron 45's launcher needs Node.js 22.12 or newer to download and start Electron; this is Node ${process.versions.node}.\n` +
    'Install a current Node.js LTS and run `npm start` again. (`npm test` and `npm run dev:web` work on Node 20.)');
  process.exit(1);
}

const step = (title, cmd, args) => {
  console.log(`\n> ${title}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
step('build', 'npm', ['run', '--silent', 'build']);
step('better-sqlite3 for Electron', process.execPath, ['scripts/prepare-electron-native.mjs']);

const require = createRequire(import.meta.url);
const electronBinary = require('electron'); // the path; downloads the binary on first use
const child = spawn(electronBinary, ['.', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, KIOSK_SQLITE_BINDING: electronSqliteBinding() },
});
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s));

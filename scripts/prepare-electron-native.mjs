#!/usr/bin/env node
// The two-ABI problem: node_modules/better-sqlite3 is compiled by `npm install` for Node (the tests run there).
// Electron embeds a different V8 and needs its own build. Rebuilding node_modules in place (what
// `electron-rebuild` does by default) would break `npm test` afterwards, so instead we compile a *copy* of the
// package's sources against Electron's headers into .cache/electron-native/electron-<version>/ and the Electron main
// process loads it through better-sqlite3's `nativeBinding` option. Node keeps node_modules' build; Electron keeps its
// own; neither ever overwrites the other. Runs from `npm start` and `npm run package`, never from install or test,
// so a failed header download cannot break `npm install` or `npm test`.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { electronNativeDir, electronSqliteBinding, electronVersion } from './electron-native.mjs';

const require = createRequire(import.meta.url);
const version = electronVersion();
const target = electronSqliteBinding(version);

if (existsSync(target) && !process.argv.includes('--force')) {
  console.log(`better-sqlite3 for Electron ${version}: ready (${target})`);
  process.exit(0);
}

const sourceDir = dirname(require.resolve('better-sqlite3/package.json'));
const work = join(electronNativeDir(version), 'build-src');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
for (const part of ['binding.gyp', 'src', 'deps', 'package.json']) cpSync(join(sourceDir, part), join(work, part), { recursive: true });

// node-gyp ships inside npm; find npm's own copy (npm_execpath is set when run through an npm script).
const npmDirs = [
  process.env.npm_execpath ? join(dirname(process.env.npm_execpath), '..') : null,
  join(dirname(process.execPath), '../lib/node_modules/npm'),
  join(dirname(process.execPath), 'node_modules/npm'),
].filter(Boolean);
const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: npmDirs });
// npm passes user config such as `nodedir` to scripts as npm_config_*; it would make node-gyp build against
// Node's headers instead of Electron's, so drop it for this build.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_(nodedir|target|runtime|disturl|dist_url)$/i.test(k)));
console.log(`Building better-sqlite3 for Electron ${version} (one time, ~2 minutes)…`);
const result = spawnSync(
  process.execPath,
  [nodeGyp, 'rebuild', '--release', `--target=${version}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'],
  { cwd: work, stdio: 'inherit', env },
);
if (result.status !== 0) {
  console.error(
    `\nCould not build better-sqlite3 for Electron ${version}: node-gyp needs Electron's headers (a download) and a C++ toolchain.\n` +
      'This does not affect `npm test` (which uses the Node build). Connect to the internet and run `npm start` again.',
  );
  process.exit(1);
}
mkdirSync(dirname(target), { recursive: true });
copyFileSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target);
rmSync(work, { recursive: true, force: true });
console.log(`better-sqlite3 for Electron ${version}: built (${target})`);

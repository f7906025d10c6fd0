// Where the Electron-ABI copy of better-sqlite3 lives. See scripts/prepare-electron-native.mjs and the README.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);

export function electronVersion() {
  return JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
}

export function electronNativeDir(version = electronVersion()) {
  return join(root, '.cache', 'electron-native', `electron-${version}`);
}

export function electronSqliteBinding(version = electronVersion()) {
  return join(electronNativeDir(version), 'better_sqlite3.node');
}

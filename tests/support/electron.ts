// Locates a runnable Electron binary for the `_electron` suite. The binary is downloaded by the `electron`
// package on first launch, which cannot happen on a machine without that download, so the suite reports itself
// skipped (by name, with this reason) where no binary exists.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export function findElectronBinary(): { path: string } | { missing: string } {
  const fromEnv = process.env.KIOSK_ELECTRON;
  if (fromEnv) return existsSync(fromEnv) ? { path: fromEnv } : { missing: `KIOSK_ELECTRON=${fromEnv} does not exist` };
  const pkgDir = dirname(require.resolve('electron/package.json'));
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return { missing: 'the Electron binary has not been downloaded (node_modules/electron/path.txt is absent; run `npm start` once on a machine with internet)' };
  const binary = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? { path: binary } : { missing: `the Electron binary ${binary} is missing` };
}

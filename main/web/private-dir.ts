// The web host's data directory holds transcripts, recordings and the OpenAI key in plain files: it is made 0700
// and everything already in it 0600 (directories 0700), so a data dir from an older run or a loose umask is
// closed too. New files are created private by the stores themselves (SQLite, recorder, settings, secrets).
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  tighten(dir);
}

function tighten(dir: string): void {
  chmodSync(dir, 0o700);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) continue; // never follow a link out of the data dir
    if (stat.isDirectory()) tighten(path);
    else chmodSync(path, 0o600);
  }
}

// Electronegativity (Doyensec's static checker for Electron misconfigurations) over main/ and preload/. Every
// finding must be in electronegativity-allow.json with a reason; an allow-list entry that no longer matches a
// finding fails too, so the list cannot silently rot. Inline `eng-disable` comments are not allowed: every
// suppression lives in that one file.
//
// It parses our TypeScript directly (its Babel parser handles TS 5 syntax such as `satisfies`), and the run
// must report no parse errors, so no file is silently skipped. Both folders are scanned as one tree because the
// global checks (navigation limits, permission handler) look across files. The check that fetches Electron's
// release list from the internet (AvailableSecurityFixesGlobalCheck) is excluded: this machine is offline and
// the Electron version is pinned in package.json.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const root = new URL('../..', import.meta.url).pathname;
const ELECTRON_VERSION = (require('electron/package.json') as { version: string }).version;

interface Finding {
  id: string;
  file: string;
  sample?: string;
  location: { line: number; column: number };
  severity: { name: string };
  confidence: { name: string };
}

interface ScanResult {
  issues: Finding[];
  errors: { file: string; message: string; tolerable: boolean }[];
  atomicChecks: number;
}

type Runner = (options: Record<string, unknown>, forCli: boolean) => Promise<ScanResult>;

async function scan(dir: string): Promise<ScanResult> {
  const run = require('@doyensec/electronegativity') as Runner;
  const quiet = console.log;
  console.log = () => {}; // it prints a locale notice on every run
  try {
    return await run(
      {
        input: dir,
        isRelative: true,
        electronVersionOverride: ELECTRON_VERSION,
        customScan: [],
        excludeFromScan: ['availablesecurityfixesglobalcheck'],
        parserPlugins: [],
      },
      false,
    );
  } finally {
    console.log = quiet;
  }
}

interface AllowEntry {
  id: string;
  file: string;
  sample: string;
  reason: string;
}

const allow = (JSON.parse(readFileSync(join(root, 'tests/security/electronegativity-allow.json'), 'utf8')) as { allow: AllowEntry[] }).allow;

const matches = (f: Finding, a: AllowEntry) => f.id === a.id && f.file === a.file && String(f.sample ?? '').includes(a.sample);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : /\.(ts|tsx|js|cjs|mjs)$/.test(name) ? [full] : [];
  });
}

describe('Electronegativity', () => {
  it('the scanner finds misconfigurations in a bad app (it can fail)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-eneg-bad-'));
    try {
      writeFileSync(
        join(dir, 'bad.ts'),
        "import { BrowserWindow } from 'electron';\n" +
          'const opts = { a: 1 } satisfies Record<string, number>;\n' +
          "const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, webSecurity: false } });\nw.loadURL('http://example.com');\n",
      );
      const r = await scan(dir);
      assert.deepEqual(r.errors, []);
      const ids = new Set(r.issues.map((i) => i.id));
      for (const id of ['NODE_INTEGRATION_JS_CHECK', 'CONTEXT_ISOLATION_JS_CHECK', 'WEB_SECURITY_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK']) {
        assert.ok(ids.has(id), `${id} in ${[...ids].join(', ')}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('main/ and preload/: every finding is allow-listed with a reason, and every allow-list entry is still needed', async () => {
    for (const a of allow) assert.ok(a.reason && a.reason.length > 40, `allow-list entry ${a.id} ${a.file} needs a real reason`);
    for (const file of [...sources(join(root, 'main')), ...sources(join(root, 'preload'))]) {
      assert.doesNotMatch(readFileSync(file, 'utf8'), /eng-disable/, `${file}: suppressions belong in electronegativity-allow.json`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-eneg-'));
    try {
      cpSync(join(root, 'main'), join(dir, 'main'), { recursive: true, filter: (p) => !p.endsWith('.d.ts') });
      cpSync(join(root, 'preload'), join(dir, 'preload'), { recursive: true, filter: (p) => !p.endsWith('.d.ts') });
      const r = await scan(dir);
      assert.deepEqual(r.errors, [], 'every file parsed');
      assert.ok(r.atomicChecks > 20, `ran ${r.atomicChecks} checks`);
      const unexplained = r.issues.filter((f) => !allow.some((a) => matches(f, a)));
      assert.deepEqual(
        unexplained.map((f) => `${f.id} ${f.file}:${f.location.line} ${String(f.sample ?? '').trim()} (${f.severity.name}/${f.confidence.name})`),
        [],
        'findings not in tests/security/electronegativity-allow.json',
      );
      const stale = allow.filter((a) => !r.issues.some((f) => matches(f, a)));
      assert.deepEqual(stale.map((a) => `${a.id} ${a.file}`), [], 'allow-list entries that match no finding any more: remove them');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

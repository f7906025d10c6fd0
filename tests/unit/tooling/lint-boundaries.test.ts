// The linter's import boundaries are live: a planted violation in each layer fails `npm run lint`'s config, the
// allowed forms pass, and `npm test` runs the lint.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const root = new URL('../../../', import.meta.url).pathname;
const eslint = new ESLint({ cwd: root });

/** Lints `code` as if it were the file at `path` (relative to the repo), with the repo's own config. */
async function problems(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  return result!.messages.map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('lint: import boundaries', () => {
  it('main/core may not import main/electron, main/web, the simulator at run time, or electron', async () => {
    assert.match((await problems('main/core/api/probe.ts', "import { registerIpc } from '../../electron/ipc';\nvoid registerIpc;\n")).join('\n'), /never imports main\/electron/);
    assert.match((await problems('main/core/probe.ts', "import { startWebHost } from '../web/host';\nvoid startWebHost;\n")).join('\n'), /never imports main\/electron or main\/web/);
    assert.match((await problems('main/core/api/probe.ts', "import { startEmulator } from '../../simulator/index';\nvoid startEmulator;\n")).join('\n'), /injected startEmulator/);
    assert.match((await problems('main/core/api/probe.ts', "import { app } from 'electron';\nvoid app;\n")).join('\n'), /plain Node/);
    assert.deepEqual(await problems('main/core/api/probe.ts', "import type { EmulatorOptions } from '../../simulator/index';\nexport type X = EmulatorOptions;\n"), [], 'simulator types are allowed');
  });

  it('the renderer may not import main/, Node built-ins, electron or zod', async () => {
    for (const [spec, words] of [
      ['../../main/core/api/service', /never imports main\//],
      ['node:fs', /no Node built-ins/],
      ['electron', /never imports electron/],
      ['zod', /zod stays main-side/],
    ] as const) {
      assert.match((await problems('renderer/screens/Probe.tsx', `import * as x from '${spec}';\nvoid x;\n`)).join('\n'), words, spec);
    }
    assert.deepEqual(await problems('renderer/screens/Probe.tsx', "import { KioskError } from '../../preload/contract';\nvoid KioskError;\n"), []);
  });

  it('only main/app.ts, main/electron/* and preload/index.ts import electron at run time', async () => {
    const code = "import { app } from 'electron';\nvoid app;\n";
    assert.deepEqual(await problems('main/app.ts', code), []);
    assert.deepEqual(await problems('main/electron/probe.ts', code), []);
    assert.deepEqual(await problems('preload/index.ts', code), []);
    assert.match((await problems('main/web/probe.ts', code)).join('\n'), /Only main\/app\.ts/);
    assert.match((await problems('preload/wire.ts', code)).join('\n'), /Only main\/app\.ts/);
    assert.deepEqual(await problems('main/web/probe.ts', "import type { App } from 'electron';\nexport type A = App;\n"), [], 'types are fine');
  });

  it('a violation planted in a real file makes the lint fail', async () => {
    const dir = mkdtempSync(join(root, 'main/core/.lint-probe-'));
    try {
      const file = join(dir, 'probe.ts');
      writeFileSync(file, "import { registerIpc } from '../../electron/ipc';\nvoid registerIpc;\n");
      const results = await eslint.lintFiles([file]);
      assert.equal(ESLint.getErrorResults(results).length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('npm test runs the lint', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.match(pkg.scripts.lint ?? '', /eslint .*main preload renderer/);
    assert.match(readFileSync(join(root, 'scripts/run-tests.mjs'), 'utf8'), /'run', '--silent', 'lint'/);
  });
});

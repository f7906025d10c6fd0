// The kiosk deployment instructions in README.md use the exit codes the app really exits with, so a supervisor
// configured from them never restarts an operator quit or ignores a crash.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { EXIT_CODES } from '../../../main/electron/kiosk';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('## Deploying as a kiosk'));

test('README "Deploying as a kiosk" matches EXIT_CODES (systemd and Shell Launcher)', () => {
  assert.ok(section.length > 1000, 'the section exists');
  const { operatorQuit, crash, startFailed, ok } = EXIT_CODES;
  assert.equal(new Set([operatorQuit, crash, startFailed, ok]).size, 4, 'distinct codes');
  for (const [code, words] of [[ok, 'closed normally'], [startFailed, 'could not start'], [operatorQuit, 'operator quit'], [crash, 'crashed']] as const) {
    assert.match(section, new RegExp(`\\| \\**${code}\\**\\s*\\|[^\\n]*${words}`), `table row for ${code}`);
  }
  assert.match(section, new RegExp(`RestartPreventExitStatus=${operatorQuit}\\b`));
  assert.match(section, /Restart=on-failure/);
  assert.match(section, new RegExp(`ReturnCode="${operatorQuit}" Action="DoNothing"`));
  assert.match(section, new RegExp(`ReturnCode="${crash}" Action="RestartShell"`));
  assert.match(section, new RegExp(`@\\(${operatorQuit}, ${crash}\\), @\\(3, 0\\)`));
  assert.match(section, /--kiosk --supervised/);
});

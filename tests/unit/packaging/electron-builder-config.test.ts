// electron-builder.yml is validated here with electron-builder's own loader and JSON-schema check, so a broken
// packaging config fails `npm test` even on machines where packaging cannot run.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const require = createRequire(import.meta.url);
const root = new URL('../../..', import.meta.url).pathname;
type Config = Record<string, any>;
// electron-builder logs ("• loaded configuration …") to stdout, which the test runner's child uses for its own
// serialized reports; interleaved, they fail with "Unable to deserialize cloned data". Its logger writes to a
// `stream` field (its printer hook covers only some lines), so point that stream at stderr.
(require('builder-util/out/log.js') as { log: { stream: NodeJS.WritableStream } }).log.stream = process.stderr;
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig: (projectDir: string, configPath: string | null, configFromOptions: Config | null) => Promise<Config>;
  validateConfiguration: (config: Config, debugLogger: { isEnabled: boolean; add: () => void }) => Promise<void>;
};
const logger = { isEnabled: false, add: () => {} };
const load = () => getConfig(root, null, null);

test('electron-builder.yml passes electron-builder schema validation', async () => {
  await validateConfiguration(await load(), logger);
});

test('the validator rejects a misspelt option (the check above can fail)', async () => {
  const broken = { ...(await load()), asarr: true };
  await assert.rejects(validateConfiguration(broken, logger), /asarr|additional/i);
});

test('installers for every desktop platform, with the microphone usage description on macOS', async () => {
  const config = await load();
  assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
  assert.deepEqual(config.win.target, ['nsis']);
  assert.deepEqual(config.mac.target, ['dmg']);
  assert.match(config.mac.extendInfo.NSMicrophoneUsageDescription, /microphone/i);
});

test('asar with native modules unpacked, and the Electron-ABI better-sqlite3 shipped, not rebuilt in place', async () => {
  const config = await load();
  assert.equal(config.asar, true);
  assert.deepEqual(config.asarUnpack, ['**/*.node'], 'only native binaries leave the archive');
  assert.equal(config.npmRebuild, false);
  assert.ok(config.extraResources.some((r: Config) => r.from === '.cache/electron-native' && r.to === 'native'));
});

test('Electron fuses lock down release builds', async () => {
  const fuses = (await load()).electronFuses;
  assert.deepEqual(fuses, {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  });
});

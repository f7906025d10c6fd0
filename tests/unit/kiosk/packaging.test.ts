// The kiosk's packaging requirements in electron-builder.yml, read with electron-builder's own loader (so this
// runs where packaging cannot): macOS entitlements with microphone input under the hardened runtime, and
// better-sqlite3 unpacked from the asar archive. The schema check of the whole file is in
// tests/unit/packaging/electron-builder-config.test.ts.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';

const require = createRequire(import.meta.url);
const root = new URL('../../..', import.meta.url).pathname;
type Config = Record<string, any>;
// electron-builder logs ("• loaded configuration …") to stdout, which the test runner's child uses for its own
// serialized reports; interleaved, they intermittently fail with "Unable to deserialize cloned data". Keep its
// log lines on stderr instead.
(require('builder-util/out/log.js') as { setPrinter(p: ((message: string) => void) | null): void }).setPrinter((m) => void process.stderr.write(m));
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig: (projectDir: string, configPath: string | null, configFromOptions: Config | null) => Promise<Config>;
  validateConfiguration: (config: Config, debugLogger: { isEnabled: boolean; add: () => void }) => Promise<void>;
};

/** The <key>…</key><true/> pairs of a plist dict (enough for an entitlements file). */
function trueKeys(plist: string): string[] {
  return [...plist.matchAll(/<key>([^<]+)<\/key>\s*<true\/>/g)].map((m) => m[1]!);
}

test('macOS: hardened runtime with entitlements that allow microphone input (and nothing more than V8 needs)', async () => {
  const config = await getConfig(root, null, null);
  await validateConfiguration(config, { isEnabled: false, add: () => {} });
  assert.equal(config.mac.hardenedRuntime, true);
  for (const key of ['entitlements', 'entitlementsInherit']) {
    const file = join(root, config.mac[key]);
    assert.ok(existsSync(file), `${key}: ${file} exists`);
    const plist = readFileSync(file, 'utf8');
    assert.match(plist, /<!DOCTYPE plist/);
    assert.deepEqual(trueKeys(plist).sort(), [
      'com.apple.security.cs.allow-jit',
      'com.apple.security.cs.allow-unsigned-executable-memory',
      'com.apple.security.device.audio-input',
    ]);
  }
  assert.match(config.mac.extendInfo.NSMicrophoneUsageDescription, /microphone/);
});

test('only native binaries are unpacked from the asar archive, and the Electron better-sqlite3 ships as a resource', async () => {
  const config = await getConfig(root, null, null);
  assert.equal(config.asar, true);
  assert.deepEqual(config.asarUnpack, ['**/*.node']);
  const native = config.extraResources.find((r: Config) => r.to === 'native');
  assert.deepEqual(native?.filter, ['**/better_sqlite3.node']);
  // main/app.ts looks for it where extraResources puts it.
  assert.match(readFileSync(join(root, 'main/app.ts'), 'utf8'), /resourcesPath[^\n]+'native', `electron-\$\{process\.versions\.electron\}`/);
});

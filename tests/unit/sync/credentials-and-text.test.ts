// Device credential stores (0600 file, safeStorage with a fake, damaged files), the backend settings sanitizer,
// the dispatcher's checks of the new requests, and the operator screen's words.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SyncStatus } from '../../../preload/contract';
import { REQUEST_SCHEMAS } from '../../../main/core/api/schemas';
import {
  CredentialStorageUnavailable,
  fileCredentialStore,
  PLAINTEXT_CREDENTIALS_FILE,
  safeStorageCredentialStore,
  type DeviceCredentials,
} from '../../../main/core/settings/credentials';
import { sanitizeSettings } from '../../../main/core/settings/file-stores';
import { kindLabel, syncSummary, uploadProgressText, whenText } from '../../../renderer/screens/Operator';

const CREDS: DeviceCredentials = { supabaseUrl: 'https://p.supabase.co', email: 'kiosk@x.test', userId: 'u1', tenantId: 't1', refreshToken: 'rt-secret-123' };

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kiosk-creds-'));
}

test('file credential store: 0600, round trip, damaged file = signed out, clear', () => {
  const dir = tempDir();
  try {
    const store = fileCredentialStore(dir);
    assert.equal(store.get(), null);
    store.set(CREDS);
    const file = join(dir, PLAINTEXT_CREDENTIALS_FILE);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(store.get(), CREDS);
    writeFileSync(file, '{not json');
    assert.equal(store.get(), null);
    writeFileSync(file, JSON.stringify({ ...CREDS, refreshToken: '' }));
    assert.equal(store.get(), null, 'an empty token is no token');
    store.clear();
    assert.equal(store.get(), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('safeStorage credential store: encrypted at rest, refuses to store without a keyring, undecryptable = signed out', () => {
  const dir = tempDir();
  try {
    const fake = {
      available: true,
      isEncryptionAvailable() { return this.available; },
      encryptString: (s: string) => Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ 0x5a)),
      decryptString: (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8'),
    };
    const file = join(dir, 'device.bin');
    const logs: string[] = [];
    const store = safeStorageCredentialStore(fake, file, (l) => logs.push(l));
    store.set(CREDS);
    assert.ok(!readFileSync(file).toString('utf8').includes('rt-secret-123'), 'the token is not in clear text');
    assert.deepEqual(store.get(), CREDS);
    writeFileSync(file, Buffer.from([1, 2, 3]));
    assert.equal(store.get(), null);
    assert.equal(logs.length, 1);
    fake.available = false;
    assert.throws(() => store.set(CREDS), CredentialStorageUnavailable);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('settings keep well-formed backend fields only', () => {
  const ok = sanitizeSettings({ supabaseUrl: 'https://p.supabase.co', supabaseAnonKey: 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.sig' });
  assert.equal(ok.supabaseUrl, 'https://p.supabase.co');
  assert.ok(ok.supabaseAnonKey);
  const bad = sanitizeSettings({ supabaseUrl: 'javascript:alert(1)', supabaseAnonKey: 'short' });
  assert.equal(bad.supabaseUrl, undefined);
  assert.equal(bad.supabaseAnonKey, undefined);
});

test('dispatcher schemas for the sync requests accept good input and refuse bad input', () => {
  const cfg = REQUEST_SCHEMAS.configureBackend;
  assert.deepEqual(cfg.parse({ supabaseUrl: 'https://p.supabase.co/', anonKey: 'a'.repeat(40) }), { supabaseUrl: 'https://p.supabase.co', anonKey: 'a'.repeat(40) });
  assert.ok(cfg.safeParse({ supabaseUrl: 'http://127.0.0.1:5432', anonKey: 'a'.repeat(40) }).success, 'loopback http is fine');
  for (const bad of [
    { supabaseUrl: 'http://example.com', anonKey: 'a'.repeat(40) },
    { supabaseUrl: 'https://user:pw@p.supabase.co', anonKey: 'a'.repeat(40) },
    { supabaseUrl: 'https://p.supabase.co', anonKey: 'short' },
    { supabaseUrl: 'https://p.supabase.co', anonKey: 'a'.repeat(40) + ' x' },
    { supabaseUrl: 'https://p.supabase.co', anonKey: 'a'.repeat(40), extra: 1 },
  ]) assert.equal(cfg.safeParse(bad).success, false, JSON.stringify(bad));
  assert.ok(REQUEST_SCHEMAS.signInDevice.safeParse({ email: 'k@x.test', password: 'p' }).success);
  assert.equal(REQUEST_SCHEMAS.signInDevice.safeParse({ email: 'nope', password: 'p' }).success, false);
  assert.equal(REQUEST_SCHEMAS.signInDevice.safeParse({ email: 'k@x.test', password: '' }).success, false);
  assert.equal(REQUEST_SCHEMAS.retryQuarantined.parse(undefined), undefined);
  assert.deepEqual(REQUEST_SCHEMAS.retryQuarantined.parse({ ids: [1, 2] }), { ids: [1, 2] });
  assert.equal(REQUEST_SCHEMAS.retryQuarantined.safeParse({ ids: [0] }).success, false);
  assert.deepEqual(REQUEST_SCHEMAS.redeemInvitation.parse({ code: ' DEMO-2026 ' }), { code: 'DEMO-2026' });
  assert.equal(REQUEST_SCHEMAS.createSession.safeParse({ candidateId: 'c', positionId: 'p', recordingConsent: true, invitationId: '../x' }).success, false);
});

test('operator screen words', () => {
  const base: SyncStatus = { state: 'idle', configured: true, signedInAs: 'k@x', pending: 0, quarantined: [], lastSuccessAt: null, lastError: null, nextRetryAt: null, lastPullAt: null };
  assert.equal(syncSummary(base), 'Everything is uploaded.');
  assert.match(syncSummary({ ...base, state: 'retrying', pending: 1 }), /cannot be reached.*Nothing is lost.*1 row is waiting/);
  assert.match(syncSummary({ ...base, state: 'syncing', pending: 12 }), /12 rows are waiting/);
  const q = { id: 1, kind: 'entry' as const, rowId: 'r', sessionId: null, error: 'e', code: '23514', at: 'x', attempts: 1 };
  assert.match(syncSummary({ ...base, quarantined: [q, { ...q, id: 2 }] }), /2 rows were refused/);
  assert.match(syncSummary({ ...base, state: 'not_configured' }), /No backend/);
  assert.equal(kindLabel('invitation_redeem'), 'Invitation code (redeemed offline)');
  assert.equal(whenText(null), 'never');
  assert.equal(whenText('garbage'), 'unknown');
  assert.ok(whenText(new Date().toISOString()).length > 0);
});

test('operator screen: a recording upload in words', () => {
  const text = uploadProgressText({ sessionId: 's1', sentBytes: 18 * 1048576, totalBytes: 60 * 1048576 });
  assert.match(text, /^18 of 60 MB confirmed by the backend \(30%\)/);
  assert.match(uploadProgressText({ sessionId: 's1', sentBytes: 0, totalBytes: 0 }), /0 of 0 MB .*\(0%\)/);
});

// Device sign-in and backend settings through the kiosk API: wrong password and unreachable backend are told
// apart; a dead refresh token pauses the queue (visible as signed out, nothing dropped) until the operator signs
// in again; signing out keeps the queue; switching to another project forgets the tokens.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { ConfigureBackendResult, SettingsView, SyncStatus } from '../../../preload/contract';
import { PLAINTEXT_CREDENTIALS_FILE } from '../../../main/core/settings/credentials';

import { assertSessionInPostgres, drained, runInterview, startSyncKiosk, useSeededStack, waitForSync } from './support';

const env = useSeededStack();

describe('device sign-in', () => {
  test('wrong password and an unreachable backend get different errors; nothing is stored', async () => {
    const kiosk = await startSyncKiosk({ stack: env.stack, signIn: false });
    try {
      const wrong = await kiosk.result('signInDevice', { email: env.stack.device!.email, password: 'not-the-password' });
      assert.equal(wrong.ok, false);
      assert.equal((wrong as { error: { code: string } }).error.code, 'backend_auth_failed');
      assert.match((wrong as { error: { message: string } }).error.message, /did not accept/);
      env.stack.gateway.faults.down = true;
      await env.stack.gateway.settled();
      const down = await kiosk.result('signInDevice', { email: env.stack.device!.email, password: env.stack.device!.password });
      assert.equal((down as { error: { code: string } }).error.code, 'backend_unavailable');
      env.stack.gateway.faults.down = false;
      await env.stack.gateway.settled();
      const status = await kiosk.call<SyncStatus>('getSyncStatus');
      assert.equal(status.state, 'signed_out');
      assert.equal(status.signedInAs, null);
    } finally {
      env.stack.gateway.faults.down = false;
      await kiosk.close();
    }
  });

  test('a dead refresh token pauses the queue as signed out; signing in again drains it', async () => {
    const kiosk = await startSyncKiosk({ stack: env.stack });
    try {
      // The stored refresh token is one the server does not know (revoked), and the access token expires.
      const credsFile = join(kiosk.dataDir, PLAINTEXT_CREDENTIALS_FILE);
      const creds = JSON.parse(readFileSync(credsFile, 'utf8')) as Record<string, string>;
      writeFileSync(credsFile, JSON.stringify({ ...creds, refreshToken: 'revoked-token' }));
      env.stack.gateway.faults.expireTokens = true;
      const summary = await runInterview(kiosk, { turns: 2 });
      const paused = await waitForSync(kiosk.service, (s) => s.state === 'signed_out' && s.pending > 0, 20_000, 'signed out with a queue');
      assert.match(paused.lastError!.message, /refresh|token/i);
      assert.equal(paused.signedInAs, null);
      const settings = await kiosk.call<SettingsView>('getSettings');
      assert.equal(settings.backend!.signedInAs, null);
      await kiosk.call('signInDevice', { email: env.stack.device!.email, password: env.stack.device!.password });
      await waitForSync(kiosk.service, drained, 20_000, 'the queue to drain after signing in again');
      await assertSessionInPostgres(kiosk.db, env.client, summary.session.id);
    } finally {
      env.stack.gateway.faults = {};
      await kiosk.close();
    }
  });

  test('signing out keeps the queue; another project URL forgets the tokens', async () => {
    const kiosk = await startSyncKiosk({ stack: env.stack });
    try {
      const out = await kiosk.call<SyncStatus>('signOutDevice');
      assert.equal(out.state, 'signed_out');
      await runInterview(kiosk, { turns: 1 });
      const queued = await kiosk.call<SyncStatus>('getSyncStatus');
      assert.ok(queued.pending >= 3, `kept queued (${queued.pending})`);
      await kiosk.call('signInDevice', { email: env.stack.device!.email, password: env.stack.device!.password });
      await waitForSync(kiosk.service, drained, 20_000, 'drain after sign-in');
      // One entry changes after the upload; then the kiosk moves to another project: that session must be sent
      // there again before the entry (its remote_at is forgotten and its row queued).
      const entry = kiosk.db.prepare('SELECT id, session_id FROM transcript_entries ORDER BY created_at DESC LIMIT 1').get() as { id: string; session_id: string };
      kiosk.db.prepare(`UPDATE transcript_entries SET text = text || ' (edited)' WHERE id = ?`).run(entry.id);
      assert.ok(kiosk.db.prepare('SELECT remote_at FROM interview_sessions WHERE id = ?').pluck().get(entry.session_id));
      // Rows are queued for the current project: the new URL is not applied until the operator chooses.
      const asked = await kiosk.call<ConfigureBackendResult>('configureBackend', { supabaseUrl: 'https://other-project.supabase.co', anonKey: 'b'.repeat(40) });
      assert.equal(asked.applied, false);
      assert.deepEqual(asked.queued, { total: 1, byKind: { entry: 1 }, quarantined: 0 });
      assert.equal((await kiosk.call<SettingsView>('getSettings')).backend!.url, env.stack.gateway.url);
      const moved = await kiosk.call<ConfigureBackendResult>('configureBackend', { supabaseUrl: 'https://other-project.supabase.co', anonKey: 'b'.repeat(40), queued: 'keep' });
      assert.equal(moved.applied, true);
      assert.equal(moved.status.state, 'signed_out');
      assert.equal(kiosk.db.prepare('SELECT remote_at FROM interview_sessions WHERE id = ?').pluck().get(entry.session_id), null);
      assert.deepEqual(kiosk.db.prepare(`SELECT kind FROM sync_outbox WHERE session_id = ? ORDER BY kind`).pluck().all(entry.session_id), ['entry', 'session']);
      const view = await kiosk.call<SettingsView>('getSettings');
      assert.deepEqual(view.backend, { url: 'https://other-project.supabase.co', configured: true, signedInAs: null });
      const bad = await kiosk.result('configureBackend', { supabaseUrl: 'http://example.com', anonKey: 'b'.repeat(40) });
      assert.equal((bad as { error: { code: string } }).error.code, 'invalid_request');
    } finally {
      await kiosk.close();
    }
  });
});

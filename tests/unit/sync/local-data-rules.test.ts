// The pure rules of letting go of local data: what retention deletes and when (fake clock), when a tenant change
// or a new backend URL may proceed, the queue fingerprint an export is checked by, and where a packaged kiosk may
// send the OpenAI key.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { SettingsView } from '../../../preload/contract';
import { createKioskService } from '../../../main/core/api/service';
import { openDatabase } from '../../../main/core/db/database';
import { memorySecretStore, memorySettingsStore } from '../../../main/core/settings/types';
import { REQUEST_SCHEMAS } from '../../../main/core/api/schemas';
import { realtimeHostProblem } from '../../../main/core/realtime/hosts';
import { sanitizeSettings } from '../../../main/core/settings/file-stores';
import { describeQueue, planBackendChange, planTenantChange, queueDigest } from '../../../main/core/sync/local-data';
import { confirmedAt, dueForDeletion, type RetentionFacts } from '../../../main/core/sync/retention';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T10:00:00.000Z');

const uploaded = (over: Partial<RetentionFacts> = {}): RetentionFacts => ({
  sessionId: 's1', status: 'completed', demo: false, sessionSyncedAt: new Date(T0).toISOString(), queued: 0,
  entries: 6, unsyncedEntries: 0, lastEntrySyncedAt: new Date(T0 - 60_000).toISOString(), unsyncedEvaluations: 0,
  lastEvaluationSyncedAt: null, evaluationPending: false, recording: { finalized: true, uploaded: true }, ...over,
});

describe('retention: what is due', () => {
  it('is due exactly `days` after the last confirmation, not a millisecond before', () => {
    assert.deepEqual(dueForDeletion([uploaded()], T0 + 30 * DAY - 1, 30), []);
    assert.deepEqual(dueForDeletion([uploaded()], T0 + 30 * DAY, 30), ['s1']);
    assert.deepEqual(dueForDeletion([uploaded()], T0 + 1 * DAY, 1), ['s1']);
  });

  it('counts from the latest confirmation of any part (a late evaluation upload moves it)', () => {
    const late = uploaded({ lastEvaluationSyncedAt: new Date(T0 + 5 * DAY).toISOString() });
    assert.equal(confirmedAt(late), T0 + 5 * DAY);
    assert.deepEqual(dueForDeletion([late], T0 + 30 * DAY, 30), []);
    assert.deepEqual(dueForDeletion([late], T0 + 35 * DAY, 30), ['s1']);
  });

  it('never deletes what is not confirmed uploaded, however old', () => {
    const years = T0 + 3650 * DAY;
    const unconfirmed: [string, Partial<RetentionFacts>][] = [
      ['still queued', { queued: 1 }],
      ['an entry not confirmed', { unsyncedEntries: 1 }],
      ['an evaluation not confirmed', { unsyncedEvaluations: 1 }],
      ['an evaluation still to be made', { evaluationPending: true }],
      ['recording not uploaded', { recording: { finalized: true, uploaded: false } }],
      ['recording never finalized', { recording: { finalized: false, uploaded: false } }],
      ['session never confirmed', { sessionSyncedAt: null }],
      ['a damaged time', { sessionSyncedAt: 'yesterday' }],
      ['in progress', { status: 'in_progress' }],
      ['demo tenant', { demo: true }],
    ];
    for (const [why, over] of unconfirmed) assert.deepEqual(dueForDeletion([uploaded(over)], years, 30), [], why);
  });

  it('skips what is already deleted, keeps interviews without a recording eligible, and a bad setting deletes nothing', () => {
    assert.deepEqual(dueForDeletion([uploaded({ entries: 0, recording: null })], T0 + 99 * DAY, 30), []);
    assert.deepEqual(dueForDeletion([uploaded({ recording: null })], T0 + 99 * DAY, 30), ['s1']);
    for (const days of [0, -3, 2.5, Number.NaN]) assert.deepEqual(dueForDeletion([uploaded()], T0 + 9999 * DAY, days), [], `days ${days}`);
  });

  it('the setting is validated at the contract and in a stored file', () => {
    const patch = REQUEST_SCHEMAS.updateSettings;
    assert.equal(patch.safeParse({ retentionDays: 30 }).success, true);
    for (const bad of [0, 366, 1.5, '30']) assert.equal(patch.safeParse({ retentionDays: bad }).success, false, String(bad));
    assert.equal(sanitizeSettings({ retentionDays: 0 }).retentionDays, undefined);
    assert.equal(sanitizeSettings({ retentionDays: 14 }).retentionDays, 14);
  });
});

const counts = (byKind: Record<string, number>, quarantined = 0) => ({
  total: Object.values(byKind).reduce((a, b) => a + b, 0), byKind, quarantined,
});

describe('tenant change and a new backend', () => {
  it('a tenant change waits for an empty (or exported) queue, then wipes every other tenant', () => {
    const queue = counts({ session: 1, entry: 12, recording: 1 });
    const refused = planTenantChange({ newTenant: 'b', localTenants: ['a'], queue, exported: false });
    assert.equal(refused.action, 'refuse');
    assert.match((refused as { message: string }).message, /1 interview, 12 transcript entries and 1 recording/);
    assert.deepEqual(planTenantChange({ newTenant: 'b', localTenants: ['a'], queue, exported: true }), { action: 'wipe', tenants: ['a'] });
    assert.deepEqual(planTenantChange({ newTenant: 'b', localTenants: ['a', 'b'], queue: counts({}), exported: false }), { action: 'wipe', tenants: ['a'] });
    assert.deepEqual(planTenantChange({ newTenant: 'a', localTenants: ['a'], queue, exported: false }), { action: 'keep' });
    assert.deepEqual(planTenantChange({ newTenant: 'b', localTenants: [], queue: counts({}), exported: false }), { action: 'keep' });
    // A device user naming no tenant is not the old tenant either.
    assert.equal(planTenantChange({ newTenant: null, localTenants: ['a'], queue, exported: false }).action, 'refuse');
  });

  it('a new backend URL asks while rows are queued; discard needs an export', () => {
    const queue = counts({ session: 2, evaluation: 1 }, 1);
    assert.deepEqual(planBackendChange({ sameProject: false, queue, choice: undefined, exported: true }), { action: 'ask', queued: queue });
    assert.deepEqual(planBackendChange({ sameProject: false, queue, choice: 'keep', exported: false }), { action: 'apply', discardQueue: false });
    assert.equal(planBackendChange({ sameProject: false, queue, choice: 'discard', exported: false }).action, 'refuse');
    assert.deepEqual(planBackendChange({ sameProject: false, queue, choice: 'discard', exported: true }), { action: 'apply', discardQueue: true });
    assert.deepEqual(planBackendChange({ sameProject: true, queue, choice: undefined, exported: false }), { action: 'apply', discardQueue: false });
    assert.deepEqual(planBackendChange({ sameProject: false, queue: counts({}), choice: undefined, exported: false }), { action: 'apply', discardQueue: false });
    assert.equal(describeQueue(queue), '2 interviews and 1 evaluation');
  });

  it('the queue fingerprint changes with any row or version, not with order', () => {
    const rows = [{ kind: 'session', row_id: 'x', version: 1 }, { kind: 'entry', row_id: 'y', version: 2 }];
    assert.equal(queueDigest(rows), queueDigest([...rows].reverse()));
    assert.notEqual(queueDigest(rows), queueDigest([rows[0]!, { ...rows[1]!, version: 3 }]));
    assert.notEqual(queueDigest(rows), queueDigest([...rows, { kind: 'recording', row_id: 'x', version: 1 }]));
  });
});

describe('Realtime hosts of a packaged kiosk', () => {
  const packaged = { packaged: true, extraHosts: ['my-res.openai.azure.com'] };
  it('https to a listed host only; http nowhere, not even 127.0.0.1', () => {
    assert.equal(realtimeHostProblem('https://api.openai.com', packaged), null);
    assert.equal(realtimeHostProblem('https://api.openai.com:443/v1', packaged), null);
    assert.equal(realtimeHostProblem('https://my-res.openai.azure.com', packaged), null);
    assert.match(realtimeHostProblem('https://evil.example', packaged)!, /not on this kiosk's list/);
    assert.match(realtimeHostProblem('https://api.openai.com:8443', packaged)!, /not on this kiosk's list/);
    assert.match(realtimeHostProblem('https://api.openai.com.evil.example', packaged)!, /not on this kiosk's list/);
    assert.match(realtimeHostProblem('http://api.openai.com', packaged)!, /only over https/);
    assert.match(realtimeHostProblem('http://127.0.0.1:9000', packaged)!, /only over https/);
  });

  it('development builds keep the general URL rule (the stubs on 127.0.0.1)', () => {
    assert.equal(realtimeHostProblem('http://127.0.0.1:9000', { packaged: false, extraHosts: [] }), null);
  });

  it('operator additions are plain host names (no scheme, path or wildcard); :443 is the same host', () => {
    const patch = REQUEST_SCHEMAS.updateSettings;
    const ok = patch.safeParse({ realtimeHosts: [' My-Res.OpenAI.Azure.com ', 'gw.example.org:443', 'gw.example.org:8443'] });
    assert.equal(ok.success, true);
    assert.deepEqual((ok.data as { realtimeHosts: string[] }).realtimeHosts, ['my-res.openai.azure.com', 'gw.example.org', 'gw.example.org:8443']);
    for (const bad of ['https://x.example', '*.openai.com', 'x.example/v1', '', 'a b']) {
      assert.equal(patch.safeParse({ realtimeHosts: [bad] }).success, false, bad);
    }
    assert.equal(patch.safeParse({ realtimeHosts: Array.from({ length: 21 }, (_, i) => `h${i}.example`) }).success, false);
  });
});

describe('a packaged kiosk service', () => {
  it('refuses a base URL off the list (nothing changes), accepts it once listed, and places no call to a stored unlisted one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-hosts-'));
    const db = openDatabase(join(dir, 'k.sqlite'));
    const settings = memorySettingsStore({ practiceMode: false, openaiBaseUrl: 'https://api.openai.com' });
    const service = createKioskService({ db, dataDir: dir, settings, secrets: memorySecretStore('sk-test-0123456789abcdefghij'), packaged: true, sync: { manual: true } });
    try {
      const refused = await service.dispatch('updateSettings', { openaiBaseUrl: 'https://collector.example' });
      assert.equal(refused.ok, false);
      assert.equal((refused as { error: { code: string } }).error.code, 'invalid_request');
      assert.match((refused as { error: { message: string } }).error.message, /not on this kiosk's list.*Nothing was changed/);
      assert.equal(settings.get().openaiBaseUrl, 'https://api.openai.com');
      const http = await service.dispatch('updateSettings', { openaiBaseUrl: 'http://127.0.0.1:8080' });
      assert.match((http as { error: { message: string } }).error.message, /only over https/);

      // Removing the host the base URL uses is refused too; adding one lets the URL move there.
      const listed = await service.dispatch('updateSettings', { realtimeHosts: ['collector.example'], openaiBaseUrl: 'https://collector.example' });
      assert.equal(listed.ok, true);
      assert.deepEqual((listed as { value: SettingsView }).value.realtimeHosts, { builtIn: ['api.openai.com'], extra: ['collector.example'], enforced: true });
      assert.equal((await service.dispatch('updateSettings', { realtimeHosts: [] })).ok, false);

      // A base URL stored before (or edited in the file) that is off the list: no call is placed with the key.
      settings.update({ realtimeHosts: [], openaiBaseUrl: 'https://collector.example' });
      const setup = await service.getSetupData();
      const session = await service.createSession({ candidateId: setup.candidates[0]!.id, positionId: setup.positions[0]!.id, recordingConsent: false });
      const call = await service.dispatch('startCall', { sessionId: session.id, offerSdp: 'v=0\r\n' });
      assert.equal(call.ok, false);
      assert.equal((call as { error: { code: string } }).error.code, 'not_configured');
      assert.match((call as { error: { message: string } }).error.message, /collector\.example is not on this kiosk's list/);
    } finally {
      await service.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

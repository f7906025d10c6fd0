// Kill harness with the backend configured: the web host (child process) syncs to Postgres through the
// Supabase-compatible gateway while it is SIGKILLed at random moments and restarted. After the interview has
// finished and the queue drained, every entry committed before a kill is in Postgres exactly once, and Postgres
// holds exactly what SQLite holds (no duplicate item of the session).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createKioskService } from '../../main/core/api/service';
import { loadEmulator } from '../../main/simulator/lazy';
import { openDatabase } from '../../main/core/db/database';
import { fileCredentialStore } from '../../main/core/settings/credentials';
import { fileSettingsStore, plaintextSecretStore } from '../../main/core/settings/file-stores';
import { DATABASE_FILE } from '../../main/web/host';
import { useSeededStack } from '../integration/sync/support';
import { readDatabase } from '../e2e/support-interview';
import { runKillInterview } from './kill';

const env = useSeededStack();

/** A data dir with the backend configured, the device signed in and reference data pulled, as an operator would. */
async function preparedDataDir(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-kill-sync-'));
  const db = openDatabase(join(dataDir, DATABASE_FILE));
  const service = createKioskService({ startEmulator: loadEmulator,
    db, dataDir, settings: fileSettingsStore(dataDir), secrets: plaintextSecretStore(dataDir), credentials: fileCredentialStore(dataDir),
  });
  try {
    const call = async (method: string, payload?: unknown) => {
      const r = await service.dispatch(method as never, payload);
      if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
      return r.value;
    };
    await call('updateSettings', { practiceMode: true });
    await call('configureBackend', { supabaseUrl: env.stack.gateway.url, anonKey: env.stack.gateway.anonKey });
    await call('signInDevice', { email: env.stack.device!.email, password: env.stack.device!.password });
  } finally {
    await service.close();
    db.close();
  }
  return dataDir;
}

describe('recovery: host killed while syncing to Postgres', { timeout: 400_000 }, () => {
  it('2 SIGKILLs: every entry committed before a kill is in Postgres exactly once after sync', { timeout: 380_000 }, async () => {
    const dataDir = await preparedDataDir();
    try {
      const seed = Number(process.env.KILL_SEED ?? Date.now() % 1_000_000);
      const run = await runKillInterview({ kills: 2, seed, dataDir });
      assert.ok(run.finished, `seed ${seed}: the interview finished`);
      assert.ok(run.trials.length >= 1, 'at least one kill happened');
      for (const t of run.trials) assert.deepEqual(t.problems, [], `seed ${seed}: kill at ${t.atMs} ms (SQLite)`);
      const sessionId = run.finalDb.sessions[0]!.id;
      // The restarted host drains its queue by itself; wait until Postgres has what SQLite has.
      const local = () => readDatabase(join(dataDir, DATABASE_FILE)).entries.filter((e) => e.session_id === sessionId);
      let remote: { id: string; item_id: string }[] = [];
      let status = '';
      const poll = async () => {
        remote = (await env.client.query('select id, item_id from transcript_entries where session_id = $1', [sessionId])).rows;
        status = (await env.client.query('select status from interview_sessions where id = $1', [sessionId])).rows[0]?.status ?? '';
      };
      const deadline = Date.now() + 60_000;
      for (;;) {
        await poll();
        if ((status === 'completed' && remote.length === local().length) || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 250)); // Postgres has no event to await from here; bounded poll
      }
      assert.equal(status, 'completed', 'the session reached Postgres as completed');
      assert.equal(remote.length, local().length, 'Postgres holds exactly the SQLite entries');
      const byItem = new Map<string, number>();
      for (const r of remote) byItem.set(r.item_id, (byItem.get(r.item_id) ?? 0) + 1);
      assert.deepEqual([...byItem.entries()].filter(([, n]) => n > 1), [], 'no item twice in Postgres');
      for (const t of run.trials) {
        for (const id of t.beforeIds) assert.equal(remote.filter((r) => r.id === id).length, 1, `entry ${id} (committed before the kill at ${t.atMs} ms) once in Postgres`);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

// sync_drain_rows_per_s: 20,000 transcript entries queued in SQLite (by the outbox triggers, as an interview
// writes them) drained into Postgres by the sync engine through supabase-js and the Supabase-compatible gateway.
// Baseline, same run, same Postgres: the same number of rows by direct multi-row pg INSERTs (500 per statement)
// as the superuser — no HTTP, no JSON, no RLS. Goal: ≥ 5,000 rows/s and ratio ≥ 0.25.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createKioskService } from '../../main/core/api/service';
import { loadEmulator } from '../../main/simulator/lazy';
import { openDatabase } from '../../main/core/db/database';
import { memoryCredentialStore } from '../../main/core/settings/credentials';
import { memorySecretStore, memorySettingsStore } from '../../main/core/settings/types';
import { DEMO, startSupabaseStack } from '../support/gateway/stack';
import { metric, type BenchResults } from './metric';

const ROWS = 20_000;
const BATCH = 500;

export async function run(): Promise<BenchResults> {
  const stack = await startSupabaseStack({ seed: true });
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-sync-bench-'));
  const db = openDatabase(join(dir, 'kiosk.sqlite'));
  const client = new pg.Client({ connectionString: stack.pg.url });
  await client.connect();
  const service = createKioskService({ startEmulator: loadEmulator,
    db, dataDir: dir,
    settings: memorySettingsStore({ supabaseUrl: stack.gateway.url, supabaseAnonKey: stack.gateway.anonKey }),
    secrets: memorySecretStore(),
    credentials: memoryCredentialStore(),
    sync: { pullIntervalMs: 3_600_000, limits: { rows: BATCH } },
  });
  try {
    const signIn = await service.dispatch('signInDevice', { email: stack.device!.email, password: stack.device!.password });
    if (!signIn.ok) throw new Error(signIn.error.message);

    // Baseline: direct multi-row INSERTs of 20,000 rows for another session.
    // Rows belong to a device (supabase/README.md "Device rules"): the baseline's belong to the signed-in one, and
    // its session stays open while the entries go in (a finished session's transcript is frozen).
    const baseSession = randomUUID();
    const deviceId = (await client.query<{ id: string }>('select id from auth.users where email = $1', [stack.device!.email])).rows[0]!.id;
    await client.query(`insert into interview_sessions (id, tenant_id, candidate_id, position_id, status, device_id) values ($1, $2, $3, $4, 'in_progress', $5)`,
      [baseSession, DEMO.tenantId, DEMO.candidates[0], DEMO.positions[0], deviceId]);
    const t0 = performance.now();
    for (let start = 0; start < ROWS; start += BATCH) {
      const values: unknown[] = [];
      const tuples: string[] = [];
      for (let i = start; i < Math.min(ROWS, start + BATCH); i++) {
        const p = values.length;
        tuples.push(`($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}, $${p + 7}, $${p + 8}, 'final', $${p + 9})`);
        values.push(randomUUID(), DEMO.tenantId, baseSession, i, `item_b${i}`, i % 2 ? 'candidate' : 'interviewer', `Entry ${i}: a sentence or two of transcript text.`, i * 1000, deviceId);
      }
      await client.query(`insert into transcript_entries (id, tenant_id, session_id, seq, item_id, speaker, text, start_ms, status, device_id) values ${tuples.join(',')}`, values);
    }
    const baselineRate = ROWS / ((performance.now() - t0) / 1000);

    // The kiosk: a session and 20,000 entries written locally (the triggers queue them), then drained.
    const setup = await service.dispatch('getSetupData', undefined);
    if (!setup.ok) throw new Error(setup.error.message);
    const session = await service.dispatch('createSession', { candidateId: DEMO.candidates[0], positionId: DEMO.positions[0], recordingConsent: false });
    if (!session.ok) throw new Error(session.error.message);
    const sessionId = (session.value as { id: string }).id;
    await service.sync.engine.syncNow(); // the session row first, outside the timing
    const insert = db.prepare(`INSERT INTO transcript_entries (id, session_id, item_id, seq, speaker, text, start_ms, status, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, 'final', ?, ?)`);
    db.transaction(() => {
      const at = new Date().toISOString();
      for (let i = 0; i < ROWS; i++) insert.run(randomUUID(), sessionId, `item_k${i}`, i, i % 2 ? 'candidate' : 'interviewer', `Entry ${i}: a sentence or two of transcript text.`, i * 1000, at, at);
    })();
    const queued = service.sync.outbox.pendingCount();
    if (queued !== ROWS) throw new Error(`expected ${ROWS} queued rows, found ${queued}`);
    const t1 = performance.now();
    await service.sync.engine.syncNow();
    const drainMs = performance.now() - t1;
    const left = service.sync.outbox.pendingCount();
    const landed = (await client.query('select count(*)::int n from transcript_entries where session_id = $1', [sessionId])).rows[0].n as number;
    if (left !== 0 || landed !== ROWS) throw new Error(`drain incomplete: ${left} left in the queue, ${landed} rows in Postgres`);
    const rate = ROWS / (drainMs / 1000);
    console.log(`sync drain: ${ROWS} rows in ${drainMs.toFixed(0)} ms (${rate.toFixed(0)} rows/s); direct pg: ${baselineRate.toFixed(0)} rows/s`);
    return {
      sync_drain_rows_per_s: metric(rate, 'rows/s', baselineRate, `${ROWS} entries, ${BATCH}/upsert via supabase-js + gateway vs direct multi-row pg INSERT; goal ≥ 5000 and ratio ≥ 0.25`),
    };
  } finally {
    await service.close();
    db.close();
    await client.end();
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

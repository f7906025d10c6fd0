// The evaluation job survives an offline period and SIGKILLs: the core runs in a child process; it finishes an
// interview while neither the model nor the backend can be reached (the job retries), is killed, restarted
// online with a slow model and killed again while the model call is in flight, then restarted for good. Exactly
// one evaluation of the session exists afterwards, in SQLite and in Postgres.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createKioskService } from '../../main/core/api/service';
import { openDatabase } from '../../main/core/db/database';
import { fileCredentialStore } from '../../main/core/settings/credentials';
import { fileSettingsStore, plaintextSecretStore } from '../../main/core/settings/file-stores';
import { DATABASE_FILE } from '../../main/web/host';
import { useSeededStack } from '../integration/sync/support';

const env = useSeededStack();

async function preparedDataDir(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-eval-kill-'));
  const db = openDatabase(join(dataDir, DATABASE_FILE));
  const service = createKioskService({ db, dataDir, settings: fileSettingsStore(dataDir), secrets: plaintextSecretStore(dataDir), credentials: fileCredentialStore(dataDir) });
  try {
    const call = async (method: string, payload?: unknown) => {
      const r = await service.dispatch(method as never, payload);
      if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
      return r.value;
    };
    await call('updateSettings', { practiceMode: true });
    await call('configureBackend', { supabaseUrl: env.stack.gateway.url, anonKey: env.stack.gateway.anonKey });
    await call('signInDevice', { email: env.stack.device!.email, password: env.stack.device!.password });
    await call('syncNow'); // pulls the tenant's positions and candidates
  } finally {
    await service.close();
    db.close();
  }
  return dataDir;
}

interface Child {
  proc: ChildProcess;
  /** Resolves with the first stdout line matching `pattern`. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpExecArray>;
  kill(): Promise<void>;
}

function startChild(dir: string, envVars: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'evaluation-child.ts')], {
    env: { ...process.env, EVAL_DIR: dir, ...envVars },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const w of [...waiters]) {
      const m = w.pattern.exec(line);
      if (m) (waiters.splice(waiters.indexOf(w), 1), w.resolve(m));
    }
  });
  return {
    proc,
    waitFor(pattern, ms = 60_000) {
      for (const line of lines) {
        const m = pattern.exec(line);
        if (m) return Promise.resolve(m);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${ms} ms; got:\n${lines.join('\n')}`)), ms);
        waiters.push({ pattern, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    },
    kill() {
      if (proc.exitCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGKILL');
      });
    },
  };
}

const countLocal = (dir: string, sessionId: string) => {
  const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
  try {
    return {
      evaluations: (db.prepare('SELECT count(*) AS n FROM evaluations WHERE session_id = ?').get(sessionId) as { n: number }).n,
      job: db.prepare('SELECT state, attempts FROM evaluation_jobs WHERE session_id = ?').get(sessionId) as { state: string; attempts: number },
    };
  } finally {
    db.close();
  }
};

describe('recovery: the evaluation job across an offline period and SIGKILLs', { timeout: 240_000 }, () => {
  it('exactly one evaluation per session, locally and in Postgres', { timeout: 230_000 }, async () => {
    const dir = await preparedDataDir();
    try {
      // 1. Offline: the model and the backend are unreachable; the job is queued and keeps retrying. Kill.
      const offline = startChild(dir, { EVAL_FINISH: '1', EVAL_OFFLINE: '1', EVAL_FAULTS: JSON.stringify({ responses: 'disconnect' }) });
      const sessionId = (await offline.waitFor(/^session (\S+)$/))[1]!;
      await offline.waitFor(new RegExp(`^job ${sessionId} retrying$`));
      await offline.kill();
      assert.equal(countLocal(dir, sessionId).evaluations, 0);
      assert.equal(countLocal(dir, sessionId).job.state, 'retrying');

      // 2. Online, but the model is slow: kill while the model call is in flight.
      const slow = startChild(dir, { EVAL_FAULTS: JSON.stringify({ responsesDelayMs: 20_000 }) });
      await slow.waitFor(new RegExp(`^job ${sessionId} running$`));
      await slow.kill();
      const cut = countLocal(dir, sessionId);
      assert.equal(cut.job.state, 'running', 'cut off mid-call');
      assert.equal(cut.evaluations, 0);

      // 3. Restart for good: the cut-off job runs again, the evaluation is stored once and reaches Postgres.
      const last = startChild(dir, {});
      try {
        await last.waitFor(new RegExp(`^job ${sessionId} done$`));
        let remote = 0;
        const deadline = Date.now() + 60_000;
        for (;;) {
          remote = (await env.client.query('select count(*)::int as n from evaluations where session_id = $1', [sessionId])).rows[0].n;
          if (remote > 0 || Date.now() > deadline) break;
          await new Promise((r) => setTimeout(r, 200)); // Postgres has no event to await from here; bounded poll
        }
        const local = countLocal(dir, sessionId);
        assert.equal(local.evaluations, 1, 'one evaluation in SQLite');
        assert.equal(local.job.state, 'done');
        assert.ok(local.job.attempts >= 3, `attempts ${local.job.attempts}`);
        assert.equal(remote, 1, 'one evaluation in Postgres');
        const row = (await env.client.query('select outcome, model, competencies from evaluations where session_id = $1', [sessionId])).rows[0];
        assert.equal(row.outcome, 'assessed');
        assert.equal(row.model, 'practice-evaluator');
        assert.ok(row.competencies.length > 0);
      } finally {
        await last.kill();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

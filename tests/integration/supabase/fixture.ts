// Shared setup for the Supabase integration tests: one Postgres + gateway per test file, two tenants (A, B) with
// reference data and one device user each, and supabase-js clients signed in as those devices.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import crypto from 'node:crypto';
import pg from 'pg';
import ws from 'ws';
import { startGateway, type Gateway, type GatewayOptions } from '../../support/gateway';
import { startPostgres, type TestPostgres } from '../../support/postgres';

export interface TenantFixture {
  id: string;
  positionId: string;
  candidateId: string;
  email: string;
  password: string;
}

export interface Stack {
  pg: TestPostgres;
  gateway: Gateway;
  /** Superuser connection, for arranging data and checking what really landed (bypasses RLS). */
  db: pg.Client;
  a: TenantFixture;
  b: TenantFixture;
  stop(): Promise<void>;
}

export async function startStack(options: Partial<Omit<GatewayOptions, 'pgUrl' | 'jwtSecret'>> = {}): Promise<Stack> {
  const pgServer = await startPostgres();
  let gateway: Gateway | null = null;
  let db: pg.Client | null = null;
  try {
    gateway = await startGateway({ pgUrl: pgServer.url, jwtSecret: crypto.randomBytes(32).toString('hex'), port: 0, ...options });
    db = new pg.Client({ connectionString: pgServer.url });
    await db.connect();
    const make = async (label: string): Promise<TenantFixture> => {
      const t = (await db!.query<{ id: string }>(`insert into tenants (name, "values") values ($1, 'care') returning id`, [`Tenant ${label}`])).rows[0]!.id;
      const p = (await db!.query<{ id: string }>(
        `insert into positions (tenant_id, title, competencies) values ($1, $2, array['sql','empathy']) returning id`, [t, `Engineer ${label}`])).rows[0]!.id;
      const c = (await db!.query<{ id: string }>(
        `insert into candidates (tenant_id, name, email) values ($1, $2, $3) returning id`, [t, `Candidate ${label}`, `cand-${label}@example.com`])).rows[0]!.id;
      const email = `kiosk-${label.toLowerCase()}@devices.test`;
      const password = `pw-${label}-${crypto.randomBytes(4).toString('hex')}`;
      await gateway!.createDeviceUser(email, password, t);
      return { id: t, positionId: p, candidateId: c, email, password };
    };
    const a = await make('A');
    const b = await make('B');
    const g = gateway;
    const d = db;
    return {
      pg: pgServer, gateway: g, db: d, a, b,
      async stop() {
        await g.close();
        await d.end();
        await pgServer.stop();
      },
    };
  } catch (err) {
    await gateway?.close().catch(() => {});
    await db?.end().catch(() => {});
    await pgServer.stop();
    throw err;
  }
}

/** A supabase-js client as the product creates it on Node 20 (realtime needs the `ws` transport there). */
export function newClient(gateway: Gateway, fetchImpl?: typeof fetch): SupabaseClient {
  return createClient(gateway.url, gateway.anonKey, {
    realtime: { transport: ws as never },
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    ...(fetchImpl ? { global: { fetch: fetchImpl } } : {}),
  });
}

export async function signedIn(gateway: Gateway, t: TenantFixture, fetchImpl?: typeof fetch): Promise<SupabaseClient> {
  const client = newClient(gateway, fetchImpl);
  const { error } = await client.auth.signInWithPassword({ email: t.email, password: t.password });
  if (error) throw new Error(`sign-in as ${t.email} failed: ${error.message}`);
  return client;
}

/** A session row for tenant t, as the kiosk uploads it. */
export function sessionRow(t: TenantFixture, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: crypto.randomUUID(), tenant_id: t.id, candidate_id: t.candidateId, position_id: t.positionId,
    status: 'in_progress', start_time: new Date().toISOString(), recording_consent: true,
    status_history: [{ status: 'in_progress', at: new Date().toISOString() }],
    ...overrides,
  };
}

export function entryRow(t: TenantFixture, sessionId: string, seq: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: crypto.randomUUID(), tenant_id: t.id, session_id: sessionId, seq, item_id: `item_${seq}_${crypto.randomBytes(3).toString('hex')}`,
    speaker: seq % 2 === 0 ? 'interviewer' : 'candidate', text: `turn ${seq}`, start_ms: seq * 1000, status: 'final',
    ...overrides,
  };
}

/** Another user of tenant t (a second kiosk, or with `role` an observer/reviewer), signed in. */
export async function extraUser(s: Stack, t: TenantFixture, label: string, role?: 'device' | 'observer' | 'reviewer'): Promise<{ client: SupabaseClient; id: string }> {
  const email = `${label.toLowerCase()}@devices.test`;
  const password = `pw-${label}-${crypto.randomBytes(4).toString('hex')}`;
  const { id } = await s.gateway.createDeviceUser(email, password, t.id, role);
  return { client: await signedIn(s.gateway, { ...t, email, password }), id };
}

/** A supabase-js client with the service-role key (bypasses RLS, like the dashboard or an admin script). */
export function serviceClient(gateway: Gateway): SupabaseClient {
  return createClient(gateway.url, gateway.serviceKey, {
    realtime: { transport: ws as never },
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
}

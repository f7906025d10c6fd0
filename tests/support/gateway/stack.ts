// One call for tests elsewhere in the repo (sync engine, end-to-end): a fresh Postgres 17 with the project's
// migrations (and optionally supabase/seed.sql), the gateway in front of it, and a device user for the demo tenant.
//
//   const stack = await startSupabaseStack({ seed: true });
//   // product config: SUPABASE_URL = stack.gateway.url, anon key = stack.gateway.anonKey,
//   // device credentials = stack.device.email / stack.device.password
//   ...
//   await stack.stop();
import crypto from 'node:crypto';
import { startPostgres, type TestPostgres } from '../postgres';
import { startGateway, type Gateway, type GatewayOptions } from './index';

/** The fixed ids of supabase/seed.sql. */
export const DEMO = {
  tenantId: '00000000-0000-4000-8000-000000000001',
  positions: ['00000000-0000-4000-8000-000000000101', '00000000-0000-4000-8000-000000000102'],
  candidates: ['00000000-0000-4000-8000-000000000201', '00000000-0000-4000-8000-000000000202', '00000000-0000-4000-8000-000000000203'],
  invitationToken: 'DEMO-2026',
} as const;

export interface SupabaseStack {
  pg: TestPostgres;
  gateway: Gateway;
  /** A device user of the demo tenant (only when seeded). */
  device: { email: string; password: string; tenantId: string } | null;
  stop(): Promise<void>;
}

export async function startSupabaseStack(
  options: { seed?: boolean } & Partial<Omit<GatewayOptions, 'pgUrl' | 'jwtSecret'>> = {},
): Promise<SupabaseStack> {
  const { seed = true, ...gatewayOptions } = options;
  const pg = await startPostgres({ seed });
  let gateway: Gateway | null = null;
  try {
    gateway = await startGateway({ pgUrl: pg.url, jwtSecret: crypto.randomBytes(32).toString('hex'), port: 0, ...gatewayOptions });
    let device: SupabaseStack['device'] = null;
    if (seed) {
      device = { email: 'kiosk-1@demo.test', password: crypto.randomBytes(12).toString('base64url'), tenantId: DEMO.tenantId };
      await gateway.createDeviceUser(device.email, device.password, device.tenantId);
    }
    const g = gateway;
    return {
      pg, gateway: g, device,
      async stop() {
        try { await g.close(); } finally { await pg.stop(); }
      },
    };
  } catch (err) {
    await gateway?.close().catch(() => {});
    await pg.stop();
    throw err;
  }
}

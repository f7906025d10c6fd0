// The thin supabase-js shell. Two clients: `auth` signs in and refreshes (its own session state is never relied
// on), `data` does REST, RPC and Storage with the access token we hold (`accessToken` option), so a failed
// refresh inside supabase-js can never silently turn our requests into anonymous ones. The refresh token goes to
// the CredentialStore (safeStorage in Electron) as soon as GoTrue hands out a new one (rotation).
// Every call answers { ok, … } or { ok: false, error: RemoteError }; nothing throws for a bad network or answer.
import { uploadResumable, type ResumableUploadRequest } from './resumable';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import ws from 'ws';
import type { CredentialStore, DeviceCredentials } from '../settings/credentials';
import { jwtClaims, type PullCursor, type PullTable, PULL_COLUMNS } from './mapping';
import type { RemoteError } from './plan';

export type Result<T> = { ok: true; value: T } | { ok: false; error: RemoteError };

export interface RemoteOptions {
  url: string;
  anonKey: string;
  credentials: CredentialStore;
  fetch?: typeof fetch;
  /** Per-request timeout for REST/Auth calls. */
  requestTimeoutMs?: number;
  /** Timeout for a recording upload (large bodies). */
  uploadTimeoutMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

export interface Remote {
  readonly url: string;
  signedInAs(): string | null;
  tenantId(): string | null;
  /** The signed-in device user's id (the JWT's `sub`), or null. */
  userId(): string | null;
  /** The current access token (memory only), for a Realtime client in main; null when signed out. */
  accessToken(): string | null;
  /** Signs in; `admit` sees who answered (tenant and user from the new token) before anything is stored, and a
   * refusal (its words) leaves the stored sign-in and the token in memory as they were. */
  signIn(email: string, password: string, admit?: (who: { tenantId: string | null; userId: string | null }) => string | null): Promise<Result<DeviceCredentials>>;
  signOut(): Promise<void>;
  /** Refresh now with the stored refresh token. error.status 400/401 with an auth code = signed out for good. */
  refresh(): Promise<Result<void>>;
  /** A usable access token (refreshing first when missing or about to expire). */
  ensureToken(): Promise<Result<void>>;
  /** Upsert (merge on the primary key) and check every row came back by its `key` column (default `id`). */
  upsert(table: string, rows: Record<string, unknown>[], key?: string): Promise<Result<string[]>>;
  /** Insert rows that are never changed once written (reviewers have no UPDATE right): `ON CONFLICT (key) DO
   * NOTHING`, then every sent key must exist on the server — a retry after a lost answer finds its row there and
   * adds none. */
  insertOnce(table: string, rows: Record<string, unknown>[], key: string): Promise<Result<string[]>>;
  rpc(fn: string, args: Record<string, unknown>): Promise<Result<unknown>>;
  /** Insert-only (no upsert): an existing object answers 409, which the engine reads as "already uploaded". */
  upload(bucket: string, name: string, body: Buffer, contentType: string): Promise<Result<{ path: string }>>;
  /** A large file through the resumable (TUS) endpoint, streamed, continuing an upload kept in `store`. */
  uploadResumable(request: Omit<ResumableUploadRequest, 'endpoint' | 'headers'>): Promise<Result<{ path: string; resumedFrom: number; bytesSent: number }>>;
  /** One page of an incremental pull ordered by (updated_at, id). `from` (ISO) overrides the cursor (overlap). */
  pullPage(table: PullTable, after: PullCursor | null, from: string | null, limit: number): Promise<Result<unknown[]>>;
}

/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 60_000;

export function timeoutFetch(base: typeof fetch, ms: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(ms);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return base(input, { ...init, signal });
  };
}

function fromPostgrest(error: { message?: unknown; code?: unknown; details?: unknown; hint?: unknown }, status: number): RemoteError {
  const message = typeof error.message === 'string' ? error.message : 'unknown error';
  const code = typeof error.code === 'string' ? error.code : '';
  // postgrest-js turns a 2xx body that is not JSON into { message: body } with the 2xx status.
  const badAnswer = status >= 200 && status < 300;
  return {
    status,
    code,
    message: badAnswer ? `non-JSON body: ${message.replace(/\s+/g, ' ').slice(0, 120)}` : message,
    details: typeof error.details === 'string' ? error.details.split('\n')[0] ?? null : null,
    hint: typeof error.hint === 'string' ? error.hint : null,
    ...(badAnswer ? { badAnswer } : {}),
  };
}

function fromAuth(error: unknown): RemoteError {
  const e = error as { status?: unknown; code?: unknown; message?: unknown; name?: unknown };
  const status = typeof e.status === 'number' ? e.status : 0;
  return {
    status: e.name === 'AuthRetryableFetchError' ? 0 : status,
    code: typeof e.code === 'string' ? e.code : '',
    message: typeof e.message === 'string' && e.message ? e.message : String(error),
  };
}

function fromStorage(error: unknown): RemoteError {
  const e = error as { status?: unknown; statusCode?: unknown; message?: unknown; name?: unknown; originalError?: unknown };
  if (e.name === 'StorageUnknownError') {
    const original = e.originalError as { name?: unknown } | undefined;
    const syntax = original?.name === 'SyntaxError';
    return { status: 0, code: '', message: typeof e.message === 'string' ? e.message : String(error), ...(syntax ? { badAnswer: true } : {}) };
  }
  return {
    status: typeof e.status === 'number' ? e.status : 0,
    code: typeof e.statusCode === 'string' ? e.statusCode : '',
    message: typeof e.message === 'string' ? e.message : String(error),
  };
}

/**
 * fetch for the Auth client: auth-js retries a refresh for up to ~30 s on network errors and 502–504, which would
 * hold a candidate at the invitation screen while the kiosk is offline. The engine has its own backoff, so here a
 * network failure becomes an immediate 599 answer (not retried by auth-js, classified as transient by us).
 */
export function failFastAuthFetch(base: typeof fetch): typeof fetch {
  const unavailable = (message: string) =>
    new Response(JSON.stringify({ code: 'network_error', message }), { status: 599, headers: { 'content-type': 'application/json' } });
  return async (input, init) => {
    try {
      const res = await base(input, init);
      if (res.status === 502 || res.status === 503 || res.status === 504) {
        await res.body?.cancel().catch(() => undefined);
        return unavailable(`HTTP ${res.status} from the auth server`);
      }
      return res;
    } catch (error) {
      return unavailable(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    }
  };
}

const FORGETFUL_STORAGE = { getItem: () => null, setItem: () => undefined, removeItem: () => undefined };

const bad = (message: string): { ok: false; error: RemoteError } => ({ ok: false, error: { status: 200, code: '', message, badAnswer: true } });

export function createRemote(options: RemoteOptions): Remote {
  const baseFetch = options.fetch ?? fetch;
  const restFetch = timeoutFetch(baseFetch, options.requestTimeoutMs ?? 20_000);
  const uploadFetch = timeoutFetch(baseFetch, options.uploadTimeoutMs ?? 15 * 60_000);
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const common = { realtime: { transport: ws as never } };

  let access: { token: string; expiresAt: number } | null = null;
  let refreshing: Promise<Result<void>> | null = null;

  // A fresh Auth client for every sign-in and refresh: auth-js keeps per-client state (a remembered session it
  // refreshes by itself, and a 60 s cooldown that replays a failed refresh's result for the same token), and the
  // engine must be free to retry a refresh as soon as the network is back. Nothing is remembered between calls.
  const authClient = (): SupabaseClient =>
    createClient(options.url, options.anonKey, {
      ...common,
      auth: { persistSession: true, storage: FORGETFUL_STORAGE, autoRefreshToken: false, detectSessionInUrl: false },
      global: { fetch: failFastAuthFetch(restFetch) },
    });
  const clientFor = (f: typeof fetch): SupabaseClient =>
    createClient(options.url, options.anonKey, {
      ...common,
      accessToken: async () => access?.token ?? null,
      global: { fetch: f },
    });
  const data = clientFor(restFetch);
  const storage = clientFor(uploadFetch);

  function stored(): DeviceCredentials | null {
    const c = options.credentials.get();
    return c && c.supabaseUrl === options.url ? c : null;
  }

  function accept(session: { access_token: string; refresh_token: string; expires_at?: number; expires_in?: number }, email?: string): DeviceCredentials {
    const claims = jwtClaims(session.access_token);
    const expiresAt = session.expires_at ? session.expires_at * 1000 : now() + (session.expires_in ?? 3600) * 1000;
    access = { token: session.access_token, expiresAt };
    const previous = stored();
    const creds: DeviceCredentials = {
      supabaseUrl: options.url,
      email: email ?? claims.email ?? previous?.email ?? 'device',
      userId: claims.sub ?? previous?.userId ?? 'unknown',
      tenantId: claims.tenantId,
      refreshToken: session.refresh_token,
    };
    // Rotation: the old refresh token is spent now; keep the new one before anything else can fail.
    options.credentials.set(creds);
    return creds;
  }

  async function doRefresh(): Promise<Result<void>> {
    const creds = stored();
    if (!creds) return { ok: false, error: { status: 401, code: 'signed_out', message: 'The kiosk is not signed in to the backend.' } };
    try {
      const { data: d, error } = await authClient().auth.refreshSession({ refresh_token: creds.refreshToken });
      if (error || !d.session) {
        const e = error ? fromAuth(error) : { status: 0, code: '', message: 'no session in the refresh answer', badAnswer: true };
        if (e.status >= 400 && e.status < 500 && e.status !== 408 && e.status !== 429) {
          // The refresh token is dead (revoked, reused, user removed): signed out until the operator signs in.
          options.credentials.clear();
          access = null;
          log(`device token refresh refused (${e.code || e.status}): signed out`);
          return { ok: false, error: { ...e, code: e.code || 'signed_out' } };
        }
        return { ok: false, error: e };
      }
      accept(d.session, creds.email);
      return { ok: true, value: undefined };
    } catch (error) {
      return { ok: false, error: { status: 0, code: '', message: error instanceof Error ? error.message : String(error) } };
    }
  }

  const remote: Remote = {
    url: options.url,
    signedInAs: () => stored()?.email ?? null,
    tenantId: () => stored()?.tenantId ?? null,
    userId: () => stored()?.userId ?? null,
    accessToken: () => (stored() ? access?.token ?? null : null),

    async signIn(email, password, admit) {
      try {
        const client = authClient();
        const { data: d, error } = await client.auth.signInWithPassword({ email, password });
        if (error || !d.session) return { ok: false, error: error ? fromAuth(error) : { status: 0, code: '', message: 'no session in the answer', badAnswer: true } };
        const claims = jwtClaims(d.session.access_token);
        const refusal = admit?.({ tenantId: claims.tenantId, userId: claims.sub });
        if (refusal) {
          // Not used: revoke it (best effort) so no session of the refused user stays alive on the server.
          await client.auth.admin.signOut(d.session.access_token).catch(() => undefined);
          return { ok: false, error: { status: 409, code: 'refused_locally', message: refusal } };
        }
        return { ok: true, value: accept(d.session, email) };
      } catch (error) {
        return { ok: false, error: { status: 0, code: '', message: error instanceof Error ? error.message : String(error) } };
      }
    },

    async signOut() {
      const token = access?.token;
      access = null;
      options.credentials.clear();
      if (token) {
        // Best effort: revoke the refresh token server-side; the local copy is gone either way.
        await authClient().auth.admin.signOut(token).catch(() => undefined);
      }
    },

    refresh() {
      refreshing ??= doRefresh().finally(() => (refreshing = null));
      return refreshing;
    },

    async ensureToken() {
      if (access && access.expiresAt - now() > REFRESH_MARGIN_MS && stored()) return { ok: true, value: undefined };
      return remote.refresh();
    },

    async upsert(table, rows, key = 'id') {
      const res = await data.from(table).upsert(rows).select(key);
      if (res.error) return { ok: false, error: fromPostgrest(res.error, res.status) };
      // The answer must confirm every row we sent: anything else (a proxy's JSON, a truncated list) is not a
      // confirmation, and the rows stay queued.
      if (!Array.isArray(res.data)) return bad(`expected an array of ids, got ${typeof res.data}`);
      const ids = new Set((res.data as unknown as Record<string, unknown>[]).map((r) => (r && typeof r === 'object' ? r[key] : undefined)));
      const missing = rows.filter((r) => !ids.has(r[key]));
      if (missing.length > 0) return bad(`the answer confirmed ${rows.length - missing.length} of ${rows.length} rows`);
      return { ok: true, value: [...ids] as string[] };
    },

    async insertOnce(table, rows, key) {
      // PostgREST: Prefer resolution=ignore-duplicates answers only the rows it inserted, so the rows that were
      // already there (an earlier attempt whose answer was lost) are confirmed by reading their keys back.
      const res = await data.from(table).upsert(rows, { onConflict: key, ignoreDuplicates: true }).select(key);
      if (res.error) return { ok: false, error: fromPostgrest(res.error, res.status) };
      if (!Array.isArray(res.data)) return bad(`expected an array of ${key}s, got ${typeof res.data}`);
      const keyOf = (r: unknown) => (r && typeof r === 'object' ? (r as Record<string, unknown>)[key] : undefined);
      const ids = new Set((res.data as unknown[]).map(keyOf));
      const missing = rows.map((r) => r[key]).filter((k) => !ids.has(k));
      if (missing.length > 0) {
        const again = await data.from(table).select(key).in(key, missing as string[]);
        if (again.error) return { ok: false, error: fromPostgrest(again.error, again.status) };
        if (!Array.isArray(again.data)) return bad(`expected an array of ${key}s, got ${typeof again.data}`);
        for (const r of again.data as unknown[]) ids.add(keyOf(r));
        const still = missing.filter((k) => !ids.has(k));
        if (still.length > 0) return bad(`the backend confirmed ${rows.length - still.length} of ${rows.length} rows`);
      }
      return { ok: true, value: rows.map((r) => String(r[key])) };
    },

    async rpc(fn, args) {
      const res = await data.rpc(fn, args);
      if (res.error) return { ok: false, error: fromPostgrest(res.error, res.status) };
      return { ok: true, value: res.data as unknown };
    },

    async upload(bucket, name, body, contentType) {
      try {
        const { data: d, error } = await storage.storage.from(bucket).upload(name, body, { contentType, upsert: false });
        if (error) return { ok: false, error: fromStorage(error) };
        if (!d || typeof d.path !== 'string' || d.path !== name) return bad(`the upload answer names ${JSON.stringify(d?.path ?? null)}, not ${name}`);
        return { ok: true, value: { path: d.path } };
      } catch (error) {
        return { ok: false, error: { status: 0, code: '', message: error instanceof Error ? error.message : String(error) } };
      }
    },

    async uploadResumable(request) {
      try {
        const r = await uploadResumable({
          ...request,
          endpoint: `${options.url.replace(/\/+$/, '')}/storage/v1/upload/resumable`,
          headers: () => ({ apikey: options.anonKey, ...(access ? { authorization: `Bearer ${access.token}` } : {}) }),
        });
        if (!r.ok) return { ok: false, error: { status: r.status, code: r.status ? String(r.status) : '', message: r.message } };
        return { ok: true, value: { path: request.objectName, resumedFrom: r.resumedFrom, bytesSent: r.bytesSent } };
      } catch (error) {
        return { ok: false, error: { status: 0, code: '', message: error instanceof Error ? error.message : String(error) } };
      }
    },

    async pullPage(table, after, from, limit) {
      let q = data.from(table).select(PULL_COLUMNS[table]).order('updated_at', { ascending: true }).order('id', { ascending: true }).limit(limit);
      if (from) q = q.gte('updated_at', from);
      else if (after) q = q.or(`updated_at.gt."${after.updatedAt}",and(updated_at.eq."${after.updatedAt}",id.gt.${after.id})`);
      // No built-in GET retries (1 + 2 + 4 s while offline): the engine has its own backoff.
      const res = await q.retry(false);
      if (res.error) return { ok: false, error: fromPostgrest(res.error, res.status) };
      if (!Array.isArray(res.data)) return bad(`expected an array of ${table}, got ${res.data === null ? 'null' : typeof res.data}`);
      return { ok: true, value: res.data as unknown[] };
    },
  };
  return remote;
}

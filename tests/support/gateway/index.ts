// Test support, never shipped: a small Supabase-compatible HTTP gateway (node:http + pg) in front of a real
// PostgreSQL that has Supabase's roles/schemas (tests/support/supabase-shim.sql) and the project's migrations.
// It speaks the wire protocol supabase-js 2 uses (docs/supabase-wire.md §3 to §5):
//   /rest/v1     PostgREST subset: select/insert/upsert/update/delete/rpc, filters, single, counts, errors by SQLSTATE
//   /auth/v1     GoTrue subset: password and refresh-token grants (rotation), /user, /logout
//   /storage/v1  storage-api subset: object upload (raw or multipart, x-upsert), update (PUT), download (as the
//                caller under RLS, with a byte Range)
// RLS is enforced the way PostgREST does it: it logs in as `authenticator` and, per request, inside one
// transaction, switches `role` and sets `request.jwt.claims` with set_config(…, true).
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import pg from 'pg';
import { inRole } from './as-role';
import { createTusHandler, TUS_PATH, type TusStats } from './tus';
import { authError, fromPgError, HttpError, isPgError, pgrstError, storageError } from './errors';
import { FaultState, type Faults } from './faults';
import { signJwt, verifyJwt, type JwtClaims } from './jwt';
import { boundaryOf, MultipartError, parseMultipart } from './multipart';
import { startRealtime, type RealtimeServer } from './realtime';
import {
  buildCount, buildDelete, buildInsert, buildOrder, buildRpc, buildSelect, buildSelectList, buildUpdate, buildWhere,
  checkPayloadColumns, isPlainObject, parseColumns, parseNonNegativeInt, parsePrefer, resolveFunction,
  type FunctionInfo, type TableInfo,
} from './postgrest';

export type { Faults } from './faults';

export interface GatewayOptions {
  /** Superuser connection URL (tests/support/postgres.ts `url`). */
  pgUrl: string;
  /** Where the gateway logs in for API requests; default: pgUrl with authenticator:authenticator. */
  authenticatorUrl?: string;
  jwtSecret: string;
  /** 0 (default) = a free port on 127.0.0.1. */
  port?: number;
  /** Access-token lifetime (GoTrue's `expires_in`), seconds. Default 3600. ≤ 90 makes supabase-js refresh before
   *  every call. */
  accessTokenTtlSec?: number;
  /** Global Storage upload limit in bytes (bucket limits apply on top). Default 100 MiB. */
  maxUploadBytes?: number;
  /** Where uploaded objects go; default a fresh temp dir, removed on close(). */
  storageDir?: string;
  /** How long a resumable upload stays resumable (storage-api TUS_URL_EXPIRY_MS). Default 1 h. */
  tusExpiryMs?: number;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number | 'dropped';
}

export interface Gateway {
  url: string;
  port: number;
  anonKey: string;
  serviceKey: string;
  jwtSecret: string;
  /** Live fault state; assign a whole object or single fields. */
  faults: Faults;
  storageDir: string;
  /** The last 1000 requests, oldest first. */
  readonly log: RequestLogEntry[];
  /** A confirmed device user whose JWTs carry app_metadata.tenant_id (and app_metadata.role when given:
   *  'observer' or 'reviewer' for people; absent means a kiosk device, see public.current_app_role()). */
  createDeviceUser(email: string, password: string, tenantId: string, role?: 'device' | 'observer' | 'reviewer'): Promise<{ id: string }>;
  /** Path of the stored file for bucket/name, or null. */
  objectFile(bucket: string, name: string): Promise<string | null>;
  /** Resolves when a `faults.down` change has taken effect. */
  settled(): Promise<void>;
  /** Realtime (`/realtime/v1/websocket`): postgres_changes over Phoenix channels, see ./realtime.ts. */
  realtime: RealtimeServer;
  /** Resumable uploads (./tus.ts): bytes received, PATCHes, cuts made. */
  readonly tus: TusStats;
  close(): Promise<void>;
}

const API_VERSION = '2024-01-01';
const MAX_JSON_BYTES = 16 * 1024 * 1024;
const ROLES = new Set(['anon', 'authenticated', 'service_role']);

interface Schema {
  tables: Map<string, TableInfo>;
  functions: Map<string, FunctionInfo[]>;
}

interface Caller {
  role: string;
  claims: JwtClaims;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    ...(text ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  // destroyOnReturn: false — leaving the loop early (too large) must not destroy the socket we still answer on.
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    size += (chunk as Buffer).length;
    if (size > limit) throw pgrstError(413, 'PGRST413', `request body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function loadSchema(admin: pg.Pool): Promise<Schema> {
  const cols = await admin.query<{ table: string; column: string; type: string }>(`
    select c.relname as "table", a.attname as "column", format_type(a.atttypid, a.atttypmod) as "type"
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid
     where n.nspname = 'public' and c.relkind in ('r', 'v', 'm', 'p', 'f') and a.attnum > 0 and not a.attisdropped
     order by c.relname, a.attnum`);
  const pks = await admin.query<{ table: string; cols: string[] }>(`
    select c.relname as "table", array_agg(a.attname::text order by array_position(i.indkey::int2[], a.attnum)) as cols
      from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum = any(i.indkey::int2[])
     where i.indisprimary and n.nspname = 'public'
     group by c.relname`);
  const fns = await admin.query<{
    name: string; argnames: string[] | null; argmodes: string[] | null; argtypes: string[]; allargtypes: string[] | null;
    defaults: number; retset: boolean; isvoid: boolean; typtype: string;
  }>(`
    select p.proname as name, p.proargnames as argnames, p.proargmodes::text[] as argmodes,
           array(select format_type(t, null) from unnest(p.proargtypes::oid[]) with ordinality u(t, i) order by i) as argtypes,
           case when p.proallargtypes is null then null
                else array(select format_type(t, null) from unnest(p.proallargtypes) with ordinality u(t, i) order by i) end as allargtypes,
           p.pronargdefaults::int as defaults, p.proretset as retset, p.prorettype = 'void'::regtype as isvoid,
           t.typtype::text as typtype
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_type t on t.oid = p.prorettype
     where n.nspname = 'public' and p.prokind = 'f'`);
  const tables = new Map<string, TableInfo>();
  for (const r of cols.rows) {
    let t = tables.get(r.table);
    if (!t) { t = { name: r.table, columns: new Map(), primaryKey: [] }; tables.set(r.table, t); }
    t.columns.set(r.column, r.type);
  }
  for (const r of pks.rows) { const t = tables.get(r.table); if (t) t.primaryKey = r.cols; }
  const functions = new Map<string, FunctionInfo[]>();
  for (const f of fns.rows) {
    const args: { name: string; type: string }[] = [];
    if (f.argmodes && f.allargtypes) {
      f.argmodes.forEach((mode, i) => {
        if (mode === 'i' || mode === 'b' || mode === 'v') args.push({ name: f.argnames?.[i] ?? '', type: f.allargtypes![i]! });
      });
    } else {
      f.argtypes.forEach((type, i) => args.push({ name: f.argnames?.[i] ?? '', type }));
    }
    // Unnamed arguments cannot be passed by name from a JSON object; such overloads are unreachable, like in PostgREST.
    if (args.some((a) => a.name === '')) continue;
    const info: FunctionInfo = {
      name: f.name, args, defaults: f.defaults, returnsSet: f.retset,
      returnKind: f.isvoid ? 'void' : f.typtype === 'c' ? 'composite' : 'scalar',
    };
    const list = functions.get(f.name) ?? [];
    list.push(info);
    functions.set(f.name, list);
  }
  return { tables, functions };
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { pgUrl, jwtSecret } = options;
  if (!jwtSecret || jwtSecret.length < 16) throw new Error('startGateway: jwtSecret must be at least 16 characters');
  const ttl = options.accessTokenTtlSec ?? 3600;
  const maxUpload = options.maxUploadBytes ?? 100 * 1024 * 1024;
  const ownStorageDir = !options.storageDir;
  const storageDir = options.storageDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'gw-storage-'));
  fs.mkdirSync(path.join(storageDir, '.tmp'), { recursive: true });

  const authUrl = new URL(options.authenticatorUrl ?? pgUrl);
  if (!options.authenticatorUrl) { authUrl.username = 'authenticator'; authUrl.password = 'authenticator'; }
  const pgOptions = '-c timezone=UTC -c statement_timeout=30000';
  const admin = new pg.Pool({ connectionString: pgUrl, max: 3, options: pgOptions });
  const api = new pg.Pool({ connectionString: authUrl.toString(), max: 10, options: pgOptions });
  admin.on('error', () => {});
  api.on('error', () => {});

  let schema = await loadSchema(admin);
  const refreshSchema = async () => { schema = await loadSchema(admin); };

  const nowSec = () => Math.floor(Date.now() / 1000);
  const anonKey = signJwt({ iss: 'supabase-test-gateway', role: 'anon', iat: nowSec(), exp: nowSec() + 10 * 365 * 86400 }, jwtSecret);
  const serviceKey = signJwt({ iss: 'supabase-test-gateway', role: 'service_role', iat: nowSec(), exp: nowSec() + 10 * 365 * 86400 }, jwtSecret);

  // Access tokens this gateway issued, for the expireTokens fault.
  const issuedTokens = new Set<string>();
  const expiredTokens = new Set<string>();
  const sockets = new Set<Socket>();
  const log: RequestLogEntry[] = [];
  let pending: Promise<void> = Promise.resolve();
  let port = options.port ?? 0;
  let closed = false;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) sendJson(res, 500, { code: 'XX000', details: null, hint: null, message: `gateway error: ${(err as Error).message}` });
      else res.destroy();
    });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  server.requestTimeout = 0; // 40 MB+ uploads over a slow test may take a while; faults bound our own holds.
  // Outlive the client's idle keep-alive (undici: 4 s) so the server never closes a pooled connection at the moment
  // the client reuses it (a spurious ECONNRESET on a loaded machine).
  server.keepAliveTimeout = 60_000;

  const listen = () => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      port = (server.address() as AddressInfo).port;
      resolve();
    });
  });
  const unlisten = () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    for (const s of sockets) s.destroy();
  });

  const faults = new FaultState({
    onExpireTokens: () => { for (const t of issuedTokens) expiredTokens.add(t); issuedTokens.clear(); },
    onDown: (down) => { pending = pending.then(() => (closed ? undefined : down ? unlisten() : listen())); },
  });

  const realtime = await startRealtime({
    pgUrl, authenticatorUrl: authUrl.toString(), jwtSecret, anonKey, serviceKey,
    isRevoked: (token) => expiredTokens.has(token),
  });
  server.on('upgrade', (req, socket, head) => realtime.handleUpgrade(req, socket, head));

  await listen();
  const url = `http://127.0.0.1:${port}`;

  const tus = createTusHandler<Caller>({
    storageDir, maxUpload, expiryMs: options.tusExpiryMs ?? 60 * 60_000, faults,
    authenticate: (req, u) => authenticate(req, u, 'storage'),
    bucket: async (id) => (await admin.query<{ file_size_limit: string | null; allowed_mime_types: string[] | null }>(
      'select file_size_limit, allowed_mime_types from storage.buckets where id = $1', [id])).rows[0] ?? null,
    // storage-api's canUpload: the object INSERT as the caller, rolled back (RLS refusal 403, existing name 409).
    canCreate: async (req, caller, bucket, name) => {
      const probe = new Error('permission probe');
      try {
        await asCaller(caller, req, async (c) => {
          const owner = typeof caller.claims.sub === 'string' ? caller.claims.sub : null;
          await c.query(`insert into storage.objects (id, bucket_id, name, owner, owner_id, metadata, version)
                         values ($1, $2, $3, $4::uuid, $4, '{}'::jsonb, $5)`, [crypto.randomUUID(), bucket, name, owner, crypto.randomUUID()]);
          throw probe;
        });
      } catch (err) {
        if (err === probe) return;
        if (err instanceof HttpError && typeof err.body === 'object' && err.body && 'code' in err.body && !('statusCode' in err.body)) {
          throw storageFromPg(String((err.body as { code: string }).code), err.message);
        }
        throw err;
      }
    },
    checkMime: (bucket, mimetype) => checkMime(bucket, mimetype),
    commit: (req, caller, bucket, name, tmp, o) => commitObject(req, caller, bucket, name, tmp, o),
    record: (req, status) => record(req, status),
  });

  function record(req: http.IncomingMessage, status: number | 'dropped'): void {
    log.push({ method: req.method ?? '', path: (req.url ?? '').split('?')[0]!, status });
    if (log.length > 1000) log.shift();
  }

  function drop(req: http.IncomingMessage, res: http.ServerResponse): void {
    record(req, 'dropped');
    res.socket?.destroy();
  }

  function reply(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    record(req, status);
    sendJson(res, status, body, headers);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', url);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
        'Access-Control-Allow-Headers': header(req, 'access-control-request-headers') ?? '*',
      });
      res.end();
      return;
    }
    if (faults.delayMs > 0) await sleep(faults.delayMs);
    const hold = faults.takeTimeout();
    if (hold !== null) {
      req.resume();
      await sleep(hold);
      drop(req, res);
      return;
    }
    const injected = faults.take5xx();
    if (injected !== null) {
      req.resume();
      reply(req, res, injected, { code: 'PGRST000', details: null, hint: null, message: 'injected fault: upstream error' });
      return;
    }
    if (faults.takeHtml()) {
      req.resume();
      record(req, 200);
      const page = '<!doctype html><html><head><title>Welcome</title></head><body>Please accept the terms to use this network.</body></html>';
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(Buffer.byteLength(page)) });
      res.end(page);
      return;
    }
    try {
      if (u.pathname.startsWith('/rest/v1/')) await handleRest(req, res, u);
      else if (u.pathname.startsWith('/auth/v1/')) await handleAuth(req, res, u);
      else if (u.pathname === TUS_PATH || u.pathname.startsWith(`${TUS_PATH}/`)) await tus.handle(req, res, u);
      else if (u.pathname.startsWith('/storage/v1/')) await handleStorage(req, res, u);
      else reply(req, res, 404, { message: 'no Route matched with those values' });
    } catch (err) {
      if (res.headersSent || res.destroyed) return;
      req.resume();
      if (err instanceof HttpError) reply(req, res, err.status, err.body, err.headers);
      else throw err;
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Keys and JWTs

  /** apikey check (Kong) then the Bearer token (PostgREST/storage-api); returns the role and claims. */
  function authenticate(req: http.IncomingMessage, u: URL, kind: 'rest' | 'storage'): Caller {
    const apikey = header(req, 'apikey') ?? u.searchParams.get('apikey') ?? undefined;
    if (!apikey) throw new HttpError(401, { message: 'No API key found in request', hint: 'No `apikey` request header or url param was found.' });
    if (apikey !== anonKey && apikey !== serviceKey) {
      throw new HttpError(401, { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' });
    }
    const auth = header(req, 'authorization');
    const m = auth ? /^Bearer\s+(\S+)$/i.exec(auth) : null;
    if (auth && !m) throw jwtFailure(kind, 'PGRST301', 'Authorization header is not a Bearer token');
    const token = m ? m[1]! : apikey;
    const v = verifyJwt(token, jwtSecret);
    if (!v.ok) {
      throw v.reason === 'expired' ? jwtFailure(kind, 'PGRST303', 'JWT expired') : jwtFailure(kind, 'PGRST301', v.message);
    }
    if (expiredTokens.has(token)) throw jwtFailure(kind, 'PGRST303', 'JWT expired');
    const role = typeof v.claims.role === 'string' ? v.claims.role : 'anon';
    if (!ROLES.has(role)) throw jwtFailure(kind, 'PGRST303', `role "${role}" is not allowed`);
    return { role, claims: v.claims };
  }

  function jwtFailure(kind: 'rest' | 'storage', code: string, message: string): HttpError {
    if (kind === 'storage') return storageError('403', 'Unauthorized', message === 'JWT expired' ? 'jwt expired' : message, 'InvalidJWT');
    const desc = message.replace(/"/g, "'");
    return new HttpError(401, { code, details: null, hint: null, message },
      { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${desc}"` });
  }

  /** One transaction as the caller's role, with the claims PostgREST sets. */
  async function asCaller<T>(caller: Caller, req: http.IncomingMessage, fn: (c: pg.PoolClient) => Promise<T>, afterCommit?: () => void): Promise<T> {
    try {
      const result = await inRole(api, caller.role, caller.claims, { method: req.method ?? '', path: (req.url ?? '').split('?')[0]! }, fn);
      afterCommit?.();
      return result;
    } catch (err) {
      if (isPgError(err)) throw fromPgError(err, caller.role);
      throw err;
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // PostgREST

  async function tableInfo(name: string): Promise<TableInfo> {
    let t = schema.tables.get(name);
    if (!t) { await refreshSchema(); t = schema.tables.get(name); }
    if (!t) {
      throw pgrstError(404, 'PGRST205', `Could not find the table 'public.${name}' in the schema cache`);
    }
    return t;
  }

  async function handleRest(req: http.IncomingMessage, res: http.ServerResponse, u: URL): Promise<void> {
    const caller = authenticate(req, u, 'rest');
    const profile = header(req, req.method === 'GET' || req.method === 'HEAD' ? 'accept-profile' : 'content-profile');
    if (profile && profile !== 'public') {
      throw pgrstError(406, 'PGRST106', 'Invalid schema: ' + profile, null, 'Only the following schemas are exposed: public');
    }
    const rest = u.pathname.slice('/rest/v1/'.length);
    const params = u.searchParams;
    const prefer = parsePrefer(header(req, 'prefer'));
    const accept = header(req, 'accept') ?? '';
    const singular = accept.startsWith('application/vnd.pgrst.object+json');
    const stripNulls = /nulls=stripped/.test(accept);
    const countExact = prefer.count === 'exact' || prefer.count === 'planned' || prefer.count === 'estimated';
    const method = req.method ?? 'GET';

    if (rest.startsWith('rpc/')) {
      if (method !== 'POST') throw pgrstError(405, 'PGRST101', 'Only POST is supported for RPC by the test gateway');
      await rpc(req, res, caller, decodeURIComponent(rest.slice(4)), singular, stripNulls);
      return;
    }
    if (!/^[A-Za-z_][\w]*$/.test(rest)) throw pgrstError(404, 'PGRST205', `Could not find the table 'public.${rest}' in the schema cache`);
    const table = await tableInfo(rest);
    const representation = prefer.return === 'representation';

    const finish = (status: number, bodyText: string | null, n: number, total: number | null, isMutation: boolean) => {
      let out: string | null = bodyText;
      if (singular && (isMutation ? representation || n !== 1 : true)) {
        if (n !== 1) {
          throw pgrstError(406, 'PGRST116', 'Cannot coerce the result to a single JSON object', `The result contains ${n} rows`);
        }
        out = bodyText === null ? null : JSON.stringify(stripped(JSON.parse(bodyText)[0], stripNulls));
      } else if (out !== null && stripNulls) {
        out = JSON.stringify((JSON.parse(out) as unknown[]).map((r) => stripped(r, true)));
      }
      const headers: Record<string, string> = {};
      if (countExact || !isMutation) {
        const offset = Number(params.get('offset') ?? 0);
        const range = n > 0 && !isMutation ? `${offset}-${offset + n - 1}` : '*';
        headers['Content-Range'] = `${range}/${countExact && total !== null ? total : '*'}`;
      }
      if (singular && out !== null) headers['Content-Type'] = 'application/vnd.pgrst.object+json; charset=utf-8';
      return { status, out, headers };
    };

    if (method === 'GET' || method === 'HEAD') {
      const select = buildSelectList(params.get('select'), table);
      const where = buildWhere(params, table);
      const sql = buildSelect({
        table, select, where: where.sql, order: buildOrder(params.get('order'), table),
        limit: parseNonNegativeInt('limit', params.get('limit')), offset: parseNonNegativeInt('offset', params.get('offset')),
      });
      const r = await asCaller(caller, req, async (c) => {
        const rows = (await c.query<{ body: string; n: number }>(sql, where.values)).rows[0]!;
        const total = countExact ? (await c.query<{ n: number }>(buildCount(table, where.sql), where.values)).rows[0]!.n : null;
        return finish(200, rows.body, rows.n, total, false);
      });
      record(req, r.status);
      const text = method === 'HEAD' ? '' : r.out ?? '';
      res.writeHead(r.status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)), ...r.headers });
      res.end(text);
      return;
    }

    const raw = await readBody(req, MAX_JSON_BYTES);
    let body: unknown;
    try {
      body = raw.length ? JSON.parse(raw.toString('utf8')) : method === 'DELETE' ? {} : undefined;
    } catch (err) {
      throw pgrstError(400, 'PGRST102', 'Empty or invalid json', (err as Error).message);
    }
    const returning = representation ? buildSelectList(params.get('select'), table) : null;
    let result: { status: number; out: string | null; headers: Record<string, string> };

    if (method === 'POST') {
      const rows = Array.isArray(body) ? body : [body];
      if (rows.length === 0 || !rows.every(isPlainObject)) throw pgrstError(400, 'PGRST102', 'Empty or invalid json', 'expected an object or a non-empty array of objects');
      const objects = rows as Record<string, unknown>[];
      let columns: string[];
      const columnsParam = params.get('columns');
      if (columnsParam) columns = parseColumns(columnsParam, table);
      else {
        const first = Object.keys(objects[0]!);
        if (objects.some((o) => Object.keys(o).length !== first.length || !first.every((k) => k in o))) {
          throw pgrstError(400, 'PGRST102', 'All object keys must match');
        }
        columns = checkPayloadColumns(first, table);
      }
      const resolution = prefer.resolution === 'merge-duplicates' ? 'merge' : prefer.resolution === 'ignore-duplicates' ? 'ignore' : null;
      const onConflictParam = params.get('on_conflict');
      const onConflict = onConflictParam ? parseColumns(onConflictParam, table) : null;
      // missing=default: a key absent from a row takes the column DEFAULT, not NULL. Rows are grouped by the set of
      // keys they carry and each group is inserted with only those columns (same transaction).
      const groups: { columns: string[]; rows: Record<string, unknown>[] }[] = [];
      if (prefer.missing === 'default') {
        const byKey = new Map<string, { columns: string[]; rows: Record<string, unknown>[] }>();
        for (const o of objects) {
          const cols = columns.filter((c) => c in o);
          const key = cols.join('\u0000');
          const g = byKey.get(key) ?? { columns: cols, rows: [] };
          g.rows.push(o);
          byKey.set(key, g);
        }
        groups.push(...byKey.values());
      } else groups.push({ columns, rows: objects });

      const reset = { drop: false };
      result = await asCaller(caller, req, async (c) => {
        const bodies: unknown[] = [];
        let n = 0;
        let inserted = 0;
        for (const g of groups) {
          const sql = buildInsert({ table, columns: g.columns, onConflict, resolution, returning });
          const r = (await c.query<{ body: string | null; n: number; inserted: number | null }>(sql, [JSON.stringify(g.rows)])).rows[0]!;
          n += r.n;
          inserted += r.inserted ?? r.n;
          if (r.body) bodies.push(...(JSON.parse(r.body) as unknown[]));
        }
        const status = resolution === 'merge' && returning !== null && inserted === 0 && n > 0 ? 200 : 201;
        const out = finish(status, returning === null ? null : JSON.stringify(bodies), n, n, true);
        reset.drop = faults.takeResetAfterCommit();
        return out;
      });
      if (reset.drop) { drop(req, res); return; }
    } else if (method === 'PATCH' || method === 'DELETE') {
      const where = buildWhere(params, table, method === 'PATCH' ? 1 : 0);
      if (!where.sql) {
        throw pgrstError(400, '21000', `${method === 'PATCH' ? 'UPDATE' : 'DELETE'} requires a WHERE clause`);
      }
      let sql: string;
      let values: unknown[];
      if (method === 'PATCH') {
        if (!isPlainObject(body)) throw pgrstError(400, 'PGRST102', 'Empty or invalid json', 'PATCH expects one JSON object');
        const columns = checkPayloadColumns(Object.keys(body), table);
        if (columns.length === 0) throw pgrstError(400, 'PGRST102', 'Empty or invalid json', 'nothing to update');
        sql = buildUpdate({ table, columns, where: where.sql, returning, paramIndex: 1 });
        values = [JSON.stringify(body), ...where.values];
      } else {
        sql = buildDelete({ table, where: where.sql, returning });
        values = where.values;
      }
      const reset = { drop: false };
      result = await asCaller(caller, req, async (c) => {
        const r = (await c.query<{ body: string | null; n: number }>(sql, values)).rows[0]!;
        const out = finish(returning === null ? 204 : 200, r.body, r.n, r.n, true);
        reset.drop = faults.takeResetAfterCommit();
        return out;
      });
      if (reset.drop) { drop(req, res); return; }
    } else {
      throw pgrstError(405, 'PGRST117', `Unsupported HTTP method: ${method}`);
    }
    record(req, result.status);
    const text = result.out ?? '';
    res.writeHead(result.status, {
      ...(text ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
      'Content-Length': String(Buffer.byteLength(text)),
      ...result.headers,
    });
    res.end(text);
  }

  async function rpc(req: http.IncomingMessage, res: http.ServerResponse, caller: Caller, name: string, singular: boolean, stripNulls: boolean): Promise<void> {
    const raw = await readBody(req, MAX_JSON_BYTES);
    let args: unknown;
    try { args = raw.length ? JSON.parse(raw.toString('utf8')) : {}; } catch (err) {
      throw pgrstError(400, 'PGRST102', 'Empty or invalid json', (err as Error).message);
    }
    if (!isPlainObject(args)) throw pgrstError(400, 'PGRST102', 'Empty or invalid json', 'RPC arguments must be a JSON object');
    const keys = Object.keys(args);
    let fn = resolveFunction(schema.functions.get(name) ?? [], keys);
    if (!fn) { await refreshSchema(); fn = resolveFunction(schema.functions.get(name) ?? [], keys); }
    if (!fn) {
      throw pgrstError(404, 'PGRST202', `Could not find the function public.${name}(${[...keys].sort().join(', ')}) in the schema cache`,
        `Searched for the function public.${name} with parameters ${[...keys].sort().join(', ') || 'none'} in the schema cache, but no matches were found.`);
    }
    const sql = buildRpc(fn, keys);
    const f = fn;
    const reset = { drop: false };
    const r = await asCaller(caller, req, async (c) => {
      const row = (await c.query<{ body: string | null; n: number }>(sql, [JSON.stringify(args)])).rows[0];
      if (f.returnsSet && singular && (row?.n ?? 0) !== 1) {
        throw pgrstError(406, 'PGRST116', 'Cannot coerce the result to a single JSON object', `The result contains ${row?.n ?? 0} rows`);
      }
      reset.drop = faults.takeResetAfterCommit();
      return row ?? { body: null, n: 0 };
    });
    if (reset.drop) { drop(req, res); return; }
    if (f.returnKind === 'void' && !f.returnsSet) { record(req, 204); res.writeHead(204); res.end(); return; }
    let out = r.body ?? 'null';
    if (f.returnsSet && singular) out = JSON.stringify(stripped((JSON.parse(out) as unknown[])[0], stripNulls));
    else if (stripNulls) {
      const v = JSON.parse(out) as unknown;
      out = JSON.stringify(Array.isArray(v) ? v.map((x) => stripped(x, true)) : stripped(v, true));
    }
    reply(req, res, 200, out);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Auth (GoTrue)

  interface UserRow {
    id: string; email: string; email_confirmed_at: string | null; last_sign_in_at: string | null;
    raw_app_meta_data: Record<string, unknown>; raw_user_meta_data: Record<string, unknown>;
    created_at: string; updated_at: string;
  }

  const userJson = (u: UserRow) => ({
    id: u.id, aud: 'authenticated', role: 'authenticated', email: u.email,
    email_confirmed_at: u.email_confirmed_at, phone: '', confirmed_at: u.email_confirmed_at,
    last_sign_in_at: u.last_sign_in_at, app_metadata: u.raw_app_meta_data, user_metadata: u.raw_user_meta_data,
    identities: [], created_at: u.created_at, updated_at: u.updated_at, is_anonymous: false,
  });

  const USER_COLS = `id, email, to_json(email_confirmed_at) #>> '{}' as email_confirmed_at,
    to_json(last_sign_in_at) #>> '{}' as last_sign_in_at, raw_app_meta_data, raw_user_meta_data,
    to_json(created_at) #>> '{}' as created_at, to_json(updated_at) #>> '{}' as updated_at`;

  function issueAccessToken(u: UserRow, sessionId: string): { token: string; exp: number } {
    const iat = nowSec();
    const exp = iat + ttl;
    const token = signJwt({
      iss: `${url}/auth/v1`, sub: u.id, aud: 'authenticated', exp, iat, email: u.email, phone: '',
      app_metadata: u.raw_app_meta_data, user_metadata: u.raw_user_meta_data, role: 'authenticated',
      aal: 'aal1', amr: [{ method: 'password', timestamp: iat }], session_id: sessionId, is_anonymous: false,
    }, jwtSecret);
    issuedTokens.add(token);
    // Same user, session and second give the same JWT; a token issued now is valid even if an identical one was expired.
    expiredTokens.delete(token);
    return { token, exp };
  }

  async function newSession(u: UserRow, sessionId: string, client: pg.PoolClient | pg.Pool, parent: string | null) {
    const refresh = crypto.randomBytes(18).toString('base64url');
    await client.query('insert into auth.refresh_tokens (token, user_id, session_id, parent) values ($1, $2, $3, $4)',
      [refresh, u.id, sessionId, parent]);
    const { token, exp } = issueAccessToken(u, sessionId);
    return {
      access_token: token, token_type: 'bearer', expires_in: ttl, expires_at: exp, refresh_token: refresh, user: userJson(u),
    };
  }

  async function handleAuth(req: http.IncomingMessage, res: http.ServerResponse, u: URL): Promise<void> {
    const h = { 'X-Supabase-Api-Version': API_VERSION };
    const fail = (e: HttpError) => { req.resume(); reply(req, res, e.status, e.body, h); };
    const apikey = header(req, 'apikey') ?? u.searchParams.get('apikey');
    if (!apikey) return fail(new HttpError(401, { message: 'No API key found in request', hint: 'No `apikey` request header or url param was found.' }));
    if (apikey !== anonKey && apikey !== serviceKey) return fail(new HttpError(401, { message: 'Invalid API key' }));
    const route = u.pathname.slice('/auth/v1'.length);
    try {
      if (route === '/health' && req.method === 'GET') return reply(req, res, 200, { version: 'test-gateway', name: 'GoTrue' }, h);
      if (route === '/token' && req.method === 'POST') {
        const raw = await readBody(req, 64 * 1024);
        let body: unknown;
        try { body = JSON.parse(raw.toString('utf8')); } catch { throw authError(400, 'bad_json', 'Could not parse request body as JSON'); }
        if (!isPlainObject(body)) throw authError(400, 'bad_json', 'Request body must be a JSON object');
        const grant = u.searchParams.get('grant_type');
        if (grant === 'password') return reply(req, res, 200, await passwordGrant(body), h);
        if (grant === 'refresh_token') return reply(req, res, 200, await refreshGrant(body), h);
        throw authError(400, 'validation_failed', 'unsupported_grant_type');
      }
      if (route === '/user' && req.method === 'GET') return reply(req, res, 200, await currentUser(req), h);
      if (route === '/logout' && req.method === 'POST') {
        req.resume();
        const v = bearerClaims(req);
        const scope = u.searchParams.get('scope') ?? 'global';
        if (scope === 'local') await admin.query('update auth.refresh_tokens set revoked = true where session_id = $1', [v.session_id]);
        else if (scope === 'global') await admin.query('update auth.refresh_tokens set revoked = true where user_id = $1', [v.sub]);
        record(req, 204); res.writeHead(204, h); res.end();
        return;
      }
      throw authError(404, 'not_found', `${req.method} ${route} is not implemented by the test gateway`);
    } catch (err) {
      if (err instanceof HttpError) return fail(err);
      throw err;
    }
  }

  async function passwordGrant(body: Record<string, unknown>) {
    const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    if (!email || !password) throw authError(400, 'validation_failed', 'missing email or password');
    const r = await admin.query<UserRow>(
      `update auth.users set last_sign_in_at = now()
        where email = $1 and encrypted_password = extensions.crypt($2, encrypted_password)
        returning ${USER_COLS}`, [email, password]);
    const user = r.rows[0];
    if (!user) throw authError(400, 'invalid_credentials', 'Invalid login credentials');
    return newSession(user, crypto.randomUUID(), admin, null);
  }

  async function refreshGrant(body: Record<string, unknown>) {
    const token = typeof body.refresh_token === 'string' ? body.refresh_token : '';
    if (!token) throw authError(400, 'validation_failed', 'refresh_token required');
    const client = await admin.connect();
    try {
      await client.query('BEGIN');
      // Rotation: the presented token is revoked and a child issued, atomically (row lock serializes races).
      const r = await client.query<{ user_id: string; session_id: string }>(
        'update auth.refresh_tokens set revoked = true, updated_at = now() where token = $1 and not revoked returning user_id, session_id', [token]);
      const row = r.rows[0];
      if (!row) {
        await client.query('ROLLBACK');
        const known = await admin.query('select 1 from auth.refresh_tokens where token = $1', [token]);
        throw known.rowCount
          ? authError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used')
          : authError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
      }
      const user = (await client.query<UserRow>(`select ${USER_COLS} from auth.users where id = $1`, [row.user_id])).rows[0];
      if (!user) { await client.query('ROLLBACK'); throw authError(400, 'user_not_found', 'User not found'); }
      const session = await newSession(user, row.session_id, client, token);
      await client.query('COMMIT');
      return session;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  function bearerClaims(req: http.IncomingMessage): JwtClaims & { sub: string; session_id?: string } {
    const m = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization') ?? '');
    if (!m) throw authError(401, 'no_authorization', 'This endpoint requires a Bearer token');
    const v = verifyJwt(m[1]!, jwtSecret);
    if (!v.ok || expiredTokens.has(m[1]!)) {
      const why = !v.ok && v.reason !== 'expired' ? 'unable to parse or verify signature' : 'token is expired';
      throw authError(403, 'bad_jwt', `invalid JWT: unable to parse or verify signature, ${why}`);
    }
    if (typeof v.claims.sub !== 'string') throw authError(403, 'bad_jwt', 'invalid claim: missing sub claim');
    return v.claims as JwtClaims & { sub: string };
  }

  async function currentUser(req: http.IncomingMessage) {
    const claims = bearerClaims(req);
    const r = await admin.query<UserRow>(`select ${USER_COLS} from auth.users where id = $1`, [claims.sub]);
    if (!r.rows[0]) throw authError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
    return userJson(r.rows[0]);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Storage

  function objectPath(bucket: string, name: string, version: string): string {
    return path.join(storageDir, bucket, ...name.split('/'), version);
  }

  function parseObjectName(segments: string[]): string {
    let parts: string[];
    try { parts = segments.map((s) => decodeURIComponent(s)); } catch { throw storageError('400', 'InvalidKey', 'Invalid key: bad percent-encoding', 'InvalidKey'); }
    const name = parts.join('/');
    if (!name || name.length > 1024 || parts.some((p) => p === '' || p === '.' || p === '..' || /[\u0000-\u001f\\]/.test(p))) {
      throw storageError('400', 'InvalidKey', `Invalid key: ${name}`, 'InvalidKey');
    }
    return name;
  }

  async function handleStorage(req: http.IncomingMessage, res: http.ServerResponse, u: URL): Promise<void> {
    // The raw request path: URL parsing would resolve "." and ".." segments, which must be refused instead.
    const rawPath = (req.url ?? '').split('?')[0]!;
    const segments = rawPath.slice('/storage/v1/'.length).split('/');
    if (segments[0] !== 'object' || segments.length < 3) {
      throw storageError('404', 'not_found', `Route ${req.method}:${u.pathname} not found`);
    }
    const caller = authenticate(req, u, 'storage');
    let rest = segments.slice(1);
    if ((req.method === 'GET' || req.method === 'HEAD') && rest[0] === 'authenticated') rest = rest.slice(1);
    const bucketId = decodeURIComponent(rest[0] ?? '');
    const name = parseObjectName(rest.slice(1));
    if (req.method === 'GET' || req.method === 'HEAD') return download(req, res, caller, bucketId, name);
    if (req.method !== 'POST' && req.method !== 'PUT') throw storageError('405', 'method_not_allowed', `${req.method} is not supported`);
    return upload(req, res, caller, bucketId, name);
  }

  async function upload(req: http.IncomingMessage, res: http.ServerResponse, caller: Caller, bucketId: string, name: string): Promise<void> {
    const bucket = (await admin.query<{ id: string; file_size_limit: string | null; allowed_mime_types: string[] | null }>(
      'select id, file_size_limit, allowed_mime_types from storage.buckets where id = $1', [bucketId])).rows[0];
    if (!bucket) throw storageError('404', 'Bucket not found', 'Bucket not found', 'NoSuchBucket');
    const limit = Math.min(maxUpload, bucket.file_size_limit ? Number(bucket.file_size_limit) : Infinity);
    const isUpdate = req.method === 'PUT';
    const upsert = !isUpdate && header(req, 'x-upsert') === 'true';
    const tmp = path.join(storageDir, '.tmp', crypto.randomUUID());
    let size = 0;
    let md5 = '';
    let mimetype = header(req, 'content-type') ?? 'application/octet-stream';
    let cacheControl = header(req, 'cache-control') ?? 'no-cache';
    let userMetadata: unknown = null;
    const tooLarge = () => storageError('413', 'Payload too large', 'The object exceeded the maximum allowed size', 'EntityTooLarge');
    try {
      const declared = Number(header(req, 'content-length') ?? NaN);
      if (Number.isFinite(declared) && !/^multipart\//i.test(mimetype) && declared > limit) throw tooLarge();
      if (/^multipart\/form-data/i.test(mimetype)) {
        const boundary = boundaryOf(mimetype);
        if (!boundary) throw storageError('400', 'InvalidRequest', 'multipart body without boundary');
        const parsed = await parseMultipart(req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>, boundary, tmp, limit).catch((err: unknown) => {
          if (err instanceof MultipartError) throw err.tooLarge ? tooLarge() : storageError('400', 'InvalidRequest', err.message);
          throw err;
        });
        if (!parsed.file) throw storageError('400', 'InvalidRequest', 'multipart body has no file part');
        size = parsed.file.size;
        md5 = parsed.file.md5;
        mimetype = parsed.file.contentType;
        if (parsed.fields.cacheControl) cacheControl = `max-age=${parsed.fields.cacheControl}`;
        if (parsed.fields.metadata) { try { userMetadata = JSON.parse(parsed.fields.metadata); } catch { /* ignored like storage-api */ } }
      } else {
        const hash = crypto.createHash('md5');
        const out = fs.createWriteStream(tmp);
        out.on('error', () => {}); // surfaced by write/finish below
        try {
          // Not pipeline(): on "too large" we answer 400 and drain the rest, so the request must not be destroyed.
          for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
            size += chunk.length;
            if (size > limit) throw tooLarge();
            hash.update(chunk);
            if (!out.write(chunk)) await once(out, 'drain');
          }
          out.end();
          await once(out, 'finish');
        } catch (err) {
          const closed = once(out, 'close').catch(() => {});
          out.destroy();
          await closed;
          throw err;
        }
        md5 = hash.digest('hex');
        const xm = header(req, 'x-metadata');
        if (xm) { try { userMetadata = JSON.parse(Buffer.from(xm, 'base64').toString('utf8')); } catch { /* ignored */ } }
      }
      checkMime(bucket, mimetype);
      const committed = await commitObject(req, caller, bucketId, name, tmp, { size, md5, mimetype, cacheControl, userMetadata, isUpdate, upsert });
      if (committed.reset) { drop(req, res); return; }
      reply(req, res, 200, { Id: committed.id, Key: `${bucketId}/${name}` });
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }

  function checkMime(bucket: { allowed_mime_types: string[] | null }, mimetype: string): void {
    const baseMime = mimetype.split(';')[0]!.trim().toLowerCase();
    if (bucket.allowed_mime_types && bucket.allowed_mime_types.length && !bucket.allowed_mime_types.some((m) => mimeMatches(m, baseMime))) {
      throw storageError('415', 'invalid_mime_type', `mime type ${baseMime} is not supported`, 'InvalidMimeType');
    }
  }

  /** The object row (as the caller, under RLS) and the file moved into place, in one transaction. Used by the plain
   *  upload and by a finished resumable upload. */
  async function commitObject(
    req: http.IncomingMessage, caller: Caller, bucketId: string, name: string, tmp: string,
    o: { size: number; md5: string; mimetype: string; cacheControl: string; userMetadata: unknown; isUpdate: boolean; upsert: boolean },
  ): Promise<{ id: string; reset: boolean }> {
    const { size, md5, mimetype, cacheControl, userMetadata, isUpdate, upsert } = o;
    {
      const version = crypto.randomUUID();
      const finalPath = objectPath(bucketId, name, version);
      const metadata = {
        eTag: `"${md5}"`, size, mimetype, cacheControl, lastModified: new Date().toUTCString(), contentLength: size, httpStatusCode: 200,
      };
      const id = crypto.randomUUID();
      const owner = typeof caller.claims.sub === 'string' ? caller.claims.sub : null;
      let oldVersion: string | null = null;
      const reset = { drop: false };
      let committed = false;
      let objectId: string;
      try {
        objectId = await asCaller(caller, req, async (c) => {
          let resultId: string = id;
          if (isUpdate || upsert) {
            // Row lock: concurrent upserts of one object serialize, so each deletes exactly the version it replaced.
            const old = await c.query<{ id: string; version: string | null }>(
              'select id, version from storage.objects where bucket_id = $1 and name = $2 for update', [bucketId, name]);
            oldVersion = old.rows[0]?.version ?? null;
            if (old.rows[0]) resultId = old.rows[0].id;
          }
          if (isUpdate) {
            const r = await c.query(
              `update storage.objects set version = $3, metadata = $4, user_metadata = $5, updated_at = now(), owner = $6::uuid, owner_id = $6
                where bucket_id = $1 and name = $2`, [bucketId, name, version, metadata, userMetadata, owner]);
            if (!r.rowCount) throw storageError('404', 'not_found', 'Object not found', 'NoSuchKey');
          } else {
            await c.query(
              `insert into storage.objects (id, bucket_id, name, owner, owner_id, metadata, user_metadata, version)
               values ($1, $2, $3, $4::uuid, $4, $5, $6, $7)
               ${upsert ? `on conflict (bucket_id, name) do update set version = excluded.version, metadata = excluded.metadata,
                 user_metadata = excluded.user_metadata, owner = excluded.owner, owner_id = excluded.owner_id, updated_at = now()` : ''}`,
              [id, bucketId, name, owner, metadata, userMetadata, version]);
          }
          // The file goes into place inside the transaction: if COMMIT fails it is removed below, and readers only
          // ever follow the committed row's version.
          fs.mkdirSync(path.dirname(finalPath), { recursive: true });
          fs.renameSync(tmp, finalPath);
          reset.drop = faults.takeResetAfterCommit();
          return resultId;
        }, () => { committed = true; });
      } catch (err) {
        if (!committed) fs.rmSync(finalPath, { force: true });
        if (err instanceof HttpError && typeof err.body === 'object' && err.body && 'code' in err.body && !('statusCode' in err.body)) {
          throw storageFromPg(String((err.body as { code: string }).code), err.message);
        }
        throw err;
      }
      if (oldVersion && oldVersion !== version) fs.rmSync(objectPath(bucketId, name, oldVersion), { force: true });
      return { id: objectId, reset: reset.drop };
    }
  }

  function storageFromPg(code: string, message: string): HttpError {
    if (code === '23505') return storageError('409', 'Duplicate', 'The resource already exists', 'KeyAlreadyExists');
    if (code === '42501') return storageError('403', 'Unauthorized', 'new row violates row-level security policy', 'AccessDenied');
    if (code === '23503') return storageError('404', 'Bucket not found', 'Bucket not found', 'NoSuchBucket');
    return storageError('500', 'internal', message, 'InternalError');
  }

  async function download(req: http.IncomingMessage, res: http.ServerResponse, caller: Caller, bucketId: string, name: string): Promise<void> {
    const row = await asCaller(caller, req, async (c) =>
      (await c.query<{ version: string; metadata: { mimetype?: string; size?: number } | null }>(
        'select version, metadata from storage.objects where bucket_id = $1 and name = $2', [bucketId, name])).rows[0]);
    if (!row) throw storageError('404', 'not_found', 'Object not found', 'NoSuchKey');
    const file = objectPath(bucketId, name, row.version);
    const size = fs.statSync(file).size;
    const type = row.metadata?.mimetype ?? 'application/octet-stream';
    // Range: storage-api's file backend (src/storage/backend/file.ts getObject) answers `bytes=<start>-[<end>]` with
    // 206, `Content-Range: bytes <start>-<end>/<size>` and a read stream of exactly those bytes; an absent end means
    // the last byte. Other forms (a suffix range) get the whole object here.
    const m = /^bytes=(\d+)-(\d*)$/.exec(header(req, 'range') ?? '');
    if (m) {
      const start = Number(m[1]);
      const end = m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
      if (start >= size || end < start) throw storageError('416', 'InvalidRange', 'The requested range is not satisfiable', 'InvalidRange');
      record(req, 206);
      res.writeHead(206, { 'Content-Type': type, 'Content-Length': String(end - start + 1), 'Content-Range': `bytes ${start}-${end}/${size}` });
      if (req.method === 'HEAD') { res.end(); return; }
      await pipeline(fs.createReadStream(file, { start, end }), res);
      return;
    }
    record(req, 200);
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': String(size) });
    if (req.method === 'HEAD') { res.end(); return; }
    await pipeline(fs.createReadStream(file), res);
  }

  // ------------------------------------------------------------------------------------------------------------

  const gateway: Gateway = {
    get url() { return url; },
    get port() { return port; },
    anonKey,
    serviceKey,
    jwtSecret,
    get faults(): Faults { return faults; },
    set faults(f: Faults) { faults.assign(f ?? {}); },
    storageDir,
    log,
    async createDeviceUser(email, password, tenantId, role) {
      if (!/^[0-9a-f-]{36}$/i.test(tenantId)) throw new Error(`createDeviceUser: tenantId must be a UUID, got ${tenantId}`);
      const r = await admin.query<{ id: string }>(
        `insert into auth.users (email, encrypted_password, email_confirmed_at, raw_app_meta_data, raw_user_meta_data)
         values (lower($1), extensions.crypt($2, extensions.gen_salt('bf')), now(),
                 jsonb_build_object('provider', 'email', 'providers', jsonb_build_array('email'), 'tenant_id', $3::text)
                   || case when $4::text is null then '{}'::jsonb else jsonb_build_object('role', $4::text) end,
                 jsonb_build_object('device', coalesce($4::text, 'device') = 'device'))
         returning id`, [email, password, tenantId, role ?? null]);
      return { id: r.rows[0]!.id };
    },
    async objectFile(bucket, name) {
      const r = await admin.query<{ version: string }>('select version from storage.objects where bucket_id = $1 and name = $2', [bucket, name]);
      return r.rows[0] ? objectPath(bucket, name, r.rows[0].version) : null;
    },
    settled: () => pending,
    realtime,
    tus: tus.stats,
    async close() {
      if (closed) return;
      closed = true;
      await pending.catch(() => {});
      await realtime.close();
      tus.close();
      if (server.listening) await unlisten();
      await Promise.all([admin.end(), api.end()]);
      if (ownStorageDir) fs.rmSync(storageDir, { recursive: true, force: true });
    },
  };
  return gateway;
}

function mimeMatches(pattern: string, mime: string): boolean {
  const p = pattern.toLowerCase();
  return p === mime || (p.endsWith('/*') && mime.startsWith(p.slice(0, -1)));
}

function stripped(v: unknown, strip: boolean): unknown {
  if (!strip || !isPlainObject(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null));
}

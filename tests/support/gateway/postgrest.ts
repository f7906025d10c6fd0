// The PostgREST subset supabase-js uses, as pure functions: query-string parsing and SQL building.
// Values always travel as parameters ($n), identifiers are always quoted and checked against the schema cache.
import { pgrstError } from './errors';

export interface TableInfo {
  name: string;
  /** Column name → SQL type (format_type), in table order. */
  columns: Map<string, string>;
  primaryKey: string[];
}

export interface FunctionInfo {
  name: string;
  /** Input arguments in order. */
  args: { name: string; type: string }[];
  /** How many trailing args have defaults. */
  defaults: number;
  returnsSet: boolean;
  returnKind: 'void' | 'scalar' | 'composite';
}

export const qi = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

/** Prefer header: `return=representation, resolution=merge-duplicates, missing=default, count=exact`. */
export function parsePrefer(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(',')) {
    const [k, v] = part.trim().split('=', 2);
    if (k) out[k.trim()] = (v ?? '').trim();
  }
  return out;
}

/** Split on `sep` at top level, honouring "double quotes" and (parentheses). */
export function splitTopLevel(s: string, sep = ','): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quoted) {
      if (ch === '\\' && i + 1 < s.length) { cur += ch + s[++i]; continue; }
      if (ch === '"') quoted = false;
      cur += ch;
    } else if (ch === '"') { quoted = true; cur += ch; }
    else if (ch === '(') { depth++; cur += ch; }
    else if (ch === ')') { depth--; cur += ch; }
    else if (ch === sep && depth === 0) { out.push(cur); cur = ''; }
    else cur += ch;
  }
  out.push(cur);
  return out;
}

function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/\\(.)/g, '$1');
  return t;
}

function requireColumn(table: TableInfo, col: string): string {
  if (!table.columns.has(col)) throw pgrstError(400, '42703', `column ${table.name}.${col} does not exist`);
  return col;
}

/** `select=a,b:c,d::text,*` → a SQL select list over alias "t". Embedding (`rel(*)`) is not supported. */
export function buildSelectList(select: string | null, table: TableInfo): string {
  const spec = (select ?? '*').trim() || '*';
  const items: string[] = [];
  for (const raw of splitTopLevel(spec)) {
    const item = raw.trim();
    if (item === '') continue;
    if (item.includes('(')) {
      throw pgrstError(400, 'PGRST100', `"failed to parse select parameter (${spec})"`, 'Resource embedding is not supported by the test gateway');
    }
    if (item === '*') {
      for (const c of table.columns.keys()) items.push(`"t".${qi(c)}`);
      continue;
    }
    const m = /^(?:([A-Za-z_][\w ]*):)?([A-Za-z_][\w]*)(?:::([A-Za-z_][\w ]*(?:\[\])?))?$/.exec(item);
    if (!m) throw pgrstError(400, 'PGRST100', `"failed to parse select parameter (${spec})"`, `unexpected "${item}"`);
    const [, alias, col, cast] = m;
    requireColumn(table, col!);
    let expr = `"t".${qi(col!)}`;
    if (cast) expr = `${expr}::${cast}`;
    items.push(`${expr} AS ${qi(alias?.trim() || col!)}`);
  }
  if (items.length === 0) throw pgrstError(400, 'PGRST100', `"failed to parse select parameter (${spec})"`);
  return items.join(', ');
}

/** Query keys that are not filters. */
const RESERVED = new Set(['select', 'order', 'limit', 'offset', 'on_conflict', 'columns']);
const COMPARE: Record<string, string> = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=', like: 'LIKE', ilike: 'ILIKE' };

export interface WhereClause {
  sql: string; // '' when there are no filters
  values: unknown[];
}

/** Horizontal filters `col=op.value` (with `not.` negation) and logic trees `or=(…)`, `and=(…)`, `not.or=(…)`,
 *  ANDed. Parameter numbers start after `offset`. */
export function buildWhere(params: URLSearchParams, table: TableInfo, offset = 0): WhereClause {
  const conds: string[] = [];
  const values: unknown[] = [];
  const param = (v: unknown) => { values.push(v); return `$${offset + values.length}`; };
  for (const [key, raw] of params) {
    if (RESERVED.has(key)) continue;
    const logic = /^(not\.)?(or|and)$/.exec(key);
    if (logic) conds.push(logicTree(!!logic[1], logic[2] as 'or' | 'and', raw, table, param));
    else conds.push(condition(requireColumn(table, key), raw, param, false));
  }
  return { sql: conds.length ? conds.join(' AND ') : '', values };
}

/** One `op.value` (or `not.op.value`) on a column. In logic trees values may be "double-quoted". */
function condition(col: string, raw: string, param: (v: unknown) => string, inTree: boolean): string {
  let rest = raw;
  let negate = false;
  if (rest.startsWith('not.')) { negate = true; rest = rest.slice(4); }
  const dot = rest.indexOf('.');
  if (dot < 0) throw pgrstError(400, 'PGRST100', `"failed to parse filter (${raw})"`, `unexpected end of input in "${raw}"`);
  const op = rest.slice(0, dot);
  let value = rest.slice(dot + 1); // eq values are never quoted at top level: split on the first dot only
  if (inTree && op !== 'in') value = unquote(value);
  const ref = `"t".${qi(col)}`;
  let cond: string;
  if (op in COMPARE) {
    const v = op === 'like' || op === 'ilike' ? value.replace(/\*/g, '%') : value;
    cond = `${ref} ${COMPARE[op]} ${param(v)}`;
  } else if (op === 'in') {
    const m = /^\((.*)\)$/s.exec(value);
    if (!m) throw pgrstError(400, 'PGRST100', `"failed to parse filter (${raw})"`, 'in. expects a list: in.(a,b)');
    const list = m[1]!.trim() === '' ? [] : splitTopLevel(m[1]!).map(unquote);
    cond = `${ref} = ANY(${param(list)})`;
  } else if (op === 'is') {
    const kw = ({ null: 'NULL', not_null: 'NOT NULL', true: 'TRUE', false: 'FALSE', unknown: 'UNKNOWN' } as Record<string, string>)[value.toLowerCase()];
    if (!kw) throw pgrstError(400, 'PGRST100', `"failed to parse filter (${raw})"`, 'is. expects null, not_null, true, false or unknown');
    cond = `${ref} IS ${kw}`;
  } else {
    throw pgrstError(400, 'PGRST100', `"failed to parse filter (${raw})"`, `unknown operator "${op}"`);
  }
  return negate ? `NOT (${cond})` : cond;
}

/** `(a.eq.1,and(b.gt.2,c.is.null))` joined by OR/AND; nested `and(…)`, `or(…)`, `not.and(…)`, `not.or(…)`. */
function logicTree(negate: boolean, kind: 'or' | 'and', raw: string, table: TableInfo, param: (v: unknown) => string, depth = 0): string {
  const fail = (why: string) => pgrstError(400, 'PGRST100', `"failed to parse logic tree (${raw})"`, why);
  if (depth > 10) throw fail('logic tree nested too deeply');
  const m = /^\((.*)\)$/s.exec(raw.trim());
  if (!m) throw fail('expected a parenthesised list');
  const parts = splitTopLevel(m[1]!).map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) throw fail('empty condition');
  const sqls = parts.map((p) => {
    const nested = /^(not\.)?(or|and)(\(.*\))$/s.exec(p);
    if (nested) return logicTree(!!nested[1], nested[2] as 'or' | 'and', nested[3]!, table, param, depth + 1);
    const dot = p.indexOf('.');
    if (dot < 0) throw fail(`unexpected "${p}"`);
    return condition(requireColumn(table, p.slice(0, dot)), p.slice(dot + 1), param, true);
  });
  const joined = `(${sqls.join(kind === 'or' ? ' OR ' : ' AND ')})`;
  return negate ? `NOT ${joined}` : joined;
}

/** `order=a.desc.nullslast,b` → `ORDER BY …` ('' when absent). */
export function buildOrder(order: string | null, table: TableInfo): string {
  if (!order) return '';
  const terms = splitTopLevel(order).map((term) => {
    const parts = term.trim().split('.');
    const col = requireColumn(table, parts[0] ?? '');
    let sql = `"t".${qi(col)}`;
    for (const mod of parts.slice(1)) {
      if (mod === 'asc') sql += ' ASC';
      else if (mod === 'desc') sql += ' DESC';
      else if (mod === 'nullsfirst') sql += ' NULLS FIRST';
      else if (mod === 'nullslast') sql += ' NULLS LAST';
      else throw pgrstError(400, 'PGRST100', `"failed to parse order (${order})"`, `unexpected "${mod}"`);
    }
    return sql;
  });
  return `ORDER BY ${terms.join(', ')}`;
}

export function parseNonNegativeInt(name: string, v: string | null): number | null {
  if (v === null || v === '') return null;
  if (!/^\d{1,9}$/.test(v)) throw pgrstError(400, 'PGRST100', `"failed to parse ${name} (${v})"`);
  return Number(v);
}

/** `columns="a","b"` → names, checked against the table. */
export function parseColumns(columns: string, table: TableInfo): string[] {
  return splitTopLevel(columns).map((c) => unquote(c)).filter((c) => c !== '').map((c) => {
    if (!table.columns.has(c)) throw pgrstError(400, 'PGRST204', `Could not find the '${c}' column of '${table.name}' in the schema cache`);
    return c;
  });
}

export function checkPayloadColumns(keys: Iterable<string>, table: TableInfo): string[] {
  const out: string[] = [];
  for (const k of keys) {
    if (!table.columns.has(k)) throw pgrstError(400, 'PGRST204', `Could not find the '${k}' column of '${table.name}' in the schema cache`);
    out.push(k);
  }
  return out;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * INSERT of rows (all with the same column list) from one JSON parameter, optionally as an upsert.
 * `returning` is a select list over alias "t" or null (minimal: `RETURNING 1`, so no SELECT policy is needed).
 * Result columns: body (json text or null), n (rows), inserted (rows that were new; null when minimal).
 */
export function buildInsert(opts: {
  table: TableInfo;
  columns: string[];
  onConflict: string[] | null;
  resolution: 'merge' | 'ignore' | null;
  returning: string | null;
}): string {
  const { table, columns, onConflict, resolution, returning } = opts;
  const target = `"public".${qi(table.name)}`;
  const colList = columns.map(qi).join(', ');
  let sql = columns.length
    ? `INSERT INTO ${target} AS "t" (${colList}) SELECT ${colList} FROM json_populate_recordset(null::${target}, $1::json)`
    : `INSERT INTO ${target} AS "t" SELECT FROM json_array_elements($1::json)`; // every column from its DEFAULT
  if (resolution) {
    const conflict = onConflict && onConflict.length ? onConflict : table.primaryKey;
    if (conflict.length === 0) throw pgrstError(400, 'PGRST100', `table ${table.name} has no primary key; pass on_conflict`);
    const conflictSql = conflict.map(qi).join(', ');
    if (resolution === 'ignore') sql += ` ON CONFLICT (${conflictSql}) DO NOTHING`;
    else {
      const setCols = columns.filter((c) => !conflict.includes(c));
      const sets = (setCols.length ? setCols : conflict).map((c) => `${qi(c)} = EXCLUDED.${qi(c)}`).join(', ');
      sql += ` ON CONFLICT (${conflictSql}) DO UPDATE SET ${sets}`;
    }
  }
  if (returning === null) {
    return `WITH _m AS (${sql} RETURNING 1) SELECT NULL::text AS body, (SELECT count(*) FROM _m)::int AS n, NULL::int AS inserted`;
  }
  const all = [...table.columns.keys()].map((c) => `"t".${qi(c)}`).join(', ');
  return `WITH _m AS (${sql} RETURNING ${all}, ("t".xmax = 0) AS "__inserted") ` +
    `SELECT (SELECT coalesce(json_agg(_r), '[]')::text FROM (SELECT ${returning} FROM _m AS "t") _r) AS body, ` +
    `(SELECT count(*) FROM _m)::int AS n, (SELECT count(*) FILTER (WHERE "__inserted") FROM _m)::int AS inserted`;
}

export function buildUpdate(opts: { table: TableInfo; columns: string[]; where: string; returning: string | null; paramIndex: number }): string {
  const { table, columns, where, returning, paramIndex } = opts;
  const target = `"public".${qi(table.name)}`;
  const sets = columns.map((c) => `${qi(c)} = _b.${qi(c)}`).join(', ');
  const sql = `UPDATE ${target} AS "t" SET ${sets} FROM json_populate_record(null::${target}, $${paramIndex}::json) _b WHERE ${where}`;
  return finishMutation(sql, table, returning);
}

export function buildDelete(opts: { table: TableInfo; where: string; returning: string | null }): string {
  const sql = `DELETE FROM "public".${qi(opts.table.name)} AS "t" WHERE ${opts.where}`;
  return finishMutation(sql, opts.table, opts.returning);
}

function finishMutation(sql: string, table: TableInfo, returning: string | null): string {
  if (returning === null) {
    return `WITH _m AS (${sql} RETURNING 1) SELECT NULL::text AS body, (SELECT count(*) FROM _m)::int AS n`;
  }
  const all = [...table.columns.keys()].map((c) => `"t".${qi(c)}`).join(', ');
  return `WITH _m AS (${sql} RETURNING ${all}) ` +
    `SELECT (SELECT coalesce(json_agg(_r), '[]')::text FROM (SELECT ${returning} FROM _m AS "t") _r) AS body, ` +
    `(SELECT count(*) FROM _m)::int AS n`;
}

export function buildSelect(opts: { table: TableInfo; select: string; where: string; order: string; limit: number | null; offset: number | null }): string {
  const { table, select, where, order, limit, offset } = opts;
  let inner = `SELECT ${select} FROM "public".${qi(table.name)} AS "t"`;
  if (where) inner += ` WHERE ${where}`;
  if (order) inner += ` ${order}`;
  if (limit !== null) inner += ` LIMIT ${limit}`;
  if (offset !== null) inner += ` OFFSET ${offset}`;
  return `SELECT coalesce(json_agg(_r), '[]')::text AS body, count(*)::int AS n FROM (${inner}) _r`;
}

export function buildCount(table: TableInfo, where: string): string {
  return `SELECT count(*)::int AS n FROM "public".${qi(table.name)} AS "t"${where ? ` WHERE ${where}` : ''}`;
}

/** Pick the overload whose argument names fit the payload's keys. */
export function resolveFunction(candidates: FunctionInfo[], keys: string[]): FunctionInfo | null {
  for (const fn of candidates) {
    const names = fn.args.map((a) => a.name);
    const required = names.slice(0, names.length - fn.defaults);
    if (keys.every((k) => names.includes(k)) && required.every((r) => keys.includes(r))) return fn;
  }
  return null;
}

/** Call `fn` with named arguments taken, typed, from one JSON object parameter ($1). */
export function buildRpc(fn: FunctionInfo, keys: string[]): string {
  const target = `"public".${qi(fn.name)}`;
  const used = fn.args.filter((a) => keys.includes(a.name));
  const call = `${target}(${used.map((a) => `${qi(a.name)} := _a.${qi(a.name)}`).join(', ')})`;
  const from = used.length
    ? ` FROM json_to_record($1::json) AS _a(${used.map((a) => `${qi(a.name)} ${a.type}`).join(', ')})`
    : ` FROM (SELECT $1::json) AS _a`;
  if (fn.returnsSet) {
    return `SELECT coalesce(json_agg(_f), '[]')::text AS body, count(*)::int AS n${from}, LATERAL ${call} AS _f`;
  }
  if (fn.returnKind === 'composite') return `SELECT to_json(_f)::text AS body, 1 AS n${from}, LATERAL ${call} AS _f`;
  if (fn.returnKind === 'void') return `SELECT ${call} AS _v, NULL::text AS body, 0 AS n${from}`;
  return `SELECT to_json(${call})::text AS body, 1 AS n${from}`;
}

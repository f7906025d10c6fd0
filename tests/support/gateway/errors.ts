// PostgREST's error bodies and HTTP statuses, by SQLSTATE (docs/supabase-wire.md §3).

export interface PgrstError {
  code: string;
  details: string | null;
  hint: string | null;
  message: string;
}

/** An error the gateway answers with as-is (parse errors, schema-cache misses, JWT errors, faults). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'object' && body && 'message' in body ? String((body as { message: unknown }).message) : `HTTP ${status}`);
  }
}

export function pgrstError(status: number, code: string, message: string, details: string | null = null, hint: string | null = null): HttpError {
  const body: PgrstError = { code, details, hint, message };
  return new HttpError(status, body);
}

/** HTTP status PostgREST gives a PostgreSQL error with this SQLSTATE, for a request made as `role`. */
export function statusForSqlState(code: string, role: string): number {
  if (code === '23505' || code === '23503') return 409;
  if (code === '42501') return role === 'anon' ? 401 : 403;
  if (code === '42P01' || code === '42883') return 404;
  if (code === '25006') return 405;
  if (code === '42P17' || code === '53400') return 500;
  if (code.startsWith('PT') && /^PT\d\d\d$/.test(code)) return Number(code.slice(2));
  const cls = code.slice(0, 2);
  if (cls === '0L' || cls === '0P' || cls === '28') return 403;
  if (cls === '08' || cls === '53') return 503;
  if (['09', '25', '2D', '38', '39', '3B', '40', '54', '55', '56', '57', '58', 'F0', 'HV', 'P0', 'XX'].includes(cls)) {
    // P0001 (plain RAISE EXCEPTION) is the exception: PostgREST answers it with 400.
    return code === 'P0001' ? 400 : 500;
  }
  return 400;
}

interface PgLikeError {
  code?: string;
  message: string;
  detail?: string;
  hint?: string;
}

/** A PostgreSQL error from node-pg (has a severity), not a Node system error such as EPIPE. */
export function isPgError(err: unknown): err is PgLikeError & Error {
  return err instanceof Error && 'severity' in err && typeof (err as PgLikeError).code === 'string' && /^[0-9A-Z]{5}$/.test((err as PgLikeError).code!);
}

export function fromPgError(err: PgLikeError, role: string): HttpError {
  const code = err.code ?? 'XX000';
  return pgrstError(statusForSqlState(code, role), code, err.message, err.detail ?? null, err.hint ?? null);
}

/** storage-api: HTTP 400 for everything but 5xx, the real status as a *string* in the body. */
export function storageError(statusCode: string, error: string, message: string, code?: string): HttpError {
  const httpStatus = Number(statusCode) >= 500 ? Number(statusCode) : 400;
  return new HttpError(httpStatus, { statusCode, error, message, ...(code ? { code } : {}) });
}

/** GoTrue error bodies: `code` (read by supabase-js when the API version header is echoed) and `msg`. */
export function authError(status: number, code: string, message: string): HttpError {
  return new HttpError(status, { code, error_code: code, msg: message, message });
}

// The resumable-upload (TUS 1.0.0) subset Supabase Storage serves at /storage/v1/upload/resumable, as storage-api
// does it (supabase/storage: src/http/routes/tus/index.ts and lifecycle.ts, on @tus/server) and as Supabase's
// "Resumable Uploads" guide tells clients to use it (tus-js-client, 6 MB chunks). Rules, each with its source:
// - POST <endpoint> creates an upload: `Tus-Resumable: 1.0.0` (TUS core §Tus-Resumable: else 412), `Upload-Length`
//   (TUS creation ext.: else 400), `Upload-Metadata` with base64 `bucketName` and `objectName` (lifecycle.ts
//   namingFunction: MetadataRequired without them) and optional `contentType` (checked against the bucket's allowed
//   types, lifecycle.ts onCreate) and `cacheControl`; `x-upsert: true` lets it replace an object (index.ts
//   setTusRequestContext isUpsert); the bucket's size limit applies (index.ts maxSize: 413). Answer 201 with
//   `Location: <endpoint>/<base64url(bucket/object/version)>` (lifecycle.ts generateUrl/getFileIdFromRequest) and
//   `Upload-Expires` (S3 store expirationPeriodInMilliseconds = TUS_URL_EXPIRY_MS, default 1 h: src/config.ts).
//   The caller's right to write the object is checked at creation (lifecycle.ts onIncomingRequest → canUpload:
//   the INSERT as the caller, rolled back; RLS refusal 403, an existing name 409 without x-upsert) and again when
//   the upload completes (the object row is written then, as storage-api's onUploadFinish does).
// - HEAD <upload url> → 200, `Upload-Offset`, `Upload-Length`, `Cache-Control: no-store` (TUS core §HEAD); 404 for
//   an unknown upload; 410 once expired (TUS expiration ext.). HEAD needs no upload right (onIncomingRequest), but
//   the route still needs a valid JWT (registerJwtAuth on the authenticated routes).
// - PATCH <upload url>: `Content-Type: application/offset+octet-stream` (else 415), `Upload-Offset` equal to the
//   stored offset (else 409), body appended; a cut transfer keeps the bytes that arrived (TUS core: "the Server
//   SHOULD accept the bytes received"); 204 with the new `Upload-Offset`. Supabase's guide requires 6 MB chunks
//   ("it must be set to 6MB (for now) do not change it"): a PATCH body above 6 MiB is refused with 413 here, so
//   a client that ignores the rule fails here as it would there. When the offset reaches the length, the object
//   is committed (storage.objects row under RLS + file in place).
import crypto from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { once } from 'node:events';
import { HttpError } from './errors';
import type { FaultState } from './faults';

export const TUS_PATH = '/storage/v1/upload/resumable';
export const TUS_CHUNK_BYTES = 6 * 1024 * 1024;

interface Upload {
  id: string;
  bucket: string;
  name: string;
  length: number;
  offset: number;
  contentType: string;
  cacheControl: string;
  upsert: boolean;
  expiresAt: number;
  file: string;
  /** The caller that created it (only it may continue it). */
  sub: string | null;
  done: boolean;
}

export interface TusStats {
  /** Body bytes received by PATCH (and creation-with-upload), whether kept or not: the re-send measure. */
  bytesReceived: number;
  patches: number;
  cuts: number;
}

export interface TusDeps<C extends { claims: { sub?: unknown } }> {
  storageDir: string;
  maxUpload: number;
  expiryMs: number;
  faults: FaultState;
  authenticate(req: http.IncomingMessage, u: URL): C;
  bucket(id: string): Promise<{ file_size_limit: string | null; allowed_mime_types: string[] | null } | null>;
  /** The caller may create this object (storage-api canUpload at creation); throws the refusal. */
  canCreate(req: http.IncomingMessage, caller: C, bucket: string, name: string): Promise<void>;
  checkMime(bucket: { allowed_mime_types: string[] | null }, mimetype: string): void;
  commit(req: http.IncomingMessage, caller: C, bucket: string, name: string, tmp: string,
    o: { size: number; md5: string; mimetype: string; cacheControl: string; userMetadata: unknown; isUpdate: boolean; upsert: boolean }): Promise<{ id: string; reset: boolean }>;
  record(req: http.IncomingMessage, status: number | 'dropped'): void;
}

const TUS_HEADERS = { 'Tus-Resumable': '1.0.0' };

/** On the TUS routes storage-api answers with the error's real status and its message as the body
 * (lifecycle.ts onResponseError → getTusError), not the REST routes' "400 + statusCode string". */
function tusError(status: number, message: string): HttpError {
  return new HttpError(status, message, { ...TUS_HEADERS });
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** TUS creation ext.: comma-separated `key base64value` pairs. */
export function parseUploadMetadata(value: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!value) return out;
  for (const pair of value.split(',')) {
    const [key, encoded] = pair.trim().split(' ');
    if (!key) continue;
    out[key] = encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '';
  }
  return out;
}

export function createTusHandler<C extends { claims: { sub?: unknown } }>(deps: TusDeps<C>) {
  const uploads = new Map<string, Upload>();
  const dir = path.join(deps.storageDir, '.tus');
  fs.mkdirSync(dir, { recursive: true });
  const stats: TusStats = { bytesReceived: 0, patches: 0, cuts: 0 };

  function send(req: http.IncomingMessage, res: http.ServerResponse, status: number, headers: Record<string, string>, body = ''): void {
    deps.record(req, status);
    res.writeHead(status, { ...TUS_HEADERS, 'Content-Length': String(Buffer.byteLength(body)), ...headers });
    res.end(body);
  }

  function find(id: string): Upload {
    const upload = uploads.get(id);
    if (!upload) throw tusError(404, 'Upload not found');
    if (Date.now() > upload.expiresAt) throw tusError(410, 'Upload expired');
    return upload;
  }

  /** Appends the request body at the upload's offset; honours an injected cut. Returns bytes stored. */
  async function receive(req: http.IncomingMessage, res: http.ServerResponse, upload: Upload): Promise<{ stored: number; cut: boolean }> {
    const cutAfter = deps.faults.takeUploadCut();
    const out = fs.createWriteStream(upload.file, { flags: 'r+', start: upload.offset });
    let stored = 0;
    let cut = false;
    let broken = false;
    try {
      for await (const raw of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
        let chunk = raw;
        stats.bytesReceived += chunk.length;
        if (stored + chunk.length > TUS_CHUNK_BYTES) throw tusError(413, `a PATCH may carry at most ${TUS_CHUNK_BYTES} bytes (6 MB chunks)`);
        if (upload.offset + stored + chunk.length > upload.length) throw tusError(400, 'the body goes past Upload-Length');
        if (cutAfter !== null && stored + chunk.length >= cutAfter) {
          chunk = chunk.subarray(0, Math.max(0, cutAfter - stored));
          cut = true;
        }
        if (chunk.length > 0 && !out.write(chunk)) await once(out, 'drain');
        stored += chunk.length;
        if (cut) break;
      }
    } catch (error) {
      // The client's connection broke mid-body: what arrived is kept (TUS core: the server SHOULD accept the bytes
      // received), like a cut; an HTTP refusal (too large, past the length) is answered.
      if ((error as { status?: unknown }).status !== undefined || !req.destroyed) throw error;
      broken = true;
    } finally {
      out.end();
      await once(out, 'close').catch(() => undefined);
    }
    upload.offset += stored;
    if (broken) {
      deps.record(req, 'dropped');
      return { stored, cut: true };
    }
    if (cut) {
      stats.cuts++;
      deps.record(req, 'dropped');
      res.socket?.destroy(); // the link drops mid-body: no answer
    }
    return { stored, cut };
  }

  async function finish(req: http.IncomingMessage, caller: C, upload: Upload): Promise<boolean> {
    const hash = crypto.createHash('md5');
    for await (const c of fs.createReadStream(upload.file)) hash.update(c as Buffer);
    const committed = await deps.commit(req, caller, upload.bucket, upload.name, upload.file, {
      size: upload.length, md5: hash.digest('hex'), mimetype: upload.contentType, cacheControl: upload.cacheControl,
      userMetadata: null, isUpdate: false, upsert: upload.upsert,
    });
    upload.done = true;
    return committed.reset;
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, u: URL): Promise<void> {
    try {
      await route(req, res, u);
    } catch (error) {
      // Shared storage checks (mime type, RLS at commit) speak the REST routes' form; here the real status is sent.
      const body = error instanceof HttpError ? (error.body as { statusCode?: unknown } | null) : null;
      if (body && typeof body === 'object' && typeof body.statusCode === 'string') throw tusError(Number(body.statusCode), error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse, u: URL): Promise<void> {
    const caller = deps.authenticate(req, u);
    const rest = u.pathname.slice(TUS_PATH.length).replace(/^\/+/, '');
    if (req.method === 'POST' && rest === '') return create(req, res, caller, u);
    if (!rest || rest.includes('/')) throw tusError(404, `Route ${req.method}:${u.pathname} not found`);
    if (header(req, 'tus-resumable') !== '1.0.0') {
      req.resume();
      return send(req, res, 412, { 'Tus-Version': '1.0.0' }, 'Unsupported TUS version');
    }
    let upload: Upload;
    try {
      upload = find(rest);
    } catch (error) {
      req.resume();
      const status = (error as { status?: number }).status ?? 404;
      return send(req, res, status, {}, status === 410 ? 'Upload expired' : 'Upload not found');
    }
    if (upload.sub !== (typeof caller.claims.sub === 'string' ? caller.claims.sub : null)) {
      req.resume();
      return send(req, res, 403, {}, 'This upload belongs to someone else');
    }
    const common = { 'Upload-Expires': new Date(upload.expiresAt).toUTCString() };
    if (req.method === 'HEAD') {
      return send(req, res, 200, { ...common, 'Upload-Offset': String(upload.offset), 'Upload-Length': String(upload.length), 'Cache-Control': 'no-store' });
    }
    if (req.method !== 'PATCH') {
      req.resume();
      return send(req, res, 405, {}, `${req.method} is not supported on an upload`);
    }
    if ((header(req, 'content-type') ?? '').split(';')[0]!.trim() !== 'application/offset+octet-stream') {
      req.resume();
      return send(req, res, 415, {}, 'Content-Type must be application/offset+octet-stream');
    }
    const offset = Number(header(req, 'upload-offset'));
    if (!Number.isInteger(offset) || offset !== upload.offset) {
      req.resume();
      return send(req, res, 409, { 'Upload-Offset': String(upload.offset) }, `Upload-Offset ${header(req, 'upload-offset')} does not match the current offset ${upload.offset}`);
    }
    if (upload.done) {
      req.resume();
      return send(req, res, 204, { ...common, 'Upload-Offset': String(upload.offset) });
    }
    stats.patches++;
    await receiveAndAnswer(req, res, caller, upload, 204, common);
  }

  /** Stores the body; completes the object on the last byte; answers (unless the link was cut). */
  async function receiveAndAnswer(req: http.IncomingMessage, res: http.ServerResponse, caller: C, upload: Upload, status: number, headers: Record<string, string>): Promise<void> {
    const { cut } = await receive(req, res, upload);
    if (cut) return;
    if (upload.offset === upload.length && (await finish(req, caller, upload))) {
      deps.record(req, 'dropped'); // the resetAfterCommit fault: committed, answer lost
      res.socket?.destroy();
      return;
    }
    send(req, res, status, { ...headers, 'Upload-Offset': String(upload.offset) });
  }

  async function create(req: http.IncomingMessage, res: http.ServerResponse, caller: C, u: URL): Promise<void> {
    if (header(req, 'tus-resumable') !== '1.0.0') {
      req.resume();
      return send(req, res, 412, { 'Tus-Version': '1.0.0' }, 'Unsupported TUS version');
    }
    const length = Number(header(req, 'upload-length'));
    if (!Number.isInteger(length) || length < 0) throw tusError(400, 'Upload-Length is missing or not a whole number');
    const meta = parseUploadMetadata(header(req, 'upload-metadata'));
    if (!meta.bucketName || !meta.objectName) throw tusError(400, 'Upload-Metadata needs bucketName and objectName');
    const bucket = await deps.bucket(meta.bucketName);
    if (!bucket) throw tusError(404, 'Bucket not found');
    const limit = Math.min(deps.maxUpload, bucket.file_size_limit ? Number(bucket.file_size_limit) : Infinity);
    if (length > limit) throw tusError(413, 'The object exceeded the maximum allowed size');
    const contentType = meta.contentType || 'application/octet-stream';
    deps.checkMime(bucket, contentType);
    const upsert = header(req, 'x-upsert') === 'true';
    if (!upsert) await deps.canCreate(req, caller, meta.bucketName, meta.objectName);
    const version = crypto.randomUUID();
    const id = Buffer.from(`${meta.bucketName}/${meta.objectName}/${version}`, 'utf8').toString('base64url');
    const file = path.join(dir, crypto.randomUUID());
    fs.writeFileSync(file, Buffer.alloc(0));
    fs.truncateSync(file, length);
    const cacheControl = /^-?\d+$/.test(meta.cacheControl ?? '') ? `max-age=${meta.cacheControl}` : 'no-cache';
    const upload: Upload = {
      id, bucket: meta.bucketName, name: meta.objectName, length, offset: 0, contentType, cacheControl, upsert,
      expiresAt: Date.now() + deps.expiryMs, file, sub: typeof caller.claims.sub === 'string' ? caller.claims.sub : null, done: false,
    };
    uploads.set(id, upload);
    const headers = { Location: `${u.origin}${TUS_PATH}/${id}`, 'Upload-Expires': new Date(upload.expiresAt).toUTCString() };
    // Creation with upload (TUS creation-with-upload ext.): a body on the POST is the first chunk.
    if ((header(req, 'content-type') ?? '').startsWith('application/offset+octet-stream')) {
      return receiveAndAnswer(req, res, caller, upload, 201, headers);
    }
    req.resume();
    send(req, res, 201, headers);
  }

  return {
    handle,
    stats,
    /** Forget stored uploads' files (close()). */
    close() {
      for (const upload of uploads.values()) fs.rmSync(upload.file, { force: true });
      uploads.clear();
    },
  };
}

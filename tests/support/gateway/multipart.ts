// Streaming multipart/form-data parser for Storage uploads (supabase-js sends a Blob as FormData: `cacheControl`,
// optional `metadata`, and the file under an empty field name). The file part streams to disk, so 40 MB+ bodies
// never sit in memory; small fields are buffered up to a limit.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { once } from 'node:events';

export interface MultipartResult {
  fields: Record<string, string>;
  file: { size: number; md5: string; contentType: string } | null;
}

export class MultipartError extends Error {
  constructor(message: string, readonly tooLarge = false) { super(message); }
}

export function boundaryOf(contentType: string): string | null {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

function parsePartHeaders(raw: string): { name: string | null; filename: string | null; contentType: string } {
  let name: string | null = null;
  let filename: string | null = null;
  let contentType = 'application/octet-stream';
  for (const line of raw.split('\r\n')) {
    const idx = line.indexOf(':');
    if (idx < 0) continue;
    const key = line.slice(0, idx).trim().toLowerCase();
    const value = line.slice(idx + 1).trim();
    if (key === 'content-disposition') {
      const n = /(?:^|;)\s*name="([^"]*)"/i.exec(value);
      const f = /(?:^|;)\s*filename="([^"]*)"/i.exec(value);
      if (n) name = n[1]!;
      if (f) filename = f[1]!;
    } else if (key === 'content-type') contentType = value;
  }
  return { name, filename, contentType };
}

/** Parse `body`; the first file part (or the part named '') is written to `filePath`. */
export async function parseMultipart(
  body: AsyncIterable<Buffer>,
  boundary: string,
  filePath: string,
  maxFileBytes: number,
  maxFieldBytes = 64 * 1024,
): Promise<MultipartResult> {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const fields: Record<string, string> = {};
  let file: MultipartResult['file'] = null;
  // Prepend CRLF so the first boundary matches the same delimiter as the others.
  let buf: Buffer = Buffer.from('\r\n');
  let state: 'preamble' | 'headers' | 'body' | 'done' = 'preamble';
  let part: { name: string | null; filename: string | null; contentType: string } | null = null;
  let fieldChunks: Buffer[] = [];
  let fieldSize = 0;
  let out: fs.WriteStream | null = null;
  let hash: crypto.Hash | null = null;
  let fileSize = 0;
  let isFile = false;
  let outError: Error | null = null;
  // Destroy the half-written file stream and wait until it is closed, so the caller's cleanup sees the final state.
  const discard = async () => {
    const o = out;
    out = null;
    if (o && !o.closed) {
      const closed = once(o, 'close').catch(() => {});
      o.destroy();
      await closed;
    }
  };

  const emit = async (data: Buffer) => {
    if (data.length === 0) return;
    if (outError) throw outError;
    if (isFile && out && hash) {
      fileSize += data.length;
      if (fileSize > maxFileBytes) throw new MultipartError('The object exceeded the maximum allowed size', true);
      hash.update(data);
      if (!out.write(data)) await once(out, 'drain');
    } else if (!isFile) {
      fieldSize += data.length;
      if (fieldSize > maxFieldBytes) throw new MultipartError(`form field ${part?.name ?? ''} is too large`);
      fieldChunks.push(data);
    }
  };
  const endPart = async () => {
    if (isFile && out && hash) {
      out.end();
      await once(out, 'finish');
      if (outError) throw outError;
      file = { size: fileSize, md5: hash.digest('hex'), contentType: part!.contentType };
      out = null;
    } else if (part?.name !== null && part?.name !== undefined && !isFile) {
      fields[part.name] = Buffer.concat(fieldChunks).toString('utf8');
    }
    part = null;
    isFile = false;
    fieldChunks = [];
    fieldSize = 0;
  };

  try {
    for await (const chunk of body) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        if (state === 'preamble') {
          const i = buf.indexOf(delimiter);
          if (i < 0) { buf = buf.subarray(Math.max(0, buf.length - delimiter.length)); break; }
          buf = buf.subarray(i + delimiter.length);
          state = 'headers';
        } else if (state === 'headers') {
          if (buf.length < 2) break;
          if (buf[0] === 0x2d && buf[1] === 0x2d) { state = 'done'; break; } // closing "--"
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) {
            if (buf.length > 16 * 1024) throw new MultipartError('multipart part headers too large');
            break;
          }
          part = parsePartHeaders(buf.subarray(0, end).toString('utf8'));
          buf = buf.subarray(end + 4);
          isFile = file === null && (part.filename !== null || part.name === '');
          if (isFile) {
            out = fs.createWriteStream(filePath);
            out.on('error', (e) => { outError = e; });
            hash = crypto.createHash('md5');
            fileSize = 0;
          }
          state = 'body';
        } else if (state === 'body') {
          const i = buf.indexOf(delimiter);
          if (i < 0) {
            // Keep a tail that could be the start of a delimiter split across chunks.
            const keep = Math.min(buf.length, delimiter.length - 1);
            await emit(buf.subarray(0, buf.length - keep));
            buf = buf.subarray(buf.length - keep);
            break;
          }
          await emit(buf.subarray(0, i));
          await endPart();
          buf = buf.subarray(i + delimiter.length);
          state = 'headers';
        } else break;
      }
      if (state === 'done') break;
    }
  } catch (err) {
    await discard();
    throw err;
  }
  if (state !== 'done') {
    await discard();
    throw new MultipartError('multipart body ended before its closing boundary');
  }
  return { fields, file };
}

// app://kiosk/… serves the built renderer from disk (instead of an open file:// origin), and a recording for the
// review page at app://kiosk/media/recordings/<id>.webm?t=<token> with range requests (media elements seek with them).
import { open, readFile } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { MEDIA_PREFIX, parseRange, rangeHeaders } from '../core/recording/media';
import { MIME_TYPES, resolveStaticPath } from '../web/static';
import { APP_HOST, CONTENT_SECURITY_POLICY } from './security';

/** Where a media path + token points (the core's check), or null. */
export type MediaLookup = (pathname: string, token: string | null) => string | null;

async function mediaResponse(file: string, request: { method: string; headers?: Headers }): Promise<Response> {
  if (!existsSync(file)) return new Response('Not found', { status: 404 });
  const size = statSync(file).size;
  const range = parseRange(request.headers?.get('range'), size);
  const { status, headers } = rangeHeaders(range, size);
  if (request.method === 'HEAD' || range.kind === 'unsatisfiable') return new Response(null, { status, headers });
  const start = range.kind === 'partial' ? range.start : 0;
  const length = range.kind === 'partial' ? range.end - range.start + 1 : size;
  const handle = await open(file, 'r');
  try {
    const body = Buffer.alloc(length);
    await handle.read(body, 0, length, start);
    return new Response(body, { status, headers });
  } finally {
    await handle.close();
  }
}

/** Pure apart from the file read: a Request for app://kiosk/… → a Response. */
export async function appProtocolResponse(
  rendererDir: string, request: { url: string; method: string; headers?: Headers }, media: MediaLookup = () => null,
): Promise<Response> {
  const url = new URL(request.url);
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('Method not allowed', { status: 405 });
  if (url.host !== APP_HOST) return new Response('Not found', { status: 404 });
  if (url.pathname.startsWith(MEDIA_PREFIX)) {
    const file = media(url.pathname, url.searchParams.get('t'));
    return file ? mediaResponse(file, request) : new Response('Not found', { status: 404 });
  }
  let file = resolveStaticPath(rendererDir, url.pathname);
  if (file === null) return new Response('Bad path', { status: 400 });
  const isFile = (p: string) => existsSync(p) && statSync(p).isFile();
  if (!isFile(file)) {
    if (extname(file) === '' && isFile(join(rendererDir, 'index.html'))) file = join(rendererDir, 'index.html');
    else return new Response('Not found', { status: 404 });
  }
  const body = request.method === 'HEAD' ? null : await readFile(file);
  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

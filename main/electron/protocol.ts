// app://kiosk/… serves the built renderer from disk (instead of an open file:// origin).
import { readFile } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { MIME_TYPES, resolveStaticPath } from '../web/static';
import { APP_HOST, CONTENT_SECURITY_POLICY } from './security';

/** Pure apart from the file read: a Request for app://kiosk/… → a Response. */
export async function appProtocolResponse(rendererDir: string, request: { url: string; method: string }): Promise<Response> {
  const url = new URL(request.url);
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('Method not allowed', { status: 405 });
  if (url.host !== APP_HOST) return new Response('Not found', { status: 404 });
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

// Static files of the built renderer: GET/HEAD only, MIME types, index.html for app routes, and no path may
// leave the renderer directory (decoded, normalised, then checked against the root).
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { parseRange, rangeHeaders } from '../core/recording/media';
import { CONTENT_SECURITY_POLICY } from '../../preload/csp';

export const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.webm': 'audio/webm',
  '.txt': 'text/plain; charset=utf-8',
};

/** Sent as a header with every response, on top of index.html's meta tag: a header also covers what a meta tag
 * cannot (frame-ancestors) and cannot be dropped by an injected <meta>. One policy with Electron's (preload/csp.ts). */
export { CONTENT_SECURITY_POLICY as WEB_CONTENT_SECURITY_POLICY } from '../../preload/csp';

/**
 * Maps a request path to a file under root, or null when the path is malformed or escapes root. Pure apart from
 * nothing: the caller checks existence.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]!.split('#')[0]!);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const rootAbs = resolve(root);
  const target = resolve(rootAbs, '.' + normalize('/' + decoded));
  if (target !== rootAbs && !target.startsWith(rootAbs + sep)) return null;
  return target;
}

/**
 * The page's test configuration as a meta tag (renderer/transport/page-config.ts reads it): the one channel by
 * which tests tune the renderer, set only through the web host's options, never part of the KioskApi.
 */
export function withPageConfig(html: string, config: Record<string, number>): string {
  const entries = Object.entries(config).filter(([k, v]) => /^\w+$/.test(k) && Number.isFinite(v));
  if (entries.length === 0) return html;
  const meta = `<meta name="kiosk-test-config" content="${entries.map(([k, v]) => `${k}=${v}`).join(';')}" />`;
  return html.replace('<head>', `<head>\n    ${meta}`);
}

/** A recording for the review page: a valid capability URL only, one byte range at a time (RFC 9110 §14). */
export function serveMedia(req: IncomingMessage, res: ServerResponse, lookup: (pathname: string, token: string | null) => string | null): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('Method not allowed\n');
    return;
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const file = lookup(url.pathname, url.searchParams.get('t'));
  if (!file || !existsSync(file)) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
    return;
  }
  const size = statSync(file).size;
  const range = parseRange(req.headers.range, size);
  const { status, headers } = rangeHeaders(range, size);
  res.writeHead(status, { ...headers, 'Content-Security-Policy': CONTENT_SECURITY_POLICY });
  if (req.method === 'HEAD' || range.kind === 'unsatisfiable') {
    res.end();
    return;
  }
  const bounds = range.kind === 'partial' ? { start: range.start, end: range.end } : {};
  createReadStream(file, bounds).on('error', () => res.destroy()).pipe(res);
}

export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, pageConfig: Record<string, number> = {}): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('Method not allowed\n');
    return;
  }
  const path = resolveStaticPath(root, req.url ?? '/');
  if (path === null) {
    res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Bad path\n');
    return;
  }
  let file = path;
  const isFile = (p: string) => existsSync(p) && statSync(p).isFile();
  if (!isFile(file)) {
    if (isFile(join(file, 'index.html'))) file = join(file, 'index.html');
    else if (extname(file) === '' && isFile(join(root, 'index.html'))) file = join(root, 'index.html'); // app route
    else {
      const hint = isFile(join(root, 'index.html')) ? '' : ' (the renderer is not built: run `npm run build:renderer`)';
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`Not found${hint}\n`);
      return;
    }
  }
  const type = MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  if (file.endsWith('index.html') && Object.keys(pageConfig).length > 0) {
    const body = withPageConfig(readFileSync(file, 'utf8'), pageConfig);
    res.writeHead(200, { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache', 'Content-Security-Policy': CONTENT_SECURITY_POLICY });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': statSync(file).size,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}

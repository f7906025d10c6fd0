// The web host: the same main-process core in plain Node, behind HTTP (the built renderer) and a WebSocket
// (`/kiosk`) carrying the KioskApi in the wire format of preload/wire.ts. It is what the tests and
// `npm run dev:web` drive, since the Electron binary cannot run everywhere. Loopback only, and only for whoever
// holds this start's token (see preload/wire.ts): the Origin and Host headers keep other web pages out, the token
// keeps other local processes out.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { KioskResult } from '../../preload/contract';
import { decodeWire, encodeWire, isSocketToken, KIOSK_WS_PROTOCOL, parseWireRequest, tokenFromProtocols } from '../../preload/wire';
import { createKioskService, type KioskService } from '../core/api/service';
import { loadEmulator } from '../simulator/lazy';
import type { EmulatorHandleLike, EmulatorOptionsLike, StartEmulatorFn } from '../core/api/emulator';
import { openOrSalvage } from '../core/db/recover';
import { describeSalvage } from '../core/db/salvage';
import { fileSettingsStore, plaintextSecretStore } from '../core/settings/file-stores';
import { setOpenAIKeyForCurrentOrigin } from '../core/settings/key-binding';
import { fileCredentialStore } from '../core/settings/credentials';
import type { SyncOptions } from '../core/sync/feature';
import { makePrivateDir } from './private-dir';
import { serveMedia, serveStatic } from './static';
import { MEDIA_PREFIX } from '../core/recording/media';
import type { RecoveryOptions } from '../core/recovery/policy';

export const DATABASE_FILE = 'kiosk.sqlite';
export const KIOSK_WS_PATH = '/kiosk';
/** Frames beyond this are cut off by the socket itself (close 1009); below it the dispatcher answers in words. */
const MAX_FRAME_BYTES = 8 * 1024 * 1024;

export interface WebHostOptions {
  dataDir: string;
  port?: number;
  /** Default: dist/renderer of this checkout. */
  rendererDir?: string;
  /** Practice-emulator options for tests (userTranscripts, faults, candidates). When given, the emulator is
   * started with the host, so `emulator()` is ready for setFaults before the first call. */
  emulator?: Partial<EmulatorOptionsLike>;
  /** Stores this OpenAI key at start (as the settings screen would). */
  openaiKey?: string;
  /** Sets practice mode at start (otherwise the stored setting, or "no key set"). */
  practiceMode?: boolean;
  startEmulator?: StartEmulatorFn;
  fetch?: typeof fetch;
  /** Sync engine options (tests: compressed clock, batch sizes) and the fetch the Supabase client uses. */
  sync?: SyncOptions;
  backendFetch?: typeof fetch;
  /** Room view: offline threshold for kiosks (tests: short, with a short presence heartbeat in `sync`). */
  roomOfflineAfterMs?: number;
  /** Reconnect/rollover/resume tuning (tests: short session limit, compressed backoff). reconnectDelayScale goes
   * to the page (its test config), the rest to the core. */
  recovery?: RecoveryOptions & { reconnectDelayScale?: number };
  log?: (line: string) => void;
  /** Called once the host has closed after an operator quit (quitApp); serve.ts exits the process. */
  onQuit?: () => void;
  /** Kiosk-mode operator rules (admin closed until a PIN is chosen); default: recruiter rules. */
  kioskMode?: boolean;
  /** Kiosk mode: how long a candidate's summary stays readable (tests shorten it). */
  kioskSummaryMs?: number;
  /** The report view as PDF for the review workspace's export, as Electron's webContents.printToPDF does in the
   * app (tests pass Chromium's own print to PDF of the page); without it the export is not_configured. */
  printToPdf?: () => Promise<Uint8Array>;
  /** The socket token; default: 32 random bytes made at start. A supervisor that restarts the host under an open
   * page (the kill harness) passes the same one again. */
  token?: string;
}

export interface WebHost {
  /** The origin (http://127.0.0.1:port), for fetches and Origin headers. */
  url: string;
  /** The address to open the kiosk at: the origin with this start's token in the fragment. */
  pageUrl: string;
  token: string;
  core: KioskService;
  emulator(): EmulatorHandleLike | null;
  close(): Promise<void>;
  /** Resolves when the host has closed (close() or an operator quit). */
  closed: Promise<void>;
}

export const defaultRendererDir = () => fileURLToPath(new URL('../../dist/renderer', import.meta.url));

/** The web analogue of an IPC sender check: only pages served by this host may open the socket. */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

/** Only requests addressed to this machine by name or loopback address: a rebound DNS name gets nothing. */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** Constant-time: the socket's offered token against this start's. */
export function tokenMatches(offered: string | null, token: string): boolean {
  if (offered === null || offered.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(offered), Buffer.from(token));
}

const refuse = (status: string, words: string) =>
  `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${words}\n`;

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const log = options.log ?? (() => {});
  const dataDir = resolve(options.dataDir);
  makePrivateDir(dataDir); // 0700, and every file in it 0600 (transcripts, recordings, the key)
  const token = options.token ?? randomBytes(32).toString('base64url');
  if (!isSocketToken(token)) throw new Error('The web host token must be 43–128 characters of base64url.');
  const rendererDir = options.rendererDir ?? defaultRendererDir();
  const { db, salvage } = openOrSalvage(join(dataDir, DATABASE_FILE));
  const settings = fileSettingsStore(dataDir);
  const secrets = plaintextSecretStore(dataDir);
  if (options.openaiKey) setOpenAIKeyForCurrentOrigin(secrets, settings, options.openaiKey);
  if (options.practiceMode !== undefined) settings.update({ practiceMode: options.practiceMode });
  let quit: () => void = () => {};
  const { reconnectDelayScale, ...coreRecovery } = options.recovery ?? {};
  const pageConfig: Record<string, number> = reconnectDelayScale !== undefined ? { reconnectDelayScale } : {};
  const core = createKioskService({
    db,
    dataDir,
    settings,
    secrets,
    ...(salvage ? { storageNotices: [{ message: describeSalvage(salvage), at: salvage.at }] } : {}),
    ...(options.emulator ? { emulator: options.emulator } : {}),
    startEmulator: options.startEmulator ?? loadEmulator,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    credentials: fileCredentialStore(dataDir),
    ...(options.sync ? { sync: options.sync } : {}),
    ...(options.roomOfflineAfterMs ? { roomOfflineAfterMs: options.roomOfflineAfterMs } : {}),
    ...(options.backendFetch ? { backendFetch: options.backendFetch } : {}),
    ...(options.recovery ? { recovery: coreRecovery } : {}),
    log,
    // An operator quit (PIN checked by the core) closes the host cleanly; bound below, once close() exists.
    onQuit: () => quit(),
    ...(options.kioskMode ? { kioskMode: true } : {}),
    ...(options.kioskSummaryMs ? { kioskSummaryMs: options.kioskSummaryMs } : {}),
    ...(options.printToPdf ? { printToPdf: options.printToPdf } : {}),
  });

  let port = 0;
  const server = createServer((req, res) => {
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (!isAllowedHost(req.headers.host, port)) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end('This host serves only http://127.0.0.1 and http://localhost.\n');
      return;
    }
    if ((req.url ?? '').startsWith(MEDIA_PREFIX)) {
      serveMedia(req, res, (path, token) => core.evaluation.mediaFile(path, token));
      return;
    }
    serveStatic(rendererDir, req, res, pageConfig);
  });
  // The host picks the plain subprotocol; the token one is only ever offered, so it is never echoed back.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, handleProtocols: () => KIOSK_WS_PROTOCOL });

  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== KIOSK_WS_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!isAllowedHost(req.headers.host, port)) {
      log(`refused a WebSocket for host ${JSON.stringify(req.headers.host ?? null)}`);
      socket.end(refuse('421 Misdirected Request', 'This host serves only http://127.0.0.1 and http://localhost.'));
      return;
    }
    if (!isAllowedOrigin(req.headers.origin, port)) {
      log(`refused a WebSocket from origin ${JSON.stringify(req.headers.origin ?? null)}`);
      socket.end(refuse('403 Forbidden', 'This origin may not use the kiosk API.'));
      return;
    }
    if (!tokenMatches(tokenFromProtocols(req.headers['sec-websocket-protocol']), token)) {
      log('refused a WebSocket without this start\'s token');
      socket.end(refuse('401 Unauthorized', 'The kiosk API needs the token of this start: open the address the web host printed (it ends in #token=…).'));
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const send = (message: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(encodeWire(message));
    };
    const reply = (id: number, result: KioskResult<unknown>) => send({ id, result });
    const unsubscribe = core.events.onAny((event, payload) => send({ event, payload }));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        reply(-1, { ok: false, error: { code: 'invalid_request', message: 'Requests must be JSON text frames.' } });
        return;
      }
      let decoded: unknown;
      try {
        decoded = decodeWire(data.toString());
      } catch {
        reply(-1, { ok: false, error: { code: 'invalid_request', message: 'The request is not valid JSON (or holds malformed bytes).' } });
        return;
      }
      const envelope = parseWireRequest(decoded);
      if (!envelope.ok) {
        reply(envelope.id ?? -1, { ok: false, error: { code: 'invalid_request', message: envelope.message } });
        return;
      }
      const { id, method, payload } = envelope.request;
      void core.dispatch(method, payload).then((result) => reply(id, result));
    });
    ws.on('close', unsubscribe);
    ws.on('error', (error) => log(`websocket error: ${error.message}`));
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', fail);
      ok();
    });
  });
  port = (server.address() as AddressInfo).port;
  // The emulator (werift and its certificate libraries, a third of the start's CPU) loads only once the host
  // listens: a page whose host restarted under it reconnects and replays its queued events meanwhile, and its call
  // waits for the emulator in startCall (practiceEmulator.ensure) rather than for the whole start.
  if (options.emulator) {
    try {
      await core.startEmulator();
    } catch (error) {
      wss.close();
      await new Promise<void>((ok) => server.close(() => ok()));
      await core.close();
      db.close();
      throw error;
    }
  }
  const url = `http://127.0.0.1:${port}`;
  log(`web host listening on ${url} (data dir ${dataDir})`); // never the token: logs are not private

  let closed: Promise<void> | null = null;
  let markClosed: () => void = () => {};
  const whenClosed = new Promise<void>((ok) => (markClosed = ok));
  const handle: WebHost = {
    url,
    pageUrl: `${url}/#token=${token}`,
    token,
    core,
    emulator: () => core.emulator(),
    closed: whenClosed,
    close() {
      closed ??= (async () => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        await new Promise<void>((ok) => server.close(() => ok()));
        server.closeAllConnections?.();
        await core.close();
        db.close();
        markClosed();
      })();
      return closed;
    },
  };
  quit = () => {
    log('operator quit: closing the web host');
    void handle.close().then(() => options.onQuit?.());
  };
  return handle;
}

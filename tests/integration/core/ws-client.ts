// A minimal KioskApi client over the web host's WebSocket, for the integration tests. It records every frame
// it receives, so tests can scan them (e.g. for a secret that must never appear).
import { WebSocket } from 'ws';
import type { KioskEventName, KioskResult } from '../../../preload/contract';
import { classifyServerMessage, decodeWire, encodeWire, socketProtocols, tokenFromFragment } from '../../../preload/wire';

export interface TestClient {
  call<T = unknown>(method: string, payload?: unknown): Promise<KioskResult<T>>;
  sendRaw(text: string | Buffer): void;
  /** Waits for the next reply with this id (e.g. -1 for requests without a readable id). */
  nextReply(id: number, timeoutMs?: number): Promise<KioskResult<unknown>>;
  waitForEvent(event: KioskEventName, predicate: (payload: any) => boolean, timeoutMs?: number): Promise<any>;
  frames: string[];
  pushes: { event: string; payload: any }[];
  close(): Promise<void>;
}

/** `address` is the host's pageUrl (origin + `#token=…`), as a page would be opened; without a fragment, no token
 * is offered. `origin` is the Origin header to send (default: the address's own origin; null: none). */
export function connectClient(address: string, origin: string | null = new URL(address).origin): Promise<TestClient> {
  const url = new URL(address);
  const token = tokenFromFragment(url.hash);
  const ws = new WebSocket(`ws://${url.host}/kiosk`, token ? socketProtocols(token) : [], origin === null ? {} : { origin });
  const frames: string[] = [];
  const pushes: { event: string; payload: any }[] = [];
  const waiters = new Map<number, (r: KioskResult<unknown>) => void>();
  const eventWaiters = new Set<{ event: string; predicate: (p: any) => boolean; resolve: (p: any) => void }>();
  let nextId = 1;
  ws.on('message', (data) => {
    const text = data.toString();
    frames.push(text);
    const msg = classifyServerMessage(decodeWire(text));
    if (msg.kind === 'reply') {
      const w = waiters.get(msg.reply.id);
      waiters.delete(msg.reply.id);
      w?.(msg.reply.result);
    } else if (msg.kind === 'push') {
      pushes.push(msg.push);
      for (const w of [...eventWaiters]) {
        if (w.event === msg.push.event && w.predicate(msg.push.payload)) {
          eventWaiters.delete(w);
          w.resolve(msg.push.payload);
        }
      }
    }
  });
  const nextReply = (id: number, timeoutMs = 10_000) =>
    new Promise<KioskResult<unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to request ${id} within ${timeoutMs} ms`)), timeoutMs);
      waiters.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
  const client: TestClient = {
    frames,
    pushes,
    call(method, payload) {
      const id = nextId++;
      const p = nextReply(id, 20_000);
      ws.send(encodeWire({ id, method, payload }));
      return p as Promise<KioskResult<any>>;
    },
    sendRaw: (text) => ws.send(text),
    nextReply,
    waitForEvent(event, predicate, timeoutMs = 10_000) {
      const already = pushes.find((p) => p.event === event && predicate(p.payload));
      if (already) return Promise.resolve(already.payload);
      return new Promise((resolve, reject) => {
        const w = { event, predicate, resolve: (p: any) => (clearTimeout(timer), resolve(p)) };
        const timer = setTimeout(() => {
          eventWaiters.delete(w);
          reject(new Error(`no ${event} event within ${timeoutMs} ms`));
        }, timeoutMs);
        eventWaiters.add(w);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === ws.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
  });
}

// The KioskBridge over the web host's WebSocket (`/kiosk`, same origin), for when there is no Electron preload.
// Wire format and bridge shape come from preload/wire.ts, shared with main. The socket reconnects when it drops;
// requests made while it is down wait for the reconnect (bounded), requests in flight when it drops fail with
// words, because whether main handled them is unknown.
import type { KioskBridge, KioskEventName, KioskMethod, KioskResult } from '../../preload/contract';
import { classifyServerMessage, createBridge, decodeWire, encodeWire } from '../../preload/wire';
import { backoffDelay, type BackoffPolicy } from '../../preload/backoff';

/** The host is always on this machine (127.0.0.1), so frequent tries cost nothing, and after a crash the restarted
 * host should be found within a fraction of a second: this delay is part of the kill → resumed-call time. */
export const SOCKET_BACKOFF: BackoffPolicy = { stepsMs: [100], factor: 2, capMs: 500, jitter: [0.75, 1.25] };

export interface WsClientOptions {
  url: string;
  /** Subprotocols to offer (the web host's token travels as one, see preload/wire.ts). */
  protocols?: string[];
  /** Said instead of the generic words when the service cannot be reached (e.g. the page has no token). */
  unreachableHint?: string;
  /** How long a request may wait for the socket to (re)open. */
  connectTimeoutMs?: number;
  /** How long a request may wait for its reply. */
  replyTimeoutMs?: number;
  WebSocketImpl?: typeof WebSocket;
}

interface Pending {
  resolve: (result: KioskResult<unknown>) => void;
  timer: ReturnType<typeof setTimeout>;
}

// Every failure of the socket itself is 'unreachable': main may not have seen the request (never 'internal',
// which is main's own failure).
const unreachable = (message: string): KioskResult<unknown> => ({ ok: false, error: { code: 'unreachable', message } });

export interface WsBridge extends KioskBridge {
  /** Follows the socket to main: false when it drops, true when it is open again. Returns the unsubscribe. */
  onLinkChange(listener: (up: boolean) => void): () => void;
  close(): void;
}

export function createWsBridge(options: WsClientOptions): WsBridge {
  const Impl = options.WebSocketImpl ?? WebSocket;
  const connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
  const replyTimeoutMs = options.replyTimeoutMs ?? 30_000;
  let socket: WebSocket | null = null;
  let attempts = 0;
  let closed = false;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const waitingForOpen = new Set<() => void>();
  const listeners = new Map<KioskEventName, Set<(payload: unknown) => void>>();
  const linkListeners = new Set<(up: boolean) => void>();
  let linkUp = false;
  const setLink = (up: boolean) => {
    if (up === linkUp) return;
    linkUp = up;
    for (const listener of [...linkListeners]) listener(up);
  };

  function connect(): void {
    if (closed) return;
    const ws = options.protocols?.length ? new Impl(options.url, options.protocols) : new Impl(options.url);
    socket = ws;
    ws.addEventListener('open', () => {
      attempts = 0;
      setLink(true);
      for (const wake of [...waitingForOpen]) wake();
    });
    ws.addEventListener('message', (ev: MessageEvent) => {
      if (typeof ev.data !== 'string') return;
      let decoded: unknown;
      try {
        decoded = decodeWire(ev.data);
      } catch {
        return; // not ours to crash on; main never sends malformed JSON
      }
      const msg = classifyServerMessage(decoded);
      if (msg.kind === 'reply') {
        const p = pending.get(msg.reply.id);
        if (p) {
          pending.delete(msg.reply.id);
          clearTimeout(p.timer);
          p.resolve(msg.reply.result);
        }
      } else if (msg.kind === 'push') {
        for (const listener of listeners.get(msg.push.event) ?? []) listener(msg.push.payload);
      }
    });
    // A failed connect is followed by 'close', which schedules the retry; the listener keeps it from being fatal.
    ws.addEventListener('error', () => undefined);
    ws.addEventListener('close', () => {
      if (socket === ws) socket = null;
      setLink(false);
      for (const [id, p] of pending) {
        pending.delete(id);
        clearTimeout(p.timer);
        p.resolve(unreachable('The connection to the kiosk service was lost while a request was in flight. Please try again.'));
      }
      if (!closed) setTimeout(connect, backoffDelay(attempts++, SOCKET_BACKOFF));
    });
  }

  function whenOpen(): Promise<WebSocket | null> {
    if (socket && socket.readyState === Impl.OPEN) return Promise.resolve(socket);
    return new Promise((resolve) => {
      const wake = () => {
        if (socket && socket.readyState === Impl.OPEN) finish(socket);
      };
      const timer = setTimeout(() => finish(null), connectTimeoutMs);
      const finish = (ws: WebSocket | null) => {
        clearTimeout(timer);
        waitingForOpen.delete(wake);
        resolve(ws);
      };
      waitingForOpen.add(wake);
    });
  }

  async function invoke(method: KioskMethod, payload: unknown): Promise<KioskResult<unknown>> {
    const ws = await whenOpen();
    if (!ws) return unreachable('The kiosk service cannot be reached. Check that it is running, then try again.');
    const id = nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve(unreachable('The kiosk service did not answer in time. Please try again.'));
      }, replyTimeoutMs);
      pending.set(id, { resolve, timer });
      ws.send(encodeWire({ id, method, payload }));
    });
  }

  function subscribe(event: KioskEventName, listener: (payload: unknown) => void): () => void {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  connect();
  const bridge = createBridge(invoke, subscribe);
  return Object.assign(bridge, {
    onLinkChange(listener: (up: boolean) => void) {
      linkListeners.add(listener);
      return () => void linkListeners.delete(listener);
    },
    close() {
      closed = true;
      socket?.close();
    },
  });
}

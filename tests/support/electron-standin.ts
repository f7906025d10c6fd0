// Electron's preload path without Electron: the REAL preload bundle (dist/preload/index.cjs) runs in Chromium
// against stand-ins for `contextBridge` and `ipcRenderer`, and main's REAL IPC binding (registerIpc in
// main/electron/ipc.ts) runs in the test process against a stand-in `ipcMain`. Between them a Playwright binding
// carries the bytes the way Electron's IPC pipe would. Each rule the stand-ins apply comes from Electron's docs:
//
//   ipcRenderer.invoke (docs/api/ipc-renderer.md, "ipcRenderer.invoke"):
//     R1 arguments are serialized with the Structured Clone Algorithm (prototype chains dropped; functions,
//        promises and symbols throw);
//     R2 if the handler in main throws, the promise rejects, but "the Error object in the renderer process will
//        not be the same as the one thrown in the main process": only its message crosses (docs/tutorial/ipc.md);
//   ipcMain.handle (docs/api/ipc-main.md): R3 the handler's return value is sent back structured-cloned;
//   webContents.send (docs/api/web-contents.md): R4 arguments structured-cloned, listeners get (event, ...args);
//   contextBridge.exposeInMainWorld (docs/api/context-bridge.md):
//     C1 the API appears on window[apiKey] and nowhere else; values are copied and frozen;
//     C2 functions are proxied; their parameters, return values and errors are copied: an Error keeps its message
//        (the structured clone of an Error carries name, message and stack, never extra properties such as `code`);
//        a plain object is copied whole; prototypes are dropped; promises are supported.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import type { Page } from 'playwright';
import type { KioskService } from '../../main/core/api/service';
import { registerIpc } from '../../main/electron/ipc';
import { APP_ENTRY_URL } from '../../main/electron/security';
import { decodeWire, encodeWire } from '../../preload/wire';

const PRELOAD_BUNDLE = fileURLToPath(new URL('../../dist/preload/index.cjs', import.meta.url));
const WIRE_SOURCE = fileURLToPath(new URL('../../preload/wire.ts', import.meta.url));
const BINDING = '__kioskIpcStandin';

/** The page side: the stand-ins, then the preload bundle as Electron runs it (CommonJS, `require('electron')`). */
function pageScript(preload: string): string {
  // The wire encoder carries Uint8Arrays through the binding's JSON; it is bundled into the script's closure.
  const wire = buildSync({ entryPoints: [WIRE_SOURCE], bundle: true, write: false, format: 'iife', globalName: '__wire', target: 'es2022' }).outputFiles[0]!.text;
  return `(() => {
  const binding = window.${BINDING};
  delete window.${BINDING}; // C1: nothing but the exposed key is left on window
  ${wire}
  const { encodeWire, decodeWire } = __wire;
  const call = async (message) => decodeWire(await binding(encodeWire(message)));

  // C2: what crosses the bridge is a copy; functions become proxies.
  const copyError = (error) => (error !== null && typeof error === 'object' ? structuredClone(error) : error);
  function copyIn(value) {
    if (typeof value === 'function') {
      return (...args) => {
        let result;
        try {
          result = value(...args.map(copyIn));
        } catch (error) {
          throw copyError(error);
        }
        if (result && typeof result.then === 'function') return Promise.resolve(result).then(copyIn, (error) => Promise.reject(copyError(error)));
        return copyIn(result);
      };
    }
    if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
      if (Array.isArray(value)) return Object.freeze(value.map(copyIn));
      const out = {};
      for (const [k, v] of Object.entries(value)) out[k] = copyIn(v);
      return Object.freeze(out);
    }
    return value === undefined ? undefined : structuredClone(value);
  }
  const contextBridge = {
    exposeInMainWorld(key, api) {
      Object.defineProperty(window, key, { value: copyIn(api), enumerable: true, writable: false, configurable: false });
    },
  };

  const listeners = new Map();
  const ipcRenderer = {
    async invoke(channel, ...args) {
      const cloned = structuredClone(args); // R1 (throws DataCloneError on functions)
      const reply = await call({ kind: 'invoke', channel, args: cloned });
      if (reply.ok) return reply.value;
      throw new Error("Error invoking remote method '" + channel + "': " + reply.message); // R2
    },
    on(channel, listener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel).add(listener);
      return ipcRenderer;
    },
  };
  (async () => {
    for (;;) {
      const pushed = await call({ kind: 'next' }); // R4: main's webContents.send, in order
      if (pushed === null) return;
      for (const listener of listeners.get(pushed.channel) ?? []) listener({ sender: ipcRenderer }, ...pushed.args);
    }
  })();

  const require = (name) => {
    if (name === 'electron') return { contextBridge, ipcRenderer };
    throw new Error('the sandboxed preload cannot require ' + name);
  };
  const module = { exports: {} };
  (function (require, module, exports) {
${preload}
  })(require, module, module.exports);
})();`;
}

/**
 * Puts the Electron preload path in front of `page` before it loads: window.kiosk comes from the real preload
 * bundle, and every request goes through main's real IPC binding into `core`'s dispatcher.
 */
export async function useElectronPreload(page: Page, core: KioskService): Promise<void> {
  if (!existsSync(PRELOAD_BUNDLE)) throw new Error('The preload is not built: run `npm run build:main` first (npm test does it).');
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const pushed: { channel: string; args: unknown[] }[] = [];
  let wake: (() => void) | null = null;
  const frame = { url: APP_ENTRY_URL }; // in Electron these files are served from app://kiosk/
  const webContents = {
    id: 1,
    mainFrame: frame,
    send(channel: string, ...args: unknown[]) {
      pushed.push({ channel, args: structuredClone(args) }); // R4
      wake?.();
    },
  };
  const ipcMain = {
    handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) => void handlers.set(channel, fn),
    removeHandler: (channel: string) => void handlers.delete(channel),
  };
  const window = { webContents, isDestroyed: () => page.isClosed() };
  const unregister = registerIpc({ ipcMain, window, dispatch: core.dispatch, events: core.events } as unknown as Parameters<typeof registerIpc>[0]);
  page.once('close', () => {
    unregister();
    wake?.();
  });

  await page.exposeBinding(BINDING, async (_source, text: string) => {
    const message = decodeWire(text) as { kind: 'invoke'; channel: string; args: unknown[] } | { kind: 'next' };
    if (message.kind === 'next') {
      while (pushed.length === 0 && !page.isClosed()) await new Promise<void>((r) => (wake = r));
      return encodeWire(pushed.shift() ?? null);
    }
    const handler = handlers.get(message.channel);
    if (!handler) return encodeWire({ ok: false, message: `Error: No handler registered for '${message.channel}'` });
    try {
      const value = await handler({ sender: webContents, senderFrame: frame }, ...structuredClone(message.args));
      return encodeWire({ ok: true, value: structuredClone(value) }); // R3
    } catch (error) {
      return encodeWire({ ok: false, message: String(error) }); // R2: the message only
    }
  });
  await page.addInitScript({ content: pageScript(readFileSync(PRELOAD_BUNDLE, 'utf8')) });
}

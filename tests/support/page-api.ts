// The KioskApi called from inside a page over a fresh socket of its own (with the web host token the page keeps),
// bypassing the UI: what any script in the page could do. Security tests use it to show main refuses by itself.
import type { Page } from 'playwright';

export type RawResult = { ok: boolean; value?: any; error?: { code: string; message: string } };

export function rawCall(page: Page, method: string, payload?: unknown): Promise<RawResult> {
  return page.evaluate(
    ({ method, payload }) =>
      new Promise<RawResult>((ok, fail) => {
        const ws = new WebSocket(`ws://${location.host}/kiosk`, ['kiosk', `kiosk-token.${sessionStorage.getItem('kiosk-web-token')}`]);
        const timer = setTimeout(() => fail(new Error('no reply')), 10_000);
        ws.onopen = () => ws.send(JSON.stringify({ id: 1, method, payload }));
        ws.onmessage = (m) => {
          const msg = JSON.parse(String(m.data));
          if (msg.id !== 1) return;
          clearTimeout(timer);
          ws.close();
          ok(msg.result);
        };
        ws.onerror = () => fail(new Error('socket error'));
      }),
    { method, payload },
  );
}

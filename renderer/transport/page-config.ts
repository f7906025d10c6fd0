// The page's test configuration: a `<meta name="kiosk-test-config" content="key=value;…">` that only the web host
// writes, and only when its options ask for it (main/web/static.ts withPageConfig). The one channel by which tests
// tune the renderer; the product contract carries none of it. Unknown keys and bad values are ignored.
export interface PageConfig {
  /** Scale of the reconnect backoff (1 = real time; 0.05 = twenty times faster). */
  reconnectDelayScale?: number;
}

export function parsePageConfig(content: string | null | undefined): PageConfig {
  const config: PageConfig = {};
  for (const part of (content ?? '').split(';')) {
    const [key, value] = part.split('=').map((s) => s.trim());
    const n = Number(value);
    if (key === 'reconnectDelayScale' && value !== '' && Number.isFinite(n) && n >= 0) config.reconnectDelayScale = n;
  }
  return config;
}

export function readPageConfig(doc: Pick<Document, 'querySelector'> = document): PageConfig {
  return parsePageConfig(doc.querySelector('meta[name="kiosk-test-config"]')?.getAttribute('content'));
}

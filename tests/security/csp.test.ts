// The renderer's Content-Security-Policy, enforced by a real Chromium on the page the web host serves: a script
// injected from another origin is blocked before any request leaves (a server that records hits sees none) and
// an inline script does not run. A control page without the policy shows the same injection does load, so the
// detector itself works.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright';
import { WEB_CONTENT_SECURITY_POLICY } from '../../main/web/static';
import { launchChromium } from '../support/chromium';
import { startTestWebHost, type TestWebHost } from '../support/webhost';

interface Probe {
  violations: { blockedURI: string; directive: string }[];
  remoteLoaded: boolean;
  remoteErrored: boolean;
  inlineRan: boolean;
}

/** Injects a remote script and an inline one, and reports what the page saw. */
function inject(page: Page, remoteUrl: string): Promise<Probe> {
  return page.evaluate(async (src) => {
    const w = window as unknown as { __inlineRan?: boolean };
    const violations: { blockedURI: string; directive: string }[] = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push({ blockedURI: e.blockedURI, directive: e.effectiveDirective }));
    const remote = document.createElement('script');
    remote.src = src;
    const outcome = new Promise<'load' | 'error'>((ok) => {
      remote.onload = () => ok('load');
      remote.onerror = () => ok('error');
    });
    document.head.appendChild(remote);
    const result = await outcome;
    const inline = document.createElement('script');
    inline.textContent = 'window.__inlineRan = true;';
    document.head.appendChild(inline);
    // Violation events are dispatched as tasks: wait for the inline one (each policy, header and meta, reports).
    const deadline = Date.now() + 2000;
    while (!w.__inlineRan && !violations.some((v) => v.blockedURI === 'inline') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    return { violations, remoteLoaded: result === 'load', remoteErrored: result === 'error', inlineRan: w.__inlineRan === true };
  }, remoteUrl);
}

describe('CSP in Chromium (web host)', () => {
  let host: TestWebHost;
  let browser: Browser;
  let tracker: Server;
  let trackerUrl = '';
  const hits: string[] = [];

  before(async () => {
    host = await startTestWebHost();
    tracker = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url?.startsWith('/page')) {
        res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>no csp</title>');
      } else {
        res.writeHead(200, { 'Content-Type': 'text/javascript' }).end('window.__remoteRan = true;');
      }
    });
    await new Promise<void>((ok) => tracker.listen(0, '127.0.0.1', ok));
    trackerUrl = `http://127.0.0.1:${(tracker.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await new Promise<void>((ok) => (tracker ? tracker.close(() => ok()) : ok()));
    await host?.close();
  });

  it('the page carries the policy as a header as well as a meta tag', async () => {
    const res = await fetch(host.url);
    assert.equal(res.headers.get('content-security-policy'), WEB_CONTENT_SECURITY_POLICY);
    assert.match(await res.text(), /http-equiv="Content-Security-Policy"/);
  });

  it('control: without the policy the same injection loads and runs (the probe can see a hit)', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${trackerUrl}/page`);
      const before = hits.length;
      const probe = await inject(page, `${trackerUrl}/control.js`);
      assert.equal(probe.remoteLoaded, true);
      assert.equal(probe.inlineRan, true);
      assert.ok(hits.slice(before).includes('/control.js'));
    } finally {
      await page.close();
    }
  });

  it('blocks an injected remote script (no request leaves) and an inline script; the app still works', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(host.pageUrl);
      // The app itself runs under the policy: its own script loaded and its WebSocket (connect-src 'self') works.
      await page.getByRole('heading', { name: 'New interview' }).waitFor({ timeout: 15_000 });
      await page.getByRole('button', { name: 'Continue to pre-flight check' }).waitFor({ timeout: 15_000 });
      const before = hits.length;
      const probe = await inject(page, `${trackerUrl}/evil.js`);
      assert.equal(probe.remoteLoaded, false);
      assert.equal(probe.remoteErrored, true);
      assert.deepEqual(hits.slice(before), [], 'the remote server was never contacted');
      assert.equal(probe.inlineRan, false, 'inline script did not run');
      assert.ok(probe.violations.some((v) => v.blockedURI.startsWith(`${trackerUrl}/evil.js`) && v.directive === 'script-src-elem'), JSON.stringify(probe.violations));
      assert.ok(probe.violations.some((v) => v.blockedURI === 'inline'), JSON.stringify(probe.violations));
      // And a fetch to another origin is refused by connect-src.
      const fetched = await page.evaluate((u) => fetch(u).then(() => 'loaded', () => 'blocked'), `${trackerUrl}/exfil`);
      assert.equal(fetched, 'blocked');
      assert.ok(!hits.includes('/exfil'));
    } finally {
      await page.close();
    }
  });
});

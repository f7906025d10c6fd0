// A company's interview made on another kiosk, reviewed here (Chromium, two web hosts, the real Postgres behind the
// gateway): kiosk 2 records and uploads a practice interview; on this kiosk a reviewer signs in, the review list
// shows the interview marked as from the backend, the list's search and status filter find it (and leave it out
// when they do not match), it opens with its recording downloaded as the reviewer; with the backend down it opens
// again from this kiosk's cache, and clicking a line plays the recording from within 1 s of that line's start.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Page } from 'playwright';
import { ANSWERS } from '../integration/evaluation/support';
import { DEMO, startSupabaseStack, type SupabaseStack } from '../support/gateway/stack';
import { startTestWebHost, type TestWebHost } from '../support/webhost';
import { openKiosk, startInterview, waitForSummary, type Kiosk } from './support-interview';

const INTERVIEW_LIMIT_MS = 120_000;
let stack: SupabaseStack;
const hosts: TestWebHost[] = [];
const pages: Kiosk[] = [];
const reviewer = { email: 'recruiter@review-pulled.test', password: crypto.randomBytes(9).toString('base64url') };
const device2 = { email: 'kiosk-2@review-pulled.test', password: crypto.randomBytes(9).toString('base64url') };

async function host(options: Parameters<typeof startTestWebHost>[0]): Promise<TestWebHost> {
  const h = await startTestWebHost({ practiceMode: true, ...options });
  hosts.push(h);
  const r = await h.core.dispatch('configureBackend', { supabaseUrl: stack.gateway.url, anonKey: stack.gateway.anonKey });
  assert.ok(r.ok, JSON.stringify(r));
  return h;
}

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  let v = await get();
  while (!ok(v)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
    v = await get();
  }
  return v;
}

/** Backend rows in the review list, by session id. */
const backendRows = (page: Page) => page.locator('tr[data-source="backend"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-session') ?? ''));

describe('review of an interview pulled from the backend', { timeout: 400_000 }, () => {
  before(async () => {
    stack = await startSupabaseStack({ seed: true });
    await stack.gateway.createDeviceUser(reviewer.email, reviewer.password, DEMO.tenantId, 'reviewer');
    await stack.gateway.createDeviceUser(device2.email, device2.password, DEMO.tenantId);
  });
  after(async () => {
    for (const p of pages) await p.close().catch(() => undefined);
    for (const h of hosts) await h.close().catch(() => undefined);
    await stack?.stop();
  });

  it('listed and filtered as from the backend, opened offline, a line plays its recording', { timeout: 360_000 }, async () => {
    // Kiosk 2 records an interview and uploads it with its recording.
    const other = await host({ emulator: { userTranscripts: [...ANSWERS], candidates: 'loopback' } });
    const signed = await other.core.dispatch('signInDevice', device2);
    assert.ok(signed.ok, JSON.stringify(signed));
    const k2 = await openKiosk(other.pageUrl);
    pages.push(k2);
    await startInterview(k2.page);
    await waitForSummary(k2.page, INTERVIEW_LIMIT_MS);
    const c = new pg.Client({ connectionString: stack.pg.url });
    await c.connect();
    let facts: { id: string; candidate: string; position: string; offset: number | null };
    let lines: { id: string; start_ms: number }[];
    try {
      facts = (await until('kiosk 2\'s interview and recording on the backend', async () => (await c.query<{ id: string; candidate: string; position: string; offset: number | null }>(
        `select s.id, c.name as candidate, p.title as position, s.recording_start_offset_ms as offset from interview_sessions s join candidates c on c.id = s.candidate_id
          join positions p on p.id = s.position_id join auth.users u on u.id = s.device_id
         where u.email = $1 and s.status = 'completed' and s.recording_path is not null`, [device2.email])).rows[0], (r) => !!r))!;
      lines = (await c.query<{ id: string; start_ms: number }>(`select id, start_ms from transcript_entries where session_id = $1
        and start_ms is not null and text <> '' and status <> 'failed' order by seq`, [facts.id])).rows;
    } finally {
      await c.end();
    }
    assert.ok(lines.length >= 4, `timed lines on the backend (${lines.length})`);
    // The recorder starts after the interview (once the call is up); kiosk 2 sends that offset with the session.
    const offset = facts.offset;
    assert.ok(offset !== null && offset > 0, `the recorder's start offset reached the backend (${offset})`);

    // This kiosk: a reviewer of the company signs in; the review list pulls and shows the interview as from the backend.
    const mine = await host({});
    const rs = await mine.core.dispatch('signInObserver', reviewer);
    assert.ok(rs.ok, JSON.stringify(rs));
    const k1 = await openKiosk(mine.pageUrl);
    pages.push(k1);
    const { page } = k1;
    await page.getByRole('button', { name: 'Past interviews' }).click();
    const row = page.locator(`tr[data-source="backend"][data-session="${facts.id}"]`);
    await row.waitFor({ timeout: 30_000 });
    await row.getByText('(from the backend)').waitFor();

    // The list's own search and filters cover it.
    const search = page.getByRole('searchbox', { name: 'Search' });
    await search.fill(facts.candidate.slice(0, 4));
    await row.waitFor();
    await search.fill('no such candidate');
    await until('the search to leave it out', () => backendRows(page), (ids) => !ids.includes(facts.id), 10_000);
    await search.fill('');
    await page.getByLabel('Status').selectOption('failed');
    await until('the failed filter to leave it out', () => backendRows(page), (ids) => !ids.includes(facts.id), 10_000);
    await page.getByLabel('Status').selectOption('completed');
    await row.waitFor({ timeout: 10_000 });

    // Opened: its recording is downloaded as the reviewer and comes to the page through the app's media route.
    const heading = page.getByRole('heading', { name: `${facts.candidate} — ${facts.position}` });
    await row.getByRole('button', { name: facts.candidate }).click();
    await heading.waitFor({ timeout: 10_000 });
    await page.locator('audio').waitFor({ state: 'attached', timeout: 60_000 });
    await page.getByRole('button', { name: 'Back' }).first().click();

    // The backend goes down; the interview opens from this kiosk's cache, with its recording.
    stack.gateway.faults.down = true;
    await row.getByRole('button', { name: facts.candidate }).click();
    await heading.waitFor({ timeout: 10_000 });
    await page.getByText(/From the backend \(another kiosk/).waitFor();
    await page.locator('audio').waitFor({ state: 'attached', timeout: 10_000 });
    const src = await page.locator('audio').getAttribute('src');
    assert.match(src ?? '', /^\/media\/recordings\/[0-9a-f-]{36}\.webm\?t=/, 'served by the app\'s own media route');

    // Clicking a line plays from that line's start: start_ms minus the recorder's offset in the recording.
    const line = lines[Math.floor(lines.length / 2)]!;
    await page.evaluate(() => {
      const audio = document.querySelector('audio')!;
      const w = window as unknown as { __seeks: number[] };
      w.__seeks = [];
      audio.addEventListener('seeked', () => w.__seeks.push(audio.currentTime));
    });
    await page.locator(`li[data-entry="${line.id}"] button`).first().click();
    await page.waitForFunction(() => (window as unknown as { __seeks: number[] }).__seeks.length > 0, undefined, { timeout: 15_000 });
    const seekedAt = await page.evaluate(() => (window as unknown as { __seeks: number[] }).__seeks[0]!);
    const want = Math.max(0, line.start_ms - offset) / 1000;
    assert.ok(Math.abs(seekedAt - want) <= 1, `seeked to ${seekedAt} s for a line at ${line.start_ms} ms (recording offset ${offset} ms)`);
    const played = await page.waitForFunction((from) => {
      const a = document.querySelector('audio')!;
      return !a.paused && a.readyState >= 2 && a.currentTime >= from + 0.5 ? a.currentTime : false;
    }, seekedAt, { timeout: 15_000 });
    assert.ok(((await played.jsonValue()) as number) > seekedAt, 'the recording plays on from the line');
    stack.gateway.faults.down = false;
  });
});

// The room view end to end: two kiosks (two web hosts in Chromium, practice mode, signed in as two device users)
// and one observer page (a third web host, signed in through the room view's form as an observer). The observer
// sees both kiosks go through pre-flight, interview and finish, sees a help request (set through the main-side
// setKioskState, as the candidate's help button will), follows one live transcript through a cut of its
// Realtime socket (held down until an entry lands in Postgres that only the catch-up can bring) and ends with
// exactly the kiosk's SQLite entries, in order; a kiosk that stops reporting is
// shown offline within the stated time.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Page } from 'playwright';
import type { SyncStatus } from '../../preload/contract';
import { startSupabaseStack, DEMO, type SupabaseStack } from '../support/gateway/stack';
import { startTestWebHost, type TestWebHost } from '../support/webhost';
import { openKiosk, readDatabase, startInterview, waitForSummary, type Kiosk } from './support-interview';

const HEARTBEAT_MS = 1_000;
const OFFLINE_AFTER_MS = 15_000;

let stack: SupabaseStack;
const hosts: TestWebHost[] = [];
const pages: Kiosk[] = [];
const observer = { email: 'invigilator@demo.test', password: crypto.randomBytes(9).toString('base64url') };
const device2 = { email: 'kiosk-2@demo.test', password: crypto.randomBytes(9).toString('base64url') };

async function kioskHost(device: { email: string; password: string }): Promise<TestWebHost> {
  const host = await startTestWebHost({ practiceMode: true, sync: { presenceHeartbeatMs: HEARTBEAT_MS } });
  hosts.push(host);
  const ok = async (method: string, payload: unknown) => {
    const r = await host.core.dispatch(method, payload);
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  };
  await ok('configureBackend', { supabaseUrl: stack.gateway.url, anonKey: stack.gateway.anonKey });
  await ok('signInDevice', { email: device.email, password: device.password });
  return host;
}

/** Every kiosk card's state as the observer page shows it, by label. */
async function grid(page: Page): Promise<Record<string, string>> {
  return page.locator('[data-testid="room-kiosk"]').evaluateAll((els) =>
    Object.fromEntries(els.map((e) => [e.getAttribute('data-label') ?? '', e.getAttribute('data-state') ?? ''])));
}

async function shownTranscript(page: Page): Promise<{ id: string; text: string }[]> {
  return page.locator('[data-testid="room-transcript"] > li').evaluateAll((els) =>
    els.map((e) => ({ id: e.getAttribute('data-entry-id') ?? '', text: (e.textContent ?? '').replace(/^[^:]*:\s*/, '') })));
}

/** End and confirm; three browsers share two loaded cores here, so the confirm may take longer than usual. */
async function end(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'End interview' }).click({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Yes, end now' }).click({ timeout: 30_000 });
}

/** Ids of the transcript entries a device has in Postgres (what the server holds, read directly). */
async function serverEntryIds(deviceEmail: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: stack.pg.url });
  await c.connect();
  try {
    const r = await c.query<{ id: string }>(`select t.id from transcript_entries t join auth.users u on u.id = t.device_id
      where u.email = $1 order by t.seq`, [deviceEmail]);
    return r.rows.map((x) => x.id);
  } finally {
    await c.end();
  }
}

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  let v = await get();
  while (!ok(v)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
    v = await get();
  }
  return v;
}

describe('room view: two kiosks and an observer', { timeout: 300_000 }, () => {
  before(async () => {
    stack = await startSupabaseStack({ seed: true });
    await stack.gateway.createDeviceUser(observer.email, observer.password, DEMO.tenantId, 'observer');
    await stack.gateway.createDeviceUser(device2.email, device2.password, DEMO.tenantId);
  });
  after(async () => {
    for (const p of pages) await p.close().catch(() => undefined);
    for (const h of hosts) await h.close().catch(() => undefined);
    await stack?.stop();
  });

  it('follows both kiosks, a help request, one live transcript through a socket cut, and an offline kiosk', async () => {
    const hostA = await kioskHost(stack.device!);
    const hostB = await kioskHost(device2);
    const roomHost = await startTestWebHost({ roomOfflineAfterMs: OFFLINE_AFTER_MS });
    hosts.push(roomHost);
    const cfg = await roomHost.core.dispatch('configureBackend', { supabaseUrl: stack.gateway.url, anonKey: stack.gateway.anonKey });
    assert.equal(cfg.ok, true);

    // The observer signs in through the room view's own form (recruiter mode: no PIN chosen yet, so open).
    const obs = await openKiosk(roomHost.pageUrl);
    pages.push(obs);
    await obs.page.getByRole('button', { name: 'Room view' }).click();
    await obs.page.getByLabel('Observer email').fill(observer.email);
    await obs.page.getByLabel('Password').fill(observer.password);
    await obs.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await obs.page.getByTestId('room-connection').getByText(/Live\./).waitFor({ timeout: 20_000 });

    const history: Record<string, string[]> = {};
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const g = await grid(obs.page).catch(() => ({} as Record<string, string>));
        for (const [label, state] of Object.entries(g)) {
          const h = (history[label] ??= []);
          if (h.at(-1) !== state) h.push(state);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    const a = await openKiosk(hostA.pageUrl);
    const b = await openKiosk(hostB.pageUrl);
    pages.push(a, b);
    await until('both kiosks idle', () => grid(obs.page), (g) => g['kiosk-1@demo.test'] === 'idle' && g['kiosk-2@demo.test'] === 'idle');

    // Kiosk A: pre-flight, then the interview; the observer follows it.
    await startInterview(a.page);
    await until('kiosk A interviewing', () => grid(obs.page), (g) => g['kiosk-1@demo.test'] === 'interviewing');
    await obs.page.getByRole('button', { name: 'Follow kiosk-1@demo.test' }).click();
    await a.page.locator('ol.transcript > li.interviewer').first().waitFor({ timeout: 30_000 });
    await until('a first live entry', () => shownTranscript(obs.page), (t) => t.length >= 1);

    // A help request on kiosk B is raised at the top of the room view.
    hostB.core.sync.setKioskState('help_requested');
    await obs.page.getByTestId('room-help').getByText('kiosk-2@demo.test is asking for help.').waitFor({ timeout: 10_000 });

    // The observer's socket is cut mid-interview and stays cut until kiosk A has a new entry in Postgres (one its
    // SQLite did not even hold at the cut, so no live message can have carried it): only the observer's own
    // catch-up after it reconnects can fill that gap.
    stack.gateway.realtime.refusing = true;
    assert.ok(stack.gateway.realtime.dropConnections() >= 1);
    const localAtCut = new Set(readDatabase(hostA.dbFile).entries.map((e) => e.id));
    await obs.page.getByTestId('room-connection').getByText(/Reconnecting/).waitFor({ timeout: 20_000 });
    const missed = await until('a new entry of kiosk A reaching Postgres during the cut', () => serverEntryIds(stack.device!.email),
      (ids) => ids.some((id) => !localAtCut.has(id)), 60_000).then((ids) => ids.filter((id) => !localAtCut.has(id)));
    assert.ok(!(await shownTranscript(obs.page)).some((e) => missed.includes(e.id)), 'the cut observer cannot have it yet');
    stack.gateway.realtime.refusing = false;
    await obs.page.getByTestId('room-connection').getByText(/Live\./).waitFor({ timeout: 30_000 });
    await until('the entries committed during the cut shown', () => shownTranscript(obs.page),
      (t) => missed.every((id) => t.some((e) => e.id === id)), 20_000);

    // Kiosk B goes through its own interview meanwhile.
    hostB.core.sync.setKioskState('idle');
    await startInterview(b.page);
    await until('kiosk B interviewing', () => grid(obs.page), (g) => g['kiosk-2@demo.test'] === 'interviewing');
    await end(b.page);
    await waitForSummary(b.page, 30_000);

    // Kiosk A's practice interview may have reached its own end (the interviewer's closing) during the cut.
    const over = a.page.getByRole('heading', { name: 'Interview finished' });
    if (!(await over.isVisible())) await end(a.page).catch(async (err: Error) => { if (!(await over.isVisible())) throw err; });
    await waitForSummary(a.page, 30_000);
    await until('both finished', () => grid(obs.page), (g) => g['kiosk-1@demo.test'] === 'finished' && g['kiosk-2@demo.test'] === 'finished');
    await until('kiosk A uploaded everything', async () => (await hostA.core.getSyncStatus()) as SyncStatus, (s) => s.pending === 0, 30_000);

    // The followed transcript ends identical to kiosk A's SQLite, in order, each entry once.
    const session = readDatabase(hostA.dbFile).sessions.at(-1)!;
    const want = readDatabase(hostA.dbFile).entries.filter((e) => e.session_id === session.id)
      .sort((x, y) => x.seq - y.seq || (x.id < y.id ? -1 : 1)).map((e) => ({ id: e.id, text: e.text }));
    assert.ok(want.length >= 3, `a real interview: ${want.length} entries`);
    const shown = await until('the live transcript equals SQLite', () => shownTranscript(obs.page),
      (t) => JSON.stringify(t) === JSON.stringify(want)).catch(async (err: Error) => {
      assert.deepEqual(await shownTranscript(obs.page), want, err.message);
      throw err;
    });
    assert.equal(new Set(shown.map((e) => e.id)).size, shown.length, 'no duplicate');

    watching = false;
    await watcher;
    // One last sample: under load a sampling round can take longer than a state lasts on screen; the final state
    // (already awaited above) belongs in the history whatever the sampler's timing.
    for (const [label, state] of Object.entries(await grid(obs.page))) {
      const h = (history[label] ??= []);
      if (h.at(-1) !== state) h.push(state);
    }
    const seq = (label: string) => history[label]!.filter((s) => s !== 'idle');
    assert.deepEqual(seq('kiosk-1@demo.test'), ['pre_flight', 'interviewing', 'finished'], JSON.stringify(history));
    assert.ok(seq('kiosk-2@demo.test').join(',').includes('help_requested'), JSON.stringify(history));
    assert.ok(seq('kiosk-2@demo.test').join(',').endsWith('pre_flight,interviewing,finished'), JSON.stringify(history));

    // Kiosk B stops reporting (its host goes away): offline within the stated time (+ one heartbeat and a tick).
    await b.close();
    await hostB.close();
    const stoppedAt = Date.now();
    await until('kiosk B offline', () => grid(obs.page), (g) => g['kiosk-2@demo.test'] === 'offline', OFFLINE_AFTER_MS + HEARTBEAT_MS + 5_000);
    assert.ok(Date.now() - stoppedAt <= OFFLINE_AFTER_MS + HEARTBEAT_MS + 5_000);
    assert.equal((await grid(obs.page))['kiosk-1@demo.test'], 'finished', 'kiosk A still reporting');
    assert.deepEqual(obs.pageErrors, []);
  });
});

// The operator screen and the invitation code in the real renderer (Chromium, web host), by keyboard, against a
// real Postgres behind the Supabase-compatible gateway: set the backend, sign the device in, see the sync status,
// then a candidate types an unknown code (friendly message) and a valid one (straight to the pre-flight check).
// The anon key and the password never stay in the page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright';
import { startSupabaseStack, type SupabaseStack } from '../support/gateway/stack';
import { startTestWebHost, type TestWebHost } from '../support/webhost';
import { acceptDisclosure, openKiosk, type Kiosk } from './support-interview';

let stack: SupabaseStack;
let host: TestWebHost;
let kiosk: Kiosk;

async function press(page: Page, name: string | RegExp): Promise<void> {
  const button = page.getByRole('button', { name });
  await button.focus();
  await page.keyboard.press('Enter');
}

describe('operator screen and invitation code', { timeout: 120_000 }, () => {
  before(async () => {
    stack = await startSupabaseStack({ seed: true });
    host = await startTestWebHost({});
    kiosk = await openKiosk(host.pageUrl);
  });

  after(async () => {
    if (stack) stack.gateway.faults.down = false;
    await kiosk?.close();
    await host?.close();
    await stack?.stop();
  });

  it('configures the backend and signs the device in by keyboard; secrets do not stay in the page', async () => {
    const { page } = kiosk;
    await page.getByText('Demo data').waitFor();
    await press(page, 'Sync and backend');
    await page.getByRole('heading', { name: /Operator: sync and backend/ }).waitFor();
    await page.getByText('No backend is set up').waitFor();

    await page.getByLabel('Supabase URL').fill(stack.gateway.url);
    await page.getByLabel(/Anon key/).fill(stack.gateway.anonKey);
    await page.getByLabel(/Anon key/).press('Enter');
    await page.getByText(`Connected to ${stack.gateway.url}.`).waitFor();

    await page.getByLabel('Device email').fill(stack.device!.email);
    await page.getByLabel('Password').fill(stack.device!.password);
    await page.getByLabel('Password').press('Enter');
    await page.getByTestId('signed-in-as').getByText(`Signed in as ${stack.device!.email}.`).waitFor({ timeout: 20_000 });
    await page.getByTestId('sync-summary').getByText('Everything is uploaded.').waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId('sync-pending').textContent(), '0');

    const dom = await page.content();
    const values = await page.locator('input').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    for (const secret of [stack.gateway.anonKey, stack.device!.password]) {
      assert.ok(!dom.includes(secret), 'not in the DOM');
      assert.ok(!values.some((v) => v.includes(secret)), 'not left in an input');
    }
    assert.deepEqual(kiosk.pageErrors, []);
  });

  it('a candidate types an invitation code: unknown gets a friendly message, a valid one leads to the disclosure, then the pre-flight check', async () => {
    const { page } = kiosk;
    await press(page, 'Back to setup');
    await page.getByText('Acme Assessment Centre').waitFor({ timeout: 20_000 });
    await press(page, 'I have an invitation code');
    const input = page.getByLabel('Type the code from your invitation');
    await input.fill('NOPE-1234');
    await input.press('Enter');
    await page.getByRole('alert').getByText(/could not find this invitation code/).waitFor();

    await input.fill('DEMO-2026');
    await input.press('Enter');
    await acceptDisclosure(page);
    await page.getByRole('heading', { name: 'Pre-flight check' }).waitFor({ timeout: 20_000 });
    await page.getByText('Alex Morgan — Customer Support Specialist').waitFor();
    assert.deepEqual(kiosk.pageErrors, []);
  });

  it('the operator sees the backend go away (last error, retrying) and come back by itself', async () => {
    const { page } = kiosk;
    await press(page, 'Back to setup');
    await press(page, 'Sync and backend');
    await page.getByTestId('sync-summary').getByText('Everything is uploaded.').waitFor({ timeout: 20_000 });
    stack.gateway.faults.down = true;
    await stack.gateway.settled();
    await press(page, 'Sync now');
    await page.getByTestId('sync-summary').getByText(/cannot be reached right now\. Nothing is lost/).waitFor({ timeout: 20_000 });
    await page.getByTestId('sync-last-error').getByText(/could not be reached/).waitFor();
    await page.getByText('Next automatic try').waitFor();
    stack.gateway.faults.down = false;
    await stack.gateway.settled();
    // No button pressed: the engine's own retry timer brings it back.
    await page.getByTestId('sync-summary').getByText('Everything is uploaded.').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('sync-last-error').textContent(), 'none');
    assert.deepEqual(kiosk.pageErrors, []);
  });

  it('a new backend URL with an interview still queued asks; discarding works only after the export', async () => {
    const { page } = kiosk;
    // Signed out, an interview is created: it waits in the queue for the current backend.
    const call = async (method: string, payload?: unknown) => {
      const r = await host.core.dispatch(method, payload);
      if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
      return r.value as never;
    };
    await call('signOutDevice');
    const setup = await call('getSetupData') as { candidates: { id: string }[]; positions: { id: string }[] };
    await call('createSession', { candidateId: setup.candidates[1]!.id, positionId: setup.positions[0]!.id, recordingConsent: false });
    await page.reload();
    await press(page, 'Sync and backend');
    await page.getByTestId('sync-pending').getByText('1').waitFor({ timeout: 20_000 });

    await page.getByLabel('Supabase URL').fill('https://another-project.supabase.co');
    await page.getByLabel(/Anon key/).fill('d'.repeat(40));
    await page.getByLabel(/Anon key/).press('Enter');
    const choice = page.getByTestId('queue-choice');
    await choice.getByText(/1 rows have not reached the current backend yet/).waitFor({ timeout: 20_000 });
    await choice.getByText('Interview: 1').waitFor();
    await page.getByText(`Connected to ${stack.gateway.url}.`).waitFor(); // nothing changed yet

    await choice.getByRole('button', { name: /Discard them/ }).click();
    await page.getByRole('alert').getByText(/needs an export of the queue first/).waitFor();
    await choice.getByRole('button', { name: 'Export queued data' }).click();
    await page.getByRole('status').getByText(/Exported 1 rows to .*exports/).waitFor();
    await choice.getByRole('button', { name: /Discard them/ }).click();
    await page.getByRole('status').getByText('The backend was changed; the exported rows were dropped from the queue.').waitFor();
    await page.getByText('Connected to https://another-project.supabase.co.').waitFor();
    assert.equal(await choice.count(), 0);
    assert.equal(await page.getByTestId('sync-pending').textContent(), '0');
    assert.deepEqual(kiosk.pageErrors, []);
  });
});

describe('setup while its data is still loading', { timeout: 60_000 }, () => {
  let slowHost: TestWebHost;
  let slowKiosk: Kiosk;
  let release: () => void = () => {};

  before(async () => {
    slowHost = await startTestWebHost({});
    // Main's reply to getSetupData is held back until the test releases it: the screen shows the operator's
    // buttons while the data loads, which on a busy kiosk takes seconds.
    const held = new Promise<void>((resolve) => (release = resolve));
    slowKiosk = await openKiosk(slowHost.pageUrl, (page) =>
      page.routeWebSocket(/\/kiosk/, (ws) => {
        const server = ws.connectToServer();
        const setupIds = new Set<number>();
        ws.onMessage((m) => {
          const request = JSON.parse(String(m)) as { id?: number; method?: string };
          if (request.method === 'getSetupData' && typeof request.id === 'number') setupIds.add(request.id);
          server.send(m);
        });
        server.onMessage((m) => {
          const reply = JSON.parse(String(m)) as { id?: number };
          if (typeof reply.id === 'number' && setupIds.has(reply.id)) void held.then(() => ws.send(m));
          else ws.send(m);
        });
      }),
    );
  });

  after(async () => {
    release();
    await slowKiosk?.close();
    await slowHost?.close();
  });

  it('an operator button focused before the data arrives keeps the focus, and Enter opens it', async () => {
    const { page } = slowKiosk;
    await page.getByText('Loading').first().waitFor();
    await page.getByRole('button', { name: 'Sync and backend' }).focus();
    release();
    await page.getByText('Demo data').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Sync and backend');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /Operator: sync and backend/ }).waitFor();
    assert.deepEqual(slowKiosk.pageErrors, []);
  });
});

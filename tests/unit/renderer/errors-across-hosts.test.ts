// Main's errors reach the screens the same way whichever host carries them: a real KioskError with main's code
// and words. Main could not be reached → 'unreachable' (retried), never 'internal' (main's own failure).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KIOSK_METHODS, KioskError, type KioskBridge, type KioskResult } from '../../../preload/contract';
import { adoptBridge, createBridge, plainErrorFactory, toKioskError } from '../../../preload/wire';
import { errorMessage } from '../../../renderer/logic/format';
import { retryUnreachable } from '../../../renderer/transport/retry';

const refused: KioskResult<unknown> = { ok: false, error: { code: 'realtime_unauthorized', message: 'The OpenAI API key was rejected.' } };

/** What the page sees of a preload bridge: contextBridge copies a rejection with the structured clone rules. */
function acrossContextBridge(preload: KioskBridge): KioskBridge {
  const copy: Record<string, unknown> = {};
  for (const method of KIOSK_METHODS) {
    copy[method] = (payload?: unknown) =>
      (preload[method] as (p?: unknown) => Promise<unknown>)(structuredClone(payload)).then(
        (value) => structuredClone(value),
        (error: unknown) => Promise.reject(structuredClone(error)),
      );
  }
  copy.on = preload.on;
  return copy as unknown as KioskBridge;
}

describe('errors across the Electron preload', () => {
  it("a refusal of main's reaches the page as a KioskError with main's code and words", async () => {
    const preload = createBridge(async () => refused, () => () => undefined, plainErrorFactory);
    const page = adoptBridge(acrossContextBridge(preload));
    const error = await page.startCall({ sessionId: 's', offerSdp: 'v=0' }).then(() => null, (e: unknown) => e);
    assert.ok(error instanceof KioskError, 'a real KioskError, not a copied plain object');
    assert.equal(error.code, 'realtime_unauthorized');
    assert.equal(errorMessage(error), 'The OpenAI API key was rejected.');
  });

  it('an Error that lost its code crossing the bridge keeps its words (code internal)', async () => {
    const thrower = createBridge(async () => refused, () => () => undefined); // rejects with a KioskError instance
    const page = adoptBridge(acrossContextBridge(thrower));
    const error = await page.getSettings().then(() => null, (e: unknown) => e);
    assert.ok(error instanceof KioskError);
    assert.equal(error.code, 'internal', 'the structured clone of an Error drops `code`');
    assert.equal(error.message, 'The OpenAI API key was rejected.');
  });

  it('a missing main process is unreachable, in words', async () => {
    const preload = createBridge(async () => { throw new Error('No handler registered'); }, () => () => undefined, plainErrorFactory);
    const error = await adoptBridge(acrossContextBridge(preload)).getSettings().then(() => null, (e: unknown) => e);
    assert.ok(error instanceof KioskError);
    assert.equal(error.code, 'unreachable');
    assert.match(errorMessage(error), /could not reach its main process/);
  });

  it('errorMessage shows the words of a copied plain error object too, never a stack', () => {
    assert.equal(errorMessage({ name: 'KioskError', code: 'not_found', message: 'No such session.' }), 'No such session.');
    assert.match(errorMessage({ message: '' }), /Something went wrong/);
    assert.equal(toKioskError({ message: '' }).message, 'The request failed.');
  });
});

describe('retrying only what never reached main', () => {
  const fast = { tries: 4, delayMs: 1 };
  it('retries unreachable until it goes through', async () => {
    let calls = 0;
    const value = await retryUnreachable(async () => {
      calls++;
      if (calls < 3) throw new KioskError('unreachable', 'socket down');
      return 'ok';
    }, fast);
    assert.equal(value, 'ok');
    assert.equal(calls, 3);
  });
  it("never retries main's own failure", async () => {
    let calls = 0;
    await assert.rejects(
      retryUnreachable(async () => {
        calls++;
        throw new KioskError('internal', 'disk full');
      }, fast),
      (e: unknown) => e instanceof KioskError && e.code === 'internal',
    );
    assert.equal(calls, 1);
  });
  it('gives up after the policy’s tries', async () => {
    let calls = 0;
    await assert.rejects(retryUnreachable(async () => { calls++; throw new KioskError('unreachable', 'down'); }, fast), /down/);
    assert.equal(calls, fast.tries);
  });
  it('by default, a report outlasts a host restart on a busy kiosk (main unreachable for 20 s)', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const start = Date.now();
    let outcome: string | null = null;
    retryUnreachable(async () => {
      if (Date.now() - start < 20_000) throw new KioskError('unreachable', 'main is restarting');
      return 'saved';
    }).then((v) => (outcome = v), (e: unknown) => (outcome = `failed: ${(e as Error).message}`));
    for (let ms = 0; ms <= 25_000 && outcome === null; ms += 100) {
      await new Promise((r) => setImmediate(r));
      t.mock.timers.tick(100);
    }
    assert.equal(outcome, 'saved');
  });
});

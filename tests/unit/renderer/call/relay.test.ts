// The relay to main on its own: reports in queue order whatever main's delay, retries only 'unreachable', and
// raises onSlow when a request hangs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KioskError, type KioskBridge, type RealtimeEventReport } from '../../../../preload/contract';
import { createMainRelay, SLOW_MAIN_MS } from '../../../../renderer/call/relay';
import { tick } from '../../../support/fake-browser';

describe('relay to main', () => {
  it('reports in the order queued, though main answers with varying delay', async () => {
    const seen: string[] = [];
    const kiosk = {
      async reportRealtimeEvent(r: RealtimeEventReport) {
        await tick(Math.random() * 4);
        seen.push(r.event.type);
        return { actions: r.event.type === 'b' ? [{ kind: 'finish', reason: 'end_session' }] : [] };
      },
    } as unknown as KioskBridge;
    const relay = createMainRelay({ kiosk, sessionId: 's', onSlow: () => undefined });
    const results = ['a', 'b', 'c'].map((type) => relay.enqueue(() => relay.report('server', { type }, 0)));
    await relay.idle();
    assert.deepEqual(seen, ['a', 'b', 'c']);
    assert.deepEqual((await results[1])!.map((a) => a.kind), ['finish']);
  });

  it('retries a report main could not receive, not one main refused', async () => {
    let tries = 0;
    const kiosk = {
      async reportRealtimeEvent() {
        tries++;
        if (tries === 1) throw new KioskError('unreachable', 'socket down');
        return { actions: [] };
      },
      async appendRecordingChunk() {
        throw new KioskError('conflict', 'no consent');
      },
    } as unknown as KioskBridge;
    const relay = createMainRelay({ kiosk, sessionId: 's', onSlow: () => undefined });
    assert.deepEqual(await relay.report('client', { type: 'x' }, 0), []);
    assert.equal(tries, 2);
    await assert.rejects(relay.appendChunk(0, new Uint8Array([1])), (e: unknown) => e instanceof KioskError && e.code === 'conflict');
  });

  it('raises onSlow when main does not answer in time, not when it does', async () => {
    let slow = 0;
    let answer!: () => void;
    const kiosk = {
      reportRealtimeEvent: () => new Promise((r) => (answer = () => r({ actions: [] }))),
    } as unknown as KioskBridge;
    const relay = createMainRelay({ kiosk, sessionId: 's', onSlow: () => slow++ });
    const pending = relay.report('server', { type: 'a' }, 0);
    await tick(SLOW_MAIN_MS + 50);
    assert.equal(slow, 1);
    answer();
    await pending;
    const fast = createMainRelay({ kiosk: { reportRealtimeEvent: async () => ({ actions: [] }) } as unknown as KioskBridge, sessionId: 's', onSlow: () => slow++ });
    await fast.report('server', { type: 'b' }, 0);
    await tick(SLOW_MAIN_MS + 50);
    assert.equal(slow, 1);
  });
});

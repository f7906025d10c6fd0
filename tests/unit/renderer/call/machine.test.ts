// The call's state machine on its own: which transitions happen, and what the call may do in each state.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initialCallState, isRecovering, isStopped, mayProbe, mayRecover, mayRollover, reduceCall, type CallEvent, type CallState } from '../../../../renderer/call/machine';

const run = (...events: CallEvent[]): CallState => events.reduce(reduceCall, initialCallState);

describe('call state machine', () => {
  it('recovers from active, back to active on success, gives up on failure', () => {
    const recovering = run({ type: 'recovery_started' });
    assert.ok(isRecovering(recovering));
    assert.equal(mayRecover(recovering), false, 'one recovery at a time');
    assert.equal(reduceCall(recovering, { type: 'recovery_succeeded' }).stage, 'active');
    const gaveUp = reduceCall(recovering, { type: 'recovery_failed' });
    assert.equal(gaveUp.stage, 'gave_up');
    assert.equal(mayRecover(gaveUp), true, 'a later loss may still be recovered');
  });

  it('stopped is final: no recovery, rollover or probe, and recovery results do not revive it', () => {
    const stopped = run({ type: 'recovery_started' }, { type: 'stopped' }, { type: 'recovery_succeeded' }, { type: 'recovery_failed' });
    assert.ok(isStopped(stopped));
    assert.equal(mayRecover(stopped), false);
    assert.equal(mayRollover(stopped), false);
    assert.equal(mayProbe(stopped), false);
    assert.ok(isStopped(reduceCall(stopped, { type: 'recovery_started' })));
  });

  it('finishing (end_session) blocks recovery, rollover and probes, but not the end', () => {
    const finishing = run({ type: 'finish_requested' });
    assert.equal(mayRecover(finishing), false);
    assert.equal(mayRollover(finishing), false);
    assert.equal(mayProbe(finishing), false);
    assert.equal(reduceCall(finishing, { type: 'recovery_started' }).stage, 'active');
    assert.ok(isStopped(reduceCall(finishing, { type: 'stopped' })));
  });

  it('one probe at a time, none while recovering', () => {
    const probing = run({ type: 'probe_started' });
    assert.equal(probing.probing, true);
    assert.equal(mayProbe(probing), false);
    assert.equal(reduceCall(probing, { type: 'probe_ended' }).probing, false);
    assert.equal(run({ type: 'recovery_started' }, { type: 'probe_started' }).probing, false);
  });

  it('follows the link to main and sends the opening once per call', () => {
    assert.equal(run({ type: 'main_link', up: false }).mainLink, 'down');
    assert.equal(run({ type: 'main_link', up: false }, { type: 'main_link', up: true }).mainLink, 'up');
    const sent = run({ type: 'opening_sent' });
    assert.equal(sent.openingSent, true);
    assert.equal(reduceCall(sent, { type: 'call_connecting' }).openingSent, false, 'a new call sends its own opening');
  });

  it('an event that changes nothing returns the same state object (no needless work)', () => {
    const s = run({ type: 'main_link', up: true }, { type: 'probe_ended' }, { type: 'recovery_succeeded' });
    assert.equal(s, initialCallState);
  });
});

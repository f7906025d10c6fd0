// "Still there?" logic: armed only after the first exchange; prompt, then spoken check-in, then pause, each after
// its silence; speech, a typed answer, "I'm still here" and a hold reset it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initialSilence, reduceSilence, showsPrompt, type SilenceEffect, type SilenceEvent, type SilenceState } from '../../../renderer/logic/still-there';

const limits = { stillThereAfterMs: 20_000, checkInAfterMs: 15_000 };

function run(events: SilenceEvent[], from: SilenceState = initialSilence): { state: SilenceState; effects: SilenceEffect[] } {
  let state = from;
  const effects: SilenceEffect[] = [];
  for (const e of events) {
    const r = reduceSilence(state, e, limits);
    state = r.state;
    if (r.effect) effects.push(r.effect);
  }
  return { state, effects };
}

describe('still there', () => {
  it('is not armed before the first exchange (the greeting followed by silence prompts nothing)', () => {
    const { state, effects } = run([{ type: 'interviewer_done', at: 0 }, { type: 'tick', at: 60_000 }]);
    assert.deepEqual(effects, []);
    assert.equal(state.stage, 'idle');
  });

  it('after an exchange: prompt at the silence limit, check-in after the next, pause after the check-in has played and the silence goes on', () => {
    const { state, effects } = run([
      { type: 'answered' },
      { type: 'interviewer_done', at: 1_000 },
      { type: 'tick', at: 20_999 },
    ]);
    assert.deepEqual(effects, [], 'one millisecond short of the limit: nothing yet');
    const prompt = run([{ type: 'tick', at: 21_000 }], state);
    assert.deepEqual(prompt.effects, ['prompt']);
    assert.ok(showsPrompt(prompt.state));
    const checkIn = run([{ type: 'tick', at: 35_999 }, { type: 'tick', at: 36_000 }], prompt.state);
    assert.deepEqual(checkIn.effects, ['check_in']);
    // The check-in plays; the silence counts from its end, not from when it was asked for.
    const played = run([{ type: 'tick', at: 80_000 }, { type: 'interviewer_started' }, { type: 'tick', at: 90_000 }, { type: 'interviewer_done', at: 90_000 }], checkIn.state);
    assert.deepEqual(played.effects, []);
    assert.ok(showsPrompt(played.state), 'the prompt stays while the check-in plays');
    const paused = run([{ type: 'tick', at: 104_999 }, { type: 'tick', at: 105_000 }], played.state);
    assert.deepEqual(paused.effects, ['pause']);
    assert.equal(paused.state.stage, 'idle');
  });

  it('"I\'m still here" hides the prompt and counts the silence again from the press', () => {
    const shown = run([{ type: 'answered' }, { type: 'interviewer_done', at: 0 }, { type: 'tick', at: 20_000 }]);
    assert.ok(showsPrompt(shown.state));
    const pressed = run([{ type: 'still_here', at: 25_000 }, { type: 'tick', at: 44_999 }], shown.state);
    assert.equal(pressed.state.stage, 'armed');
    assert.deepEqual(pressed.effects, []);
    assert.deepEqual(run([{ type: 'tick', at: 45_000 }], pressed.state).effects, ['prompt']);
  });

  it('a second end of the same line while the prompt shows does not ask again (one prompt, then the check-in)', () => {
    const shown = run([{ type: 'answered' }, { type: 'interviewer_done', at: 0 }, { type: 'tick', at: 20_000 }]);
    assert.deepEqual(shown.effects, ['prompt']);
    const late = run([{ type: 'interviewer_done', at: 21_000 }, { type: 'tick', at: 41_000 }], shown.state);
    assert.deepEqual(late.effects, ['check_in'], 'no second prompt: the check-in follows the first one');
  });

  it('a transcript arriving late does not stop the count (only the first exchange is taken from it)', () => {
    const armed = run([{ type: 'answered' }, { type: 'interviewer_done', at: 0 }]).state;
    assert.deepEqual(run([{ type: 'answered' }, { type: 'tick', at: 20_000 }], armed).effects, ['prompt']);
  });

  it('speaking, the interviewer starting or a hold (help, break) stops the count', () => {
    const armed = run([{ type: 'answered' }, { type: 'interviewer_done', at: 0 }]).state;
    for (const stop of [{ type: 'candidate_spoke' }, { type: 'hold', on: true }, { type: 'interviewer_started' }] as SilenceEvent[]) {
      const r = run([stop, { type: 'tick', at: 999_999 }], armed);
      assert.deepEqual(r.effects, [], `after ${stop.type}`);
      assert.equal(r.state.stage, 'idle');
    }
  });
});

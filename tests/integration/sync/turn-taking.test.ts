// Turn-taking settings end to end through the kiosk core with a real Postgres: a position's turn detection set in
// the backend is pulled and sent to the Realtime service in the session config; extra time and the warm-up are
// stored with the session in SQLite, shape the session config (a long silence, slower speech, the interviewer
// told; the warm-up question in the instructions) and reach Postgres.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SessionView, SetupData } from '../../../preload/contract';
import { EXTRA_TIME_INSTRUCTION, EXTRA_TIME_SILENCE_MS, WARM_UP_INSTRUCTION } from '../../../main/core/realtime/session-config';
import { OFFER_SDP } from '../core/realtime-stub';
import { drained, startSyncKiosk, useSeededStack, waitForSync } from './support';

const env = useSeededStack();

describe('turn-taking settings', () => {
  test('position turn detection is pulled and used; extra time and warm-up are stored, used and synced', async () => {
    const { rows: positions } = await env.client.query('select id from positions order by title, id limit 1');
    const positionId = positions[0].id as string;
    await env.client.query(`update positions set turn_detection = 'semantic_high' where id = $1`, [positionId]);
    const kiosk = await startSyncKiosk({ stack: env.stack });
    try {
      const setup = await kiosk.call<SetupData>('getSetupData');
      const position = setup.positions.find((p) => p.id === positionId)!;
      assert.equal(position.turnDetection, 'semantic_high', 'pulled with the position');
      assert.ok(setup.positions.filter((p) => p.id !== positionId).every((p) => p.turnDetection === null), 'others keep the default');
      const candidateId = setup.candidates[0]!.id;

      // Default: the position's own mode, no warm-up outside kiosk mode, no extra time.
      const plain = await kiosk.call<SessionView>('createSession', { candidateId, positionId, recordingConsent: false });
      assert.deepEqual([plain.extraTime, plain.warmUp], [false, false]);
      await kiosk.call('startCall', { sessionId: plain.id, offerSdp: OFFER_SDP });
      const plainConfig = kiosk.stub.calls.at(-1)!.session;
      assert.deepEqual(plainConfig.audio.input.turn_detection, { type: 'semantic_vad', eagerness: 'high', create_response: true, interrupt_response: true });
      assert.ok(!plainConfig.instructions.includes(WARM_UP_INSTRUCTION));

      const accommodated = await kiosk.call<SessionView>('createSession', { candidateId, positionId, recordingConsent: false, extraTime: true, extraTimeBy: 'operator', warmUp: true });
      assert.deepEqual([accommodated.extraTime, accommodated.extraTimeBy, accommodated.warmUp], [true, 'operator', true]);
      assert.deepEqual(kiosk.db.prepare('SELECT extra_time, extra_time_by, warm_up FROM interview_sessions WHERE id = ?').get(accommodated.id), { extra_time: 1, extra_time_by: 'operator', warm_up: 1 });
      await kiosk.call('startCall', { sessionId: accommodated.id, offerSdp: OFFER_SDP });
      const config = kiosk.stub.calls.at(-1)!.session;
      assert.equal(config.audio.input.turn_detection.type, 'server_vad', 'extra time overrides the position: a fixed long silence');
      assert.equal(config.audio.input.turn_detection.silence_duration_ms, EXTRA_TIME_SILENCE_MS);
      assert.equal(config.audio.output.speed, 0.9);
      assert.ok(config.instructions.includes(EXTRA_TIME_INSTRUCTION) && config.instructions.includes(WARM_UP_INSTRUCTION));

      const bad = await kiosk.result('createSession', { candidateId, positionId, recordingConsent: false, extraTime: 'yes' });
      assert.equal(bad.ok, false, 'a malformed flag is refused');
      const orphan = await kiosk.result('createSession', { candidateId, positionId, recordingConsent: false, extraTimeBy: 'operator' });
      assert.equal(orphan.ok, false, 'who chose extra time, without extra time, is refused');

      await kiosk.call('syncNow');
      const synced = (id: string) => kiosk.db.prepare('SELECT synced_at FROM interview_sessions WHERE id = ?').pluck().get(id) !== null;
      await waitForSync(kiosk.service, (s) => drained(s) && synced(plain.id) && synced(accommodated.id), 20_000, 'the session uploads');
      const { rows } = await env.client.query('select id, extra_time, extra_time_by, warm_up from interview_sessions where id = any($1) order by extra_time', [[plain.id, accommodated.id]]);
      assert.deepEqual(rows, [
        { id: plain.id, extra_time: false, extra_time_by: null, warm_up: false },
        { id: accommodated.id, extra_time: true, extra_time_by: 'operator', warm_up: true },
      ]);
      // Postgres holds the same rule: who chose extra time only with extra time, and only the two choosers.
      await assert.rejects(env.client.query(`update interview_sessions set extra_time_by = 'operator' where id = $1`, [plain.id]), /interview_sessions_extra_time_by_needs_extra_time/);
      await assert.rejects(env.client.query(`update interview_sessions set extra_time_by = 'somebody' where id = $1`, [accommodated.id]), /check constraint/);
    } finally {
      await kiosk.close();
      await env.client.query('update positions set turn_detection = null where id = $1', [positionId]);
    }
  });

});

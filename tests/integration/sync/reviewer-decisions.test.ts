// Reviewers' decisions made on a kiosk (an override and a dismissal) reach the real Postgres behind the gateway
// as the signed-in reviewer, exactly once, after an offline period and a retry whose first answer was lost; with
// no reviewer signed in (the device alone, or an observer) they stay queued and the status says why.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { before, describe, test } from 'node:test';
import type { EvaluationView, InterviewDetail, SyncStatus } from '../../../preload/contract';
import { DEMO } from '../../support/gateway/stack';
import { drained, evaluationsSettled, runInterview, startSyncKiosk, useSeededStack, waitForSync } from './support';

const env = useSeededStack();
const reviewer = { email: 'recruiter@demo.test', password: crypto.randomBytes(9).toString('base64url') };
const observer = { email: 'invigilator-r@demo.test', password: crypto.randomBytes(9).toString('base64url') };
let reviewerId = '';

/** fetch to the backend that can be cut (offline) or lose the answer of the next insert into a table. */
function flakyFetch() {
  const state = { offline: false, loseAnswerOf: null as string | null, lost: 0, posts: new Map<string, number>() };
  const f: typeof fetch = async (input, init) => {
    if (state.offline) throw new TypeError('fetch failed (network down)');
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const table = url.pathname.match(/^\/rest\/v1\/(\w+)$/)?.[1] ?? null;
    const post = (init?.method ?? 'GET').toUpperCase() === 'POST' && table;
    if (post) state.posts.set(table, (state.posts.get(table) ?? 0) + 1);
    const res = await fetch(input, init);
    if (post && state.loseAnswerOf === table) {
      // The server has committed the insert; the answer never arrives.
      state.loseAnswerOf = null;
      state.lost += 1;
      await res.body?.cancel();
      throw new TypeError('fetch failed (connection reset)');
    }
    return res;
  };
  return { fetch: f, state };
}

async function count(table: string, sessionId: string): Promise<number> {
  return Number((await env.client.query(`select count(*) from ${table} where session_id = $1`, [sessionId])).rows[0].count);
}

describe('reviewers\' decisions reach the backend as the reviewer', () => {
  before(async () => {
    reviewerId = (await env.stack.gateway.createDeviceUser(reviewer.email, reviewer.password, DEMO.tenantId, 'reviewer')).id;
    await env.stack.gateway.createDeviceUser(observer.email, observer.password, DEMO.tenantId, 'observer');
  });

  test('queued without a reviewer (device or observer only, said in words), then sent once as the reviewer after an outage and a lost answer', { timeout: 120_000 }, async () => {
    const net = flakyFetch();
    const kiosk = await startSyncKiosk({ stack: env.stack, backendFetch: net.fetch });
    try {
      const summary = await runInterview(kiosk, { turns: 2 });
      const sessionId = summary.session.id;
      await evaluationsSettled(kiosk);
      await waitForSync(kiosk.service, drained, 30_000, 'the interview and its evaluation to upload');
      const detail = await kiosk.call<InterviewDetail>('getInterview', { sessionId });
      const evaluation = detail.evaluation as EvaluationView;
      assert.ok(evaluation, 'the interview has an evaluation');
      assert.equal(await count('evaluations', sessionId), 1, 'the device uploaded the evaluation');

      const competency = evaluation.competencies[0]!.competency;
      const level = evaluation.rubric.levels.at(-1)!.level;
      const overrides = await kiosk.call<{ id: string }[]>('overrideCompetency', { sessionId, competency, level, reason: 'Heard the recording: the answer was complete.' });
      await kiosk.call('dismissSession', { sessionId, reason: 'Another person answered the second question.' });
      const overrideId = overrides[0]!.id;

      // Only the device is signed in: the decisions wait, and the status says for what.
      let status = await waitForSync(kiosk.service, (s) => s.reviewer?.pending === 2 && /wait for a reviewer to sign in/.test(s.reviewer.waiting ?? ''), 10_000, 'the reviewer queue to say it waits');
      assert.match(status.reviewer!.waiting!, /2 reviewer decisions/);
      assert.equal(status.pending, 0, 'the device has nothing left to send');
      await kiosk.call('syncNow');
      assert.equal(await count('evaluation_overrides', sessionId), 0);
      assert.equal(await count('session_dismissals', sessionId), 0);
      assert.equal(net.state.posts.get('evaluation_overrides') ?? 0, 0, 'the device never tried to write an override');
      assert.equal(net.state.posts.get('session_dismissals') ?? 0, 0, 'the device never tried to write a dismissal');

      // An observer of the tenant may not write them either.
      await kiosk.call('signInObserver', observer);
      status = await kiosk.call<SyncStatus>('syncNow');
      assert.equal(status.reviewer?.pending, 2);
      assert.match(status.reviewer!.waiting!, /wait for a reviewer to sign in/);
      assert.equal(net.state.posts.get('evaluation_overrides') ?? 0, 0);

      // The reviewer signs in while the network is down: the upload fails and is retried on the backoff timer.
      await kiosk.call('signOutObserver');
      await kiosk.call('signInObserver', reviewer);
      net.state.offline = true;
      kiosk.service.sync.reviewerUploads.wake();
      status = await waitForSync(kiosk.service, (s) => !!s.reviewer?.lastError, 10_000, 'a failed reviewer upload');
      assert.equal(status.reviewer!.pending, 2);
      assert.equal(await count('evaluation_overrides', sessionId), 0);

      // Back online, but the answer to the first override insert is lost after the server committed it.
      net.state.loseAnswerOf = 'evaluation_overrides';
      net.state.offline = false;
      await waitForSync(kiosk.service, (s) => !s.reviewer, 20_000, 'the reviewer queue to drain by itself');
      assert.equal(net.state.lost, 1, 'one answer was lost');
      assert.ok(net.state.posts.get('evaluation_overrides')! >= 2, 'the override insert was sent again');

      const o = await env.client.query('select id, created_by, evaluation_id, competency, level, reason from evaluation_overrides where session_id = $1', [sessionId]);
      assert.equal(o.rows.length, 1, 'exactly one override row');
      assert.deepEqual(o.rows[0], { id: overrideId, created_by: reviewerId, evaluation_id: evaluation.id, competency, level, reason: 'Heard the recording: the answer was complete.' });
      const d = await env.client.query('select created_by, reason from session_dismissals where session_id = $1', [sessionId]);
      assert.deepEqual(d.rows, [{ created_by: reviewerId, reason: 'Another person answered the second question.' }]);
      const synced = kiosk.db.prepare(`SELECT (SELECT synced_at FROM evaluation_overrides WHERE id = ?) AS o, (SELECT synced_at FROM session_dismissals WHERE session_id = ?) AS d`).get(overrideId, sessionId) as { o: string | null; d: string | null };
      assert.ok(synced.o && synced.d, 'both are marked synced locally');
      assert.equal(kiosk.db.prepare(`SELECT count(*) FROM sync_outbox WHERE kind IN ('override', 'dismissal')`).pluck().get(), 0);

      // Sending again changes nothing.
      await kiosk.call('syncNow');
      assert.equal(await count('evaluation_overrides', sessionId), 1);
    } finally {
      await kiosk.close();
    }
  });
});

// The review list pages by cursor through the core's validated dispatcher: every interview exactly once, newest
// first, stable while new interviews arrive at the top; the total counts every page; filters count what they show;
// a cursor the list never gave out is refused in words.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import type { InterviewList } from '../../../preload/contract';
import { createPulledCache } from '../../../main/core/evaluation/pulled';
import { ANSWERS, startCore, type Core } from './support';

async function list(core: Core, query: Record<string, unknown>): Promise<InterviewList> {
  const r = await core.service.dispatch('listInterviews', query as never);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as InterviewList;
}

test('paging by cursor: every interview once, newest first, stable when a new one arrives', async () => {
  const core = await startCore();
  try {
    const { candidates, positions } = core.setup;
    for (let i = 0; i < 7; i++) {
      await core.service.createSession({ candidateId: candidates[i % candidates.length]!.id, positionId: positions[0]!.id, recordingConsent: false });
    }
    const all = await list(core, {});
    assert.equal(all.total, 7);
    assert.equal(all.items.length, 7);
    assert.equal(all.nextCursor, null, 'one page holds them all');
    const rows = core.db.prepare('SELECT id, created_at FROM interview_sessions').all() as { id: string; created_at: string }[];
    const newestFirst = rows.sort((a, b) => (a.created_at === b.created_at ? (a.id < b.id ? 1 : -1) : a.created_at < b.created_at ? 1 : -1));
    assert.deepEqual(all.items.map((i) => i.session.id), newestFirst.map((r) => r.id), 'newest first, ties by id');

    const first = await list(core, { limit: 3 });
    assert.equal(first.items.length, 3);
    assert.equal(first.total, 7);
    assert.ok(first.nextCursor);
    // A new interview after the first page: it goes to the top and does not shift the pages that follow.
    await core.service.createSession({ candidateId: candidates[0]!.id, positionId: positions[0]!.id, recordingConsent: false });
    const second = await list(core, { limit: 3, cursor: first.nextCursor });
    const third = await list(core, { limit: 3, cursor: second.nextCursor });
    assert.equal(third.items.length, 1);
    assert.equal(third.nextCursor, null, 'the last page says so');
    assert.equal(third.total, 8, 'the total counts the new one');
    assert.deepEqual([...first.items, ...second.items, ...third.items].map((i) => i.session.id), all.items.map((i) => i.session.id));
  } finally {
    await core.close();
  }
});

test('filters: the review state filter and its total; a finished interview shows its entry count', async () => {
  const core = await startCore();
  try {
    const finished = await core.finishInterview(ANSWERS);
    await core.service.createSession({ candidateId: core.setup.candidates[0]!.id, positionId: core.setup.positions[0]!.id, recordingConsent: false });
    await core.service.evaluation.runner.idle();
    const none = await list(core, { review: 'none' });
    assert.equal(none.total, 1);
    assert.equal(none.items.length, 1);
    assert.notEqual(none.items[0]!.session.id, finished);
    const done = (await list(core, {})).items.find((i) => i.session.id === finished)!;
    assert.equal(done.entries, ANSWERS.length * 2);
    const searched = await list(core, { search: core.setup.positions[0]!.title.slice(0, 5) });
    assert.equal(searched.total, 2, 'a search counts through the names');
    assert.equal((await list(core, { search: 'no such name at all' })).total, 0);
  } finally {
    await core.close();
  }
});

test('a cursor the list never gave out is refused in words', async () => {
  const core = await startCore();
  try {
    for (const cursor of ['not a cursor!', Buffer.from('{"a":1}').toString('base64url')]) {
      const r = await core.service.dispatch('listInterviews', { cursor } as never);
      assert.equal(r.ok, false, cursor);
      if (!r.ok) {
        assert.equal(r.error.code, 'invalid_request');
        assert.match(r.error.message, /cursor/);
      }
    }
  } finally {
    await core.close();
  }
});

test('interviews pulled from the backend page with this kiosk\'s own: merged newest first, each once, filtered alike; a pulled copy of an own interview is shown as the own', async () => {
  const core = await startCore();
  try {
    const { candidates, positions } = core.setup;
    for (let i = 0; i < 4; i++) {
      await core.service.createSession({ candidateId: candidates[0]!.id, positionId: positions[0]!.id, recordingConsent: false });
    }
    const own = core.db.prepare('SELECT id, tenant_id, created_at FROM interview_sessions').all() as { id: string; tenant_id: string; created_at: string }[];
    const cache = createPulledCache(core.db, join(core.dir, 'pulled-recordings'));
    const pulled = (id: string, createdAt: string, status: 'completed' | 'failed') => ({
      id, tenant_id: own[0]!.tenant_id, candidate_id: 'c-elsewhere', position_id: positions[0]!.id, candidate_name: 'Zeynep Pulled', position_title: 'Backend role',
      status, recording_consent: 1, start_time: createdAt, end_time: null, extra_time: 0, warm_up: 0, recording_path: null, recording_start_offset_ms: null, created_at: createdAt, updated_at: createdAt,
    });
    // Interleaved in time with the own ones, plus a copy of an own interview (pulled back from the backend).
    const times = own.map((r) => r.created_at).sort();
    const rows = [
      pulled(crypto.randomUUID(), new Date(Date.parse(times[0]!) - 1000).toISOString(), 'completed'),
      pulled(crypto.randomUUID(), new Date(Date.parse(times[1]!) + 0).toISOString(), 'failed'),
      pulled(crypto.randomUUID(), new Date(Date.parse(times.at(-1)!) + 5000).toISOString(), 'completed'),
      { ...pulled(own[0]!.id, own[0]!.created_at, 'completed') },
    ];
    cache.putPage(own[0]!.tenant_id, 'sessions', rows, null);
    assert.equal(core.db.prepare('SELECT count(*) FROM sync_outbox WHERE row_id IN (SELECT id FROM pulled_sessions WHERE id NOT IN (SELECT id FROM interview_sessions))').pluck().get(), 0, 'nothing pulled is queued');

    const all = await list(core, { limit: 500 });
    assert.equal(all.total, 7, 'four own and three pulled (the copy of an own one counts once)');
    const ids = all.items.map((i) => i.session.id);
    assert.equal(new Set(ids).size, ids.length, 'each once');
    assert.equal(all.items.find((i) => i.session.id === own[0]!.id)?.source, 'local');
    const keyed = all.items.map((i) => i.session.id);
    // Paging two at a time gives the same rows in the same order.
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: InterviewList = await list(core, { limit: 2, ...(cursor ? { cursor } : {}) });
      paged.push(...page.items.map((i) => i.session.id));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(paged, keyed);
    const createdAt = new Map([...own.map((o) => [o.id, o.created_at] as const), ...rows.slice(0, 3).map((r) => [r.id, r.created_at] as const)]);
    const order = keyed.map((id) => createdAt.get(id)!);
    assert.deepEqual(order, [...order].sort().reverse(), 'newest first across both sources');

    const searched = await list(core, { search: 'zeynep' });
    assert.deepEqual(searched.items.map((i) => i.source), ['backend', 'backend', 'backend']);
    const failed = await list(core, { status: 'failed' });
    assert.deepEqual(failed.items.map((i) => [i.source, i.session.status]), [['backend', 'failed']]);
    assert.equal(failed.total, 1);
  } finally {
    await core.close();
  }
});

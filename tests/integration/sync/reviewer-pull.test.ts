// A reviewer's pull of the company's interviews into this kiosk, against the real Postgres behind the gateway:
// another kiosk's interview is kept in SQLite apart from this kiosk's own (never queued for upload), listed and
// filtered with them, opened offline with its recording (downloaded as the reviewer, storage rule D21, served by
// the media route with ranges), pulled incrementally by cursor, and removed when the reviewer leaves or another
// company's reviewer signs in. Storage RLS: only a reviewer of the recording's tenant can download it. The
// recorder's start offset on the backend is set once.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { BackendPullResult, InterviewDetail, InterviewList } from '../../../preload/contract';
import { DEMO } from '../../support/gateway/stack';
import { drained, runInterview, startSyncKiosk, useSeededStack, waitForSync } from './support';

const env = useSeededStack();
const pw = () => crypto.randomBytes(9).toString('base64url');
const reviewer = { email: 'recruiter@pull.test', password: pw() };
const observer = { email: 'invigilator@pull.test', password: pw() };
const kiosk2 = { email: 'kiosk-2@pull.test', password: pw() };
const otherReviewer = { email: 'recruiter@other-pull.test', password: pw() };

async function token(who: { email: string; password: string }): Promise<string> {
  const res = await fetch(`${env.stack.gateway.url}/auth/v1/token?grant_type=password`, {
    method: 'POST', headers: { apikey: env.stack.gateway.anonKey, 'Content-Type': 'application/json' }, body: JSON.stringify(who),
  });
  assert.equal(res.status, 200, `sign-in of ${who.email}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

function download(name: string, bearer: string, range?: string): Promise<Response> {
  return fetch(`${env.stack.gateway.url}/storage/v1/object/authenticated/recordings/${name}`, {
    headers: { apikey: env.stack.gateway.anonKey, Authorization: `Bearer ${bearer}`, ...(range ? { Range: range } : {}) },
  });
}

/** fetch to the backend that can be cut (the kiosk offline). */
function cuttable() {
  const state = { offline: false };
  const f: typeof fetch = async (input, init) => {
    if (state.offline) throw new TypeError('fetch failed (network down)');
    return fetch(input, init);
  };
  return { fetch: f, state };
}

describe('a reviewer\'s pull of the company\'s interviews', () => {
  before(async () => {
    await env.stack.gateway.createDeviceUser(reviewer.email, reviewer.password, DEMO.tenantId, 'reviewer');
    await env.stack.gateway.createDeviceUser(observer.email, observer.password, DEMO.tenantId, 'observer');
    await env.stack.gateway.createDeviceUser(kiosk2.email, kiosk2.password, DEMO.tenantId);
    const other = (await env.client.query<{ id: string }>(`insert into tenants (name) values ('Other pull company') returning id`)).rows[0]!.id;
    await env.stack.gateway.createDeviceUser(otherReviewer.email, otherReviewer.password, other, 'reviewer');
  });

  test('kept apart and never queued, listed and filtered with the own, opened offline with its recording, incremental, cleared when the reviewer leaves', { timeout: 180_000 }, async () => {
    const net = cuttable();
    const mine = await startSyncKiosk({ stack: env.stack, backendFetch: net.fetch, reviewerPullOverlapMs: 0 });
    const theirs = await startSyncKiosk({ stack: env.stack, device: kiosk2 });
    let restarted: Awaited<ReturnType<typeof startSyncKiosk>> | null = null;
    try {
      const own = (await runInterview(mine, { turns: 1 })).session.id;
      const other = (await runInterview(theirs, { turns: 2, recordingBytes: 300 * 1024 })).session.id;
      await waitForSync(mine.service, drained, 30_000, 'kiosk 1 to upload');
      await waitForSync(theirs.service, drained, 30_000, 'kiosk 2 to upload');
      const objectName = `${DEMO.tenantId}/${other}.webm`;
      assert.equal((await env.client.query('select recording_path from interview_sessions where id = $1', [other])).rows[0]?.recording_path, objectName);

      // Only a reviewer may pull.
      const refused = await mine.result('pullBackendInterviews');
      assert.ok(!refused.ok && refused.error.code === 'not_configured', JSON.stringify(refused));
      await mine.call('signInObserver', reviewer);
      await mine.service.room.pulling();
      const first = await mine.call<BackendPullResult>('pullBackendInterviews');
      const onBackend = Number((await env.client.query('select count(*) from interview_sessions where tenant_id = $1', [DEMO.tenantId])).rows[0].count);
      assert.equal(first.kept, onBackend, 'every interview of the company is kept');
      assert.equal(first.read.sessions, 0, 'nothing new since the pull at sign-in (overlap 0)');

      // Kept apart, never queued: no sync trigger on the cache, and the outbox holds nothing after the pull.
      const triggers = mine.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name LIKE 'pulled_%'`).pluck().all();
      assert.deepEqual(triggers, []);
      assert.equal(mine.db.prepare('SELECT count(*) FROM sync_outbox').pluck().get(), 0, 'nothing pulled is queued for upload');
      assert.equal(mine.db.prepare('SELECT count(*) FROM interview_sessions WHERE id = ?').pluck().get(other), 0, 'kiosk 2\'s interview is not one of this kiosk\'s own');
      const rowsBefore = (await env.client.query('select (select count(*) from interview_sessions) s, (select count(*) from transcript_entries) e')).rows[0];
      await mine.call('syncNow');
      assert.deepEqual((await env.client.query('select (select count(*) from interview_sessions) s, (select count(*) from transcript_entries) e')).rows[0], rowsBefore, 'syncing sends nothing of it');

      // Listed with the own interviews, marked, each once; the same filters find it.
      const all = await mine.call<InterviewList>('listInterviews', { limit: 500 });
      const theirsItem = all.items.find((i) => i.session.id === other);
      assert.equal(theirsItem?.source, 'backend');
      assert.equal(all.items.filter((i) => i.session.id === own).map((i) => i.source).join(), 'local', 'the own interview once, as this kiosk\'s');
      assert.equal(all.total, all.items.length);
      const name = theirsItem!.session.candidateName;
      const expectedName = (await env.client.query('select c.name from interview_sessions s join candidates c on c.id = s.candidate_id where s.id = $1', [other])).rows[0].name;
      assert.equal(name, expectedName, 'the candidate\'s name was pulled with it');
      const today = new Date().toISOString().slice(0, 10);
      for (const filter of [{ search: name.slice(1, 5) }, { status: 'completed' }, { from: today, to: today }, { review: theirsItem!.review }, { candidateId: theirsItem!.session.candidateId }]) {
        const found = await mine.call<InterviewList>('listInterviews', { ...filter, limit: 500 });
        assert.ok(found.items.some((i) => i.session.id === other && i.source === 'backend'), `filter ${JSON.stringify(filter)} finds it`);
      }
      for (const filter of [{ status: 'failed' }, { review: 'dismissed' }, { search: 'no such name' }]) {
        const none = await mine.call<InterviewList>('listInterviews', { ...filter, limit: 500 });
        assert.ok(!none.items.some((i) => i.session.id === other), `filter ${JSON.stringify(filter)} leaves it out`);
      }

      // Opening it starts the recording's download as the reviewer; then it opens offline, recording included.
      let detail = await mine.call<InterviewDetail>('getInterview', { sessionId: other });
      assert.equal(detail.source, 'backend');
      await Promise.all(mine.service.room.downloads());
      net.state.offline = true;
      detail = await mine.call<InterviewDetail>('getInterview', { sessionId: other });
      const stored = (await env.client.query<{ id: string; text: string; start_ms: number | null }>('select id, text, start_ms from transcript_entries where session_id = $1 order by seq, id', [other])).rows;
      assert.deepEqual(detail.summary.entries.map((e) => [e.id, e.text, e.startMs]), stored.map((r) => [r.id, r.text, r.start_ms]));
      assert.ok(detail.recordingUrl, `a recording URL (note: ${detail.recordingNote})`);
      const url = new URL(detail.recordingUrl!, 'app://kiosk');
      const file = mine.service.evaluation.mediaFile(url.pathname, url.searchParams.get('t'));
      assert.ok(file && existsSync(file));
      const original = readFileSync((await env.stack.gateway.objectFile('recordings', objectName))!);
      assert.ok(readFileSync(file).equals(original), 'the downloaded recording is the stored object, byte for byte');
      assert.equal(mine.service.evaluation.mediaFile(url.pathname, 'forged'), null, 'a forged token serves nothing');
      net.state.offline = false;

      // Incremental: another interview on kiosk 2 is the only session read by the next pull.
      const later = (await runInterview(theirs, { turns: 1 })).session.id;
      await waitForSync(theirs.service, drained, 30_000, 'kiosk 2 to upload again');
      const next = await mine.call<BackendPullResult>('pullBackendInterviews');
      assert.equal(next.read.sessions, 1, JSON.stringify(next));
      assert.equal(next.read.entries, Number((await env.client.query('select count(*) from transcript_entries where session_id = $1', [later])).rows[0].count));
      assert.equal(next.kept, first.kept + 1);

      // Another company's reviewer signs in: nothing of this company stays readable, recording included.
      await mine.call('signInObserver', otherReviewer);
      await mine.service.room.pulling();
      assert.equal(mine.db.prepare('SELECT count(*) FROM pulled_sessions').pluck().get(), 0);
      assert.equal(mine.db.prepare('SELECT count(*) FROM pulled_entries').pluck().get(), 0);
      assert.equal(mine.db.prepare('SELECT count(*) FROM pulled_cursors WHERE tenant_id = ?').pluck().get(DEMO.tenantId), 0);
      assert.ok(!existsSync(file), 'the downloaded recording is deleted');
      const hidden = await mine.result('getInterview', { sessionId: other });
      assert.ok(!hidden.ok && hidden.error.code === 'not_found', JSON.stringify(hidden));
      assert.equal((await mine.call<InterviewList>('listInterviews', { limit: 500 })).items.filter((i) => i.source === 'backend').length, 0);

      // The company's reviewer again, then signs out: the cache is emptied.
      await mine.call('signInObserver', reviewer);
      await mine.service.room.pulling();
      assert.ok((mine.db.prepare('SELECT count(*) FROM pulled_sessions').pluck().get() as number) > 0);
      await mine.call('signOutObserver');
      assert.equal(mine.db.prepare('SELECT count(*) FROM pulled_sessions').pluck().get(), 0);
      assert.equal(mine.db.prepare('SELECT count(*) FROM pulled_evaluations').pluck().get(), 0);

      // Signed in again, then the app stops without a sign-out: the sign-in is not kept, and neither is the cache.
      await mine.call('signInObserver', reviewer);
      await mine.service.room.pulling();
      await mine.call('getInterview', { sessionId: other });
      await Promise.all(mine.service.room.downloads());
      assert.ok(existsSync(join(mine.dataDir, 'pulled-recordings')), 'a recording was downloaded');
      await mine.stop();
      restarted = await startSyncKiosk({ stack: env.stack, dataDir: mine.dataDir, signIn: false });
      assert.equal(restarted.db.prepare('SELECT count(*) FROM pulled_sessions').pluck().get(), 0, 'nothing pulled survives a restart');
      assert.equal(restarted.db.prepare('SELECT count(*) FROM pulled_cursors').pluck().get(), 0);
      assert.ok(!existsSync(join(mine.dataDir, 'pulled-recordings')), 'nor any downloaded recording');
    } finally {
      await restarted?.stop();
      await mine.close();
      await theirs.close();
    }
  });

  test('storage: a reviewer downloads its company\'s recording (with a byte range); a device, an observer and another company\'s reviewer cannot', { timeout: 120_000 }, async () => {
    const theirs = await startSyncKiosk({ stack: env.stack, device: kiosk2 });
    try {
      const other = (await runInterview(theirs, { turns: 1, recordingBytes: 100 * 1024 })).session.id;
      await waitForSync(theirs.service, drained, 30_000, 'kiosk 2 to upload');
      const name = `${DEMO.tenantId}/${other}.webm`;
      const original = readFileSync((await env.stack.gateway.objectFile('recordings', name))!);

      const asReviewer = await token(reviewer);
      const whole = await download(name, asReviewer);
      assert.equal(whole.status, 200);
      assert.ok(Buffer.from(await whole.arrayBuffer()).equals(original));
      const part = await download(name, asReviewer, 'bytes=1000-1999');
      assert.equal(part.status, 206);
      assert.equal(part.headers.get('content-range'), `bytes 1000-1999/${original.length}`);
      assert.ok(Buffer.from(await part.arrayBuffer()).equals(original.subarray(1000, 2000)));

      for (const who of [env.stack.device!, kiosk2, observer, otherReviewer]) {
        const res = await download(name, await token(who));
        const body = await res.text();
        assert.notEqual(res.status, 200, `${who.email} must not read the recording`);
        assert.match(body, /not found/i, `${who.email}: ${body}`);
      }
      // The recorder's start offset on a finished session may be set once from null, never changed afterwards.
      const patch = async (bearer: string, value: number) => {
        const res = await fetch(`${env.stack.gateway.url}/rest/v1/interview_sessions?id=eq.${other}`, {
          method: 'PATCH', headers: { apikey: env.stack.gateway.anonKey, Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json', Prefer: 'return=minimal' },
          body: JSON.stringify({ recording_start_offset_ms: value }),
        });
        return { status: res.status, body: await res.text() };
      };
      const asDevice2 = await token(kiosk2);
      assert.equal((await env.client.query('select recording_start_offset_ms from interview_sessions where id = $1', [other])).rows[0].recording_start_offset_ms, null);
      assert.equal((await patch(asDevice2, 640)).status, 204, 'set once from null');
      const changed = await patch(asDevice2, 700);
      assert.equal(changed.status, 400);
      assert.match(changed.body, /KI423/);
      assert.equal((await env.client.query('select recording_start_offset_ms from interview_sessions where id = $1', [other])).rows[0].recording_start_offset_ms, 640);

      // Reviewers cannot write recordings either.
      const put = await fetch(`${env.stack.gateway.url}/storage/v1/object/recordings/${DEMO.tenantId}/${crypto.randomUUID()}.webm`, {
        method: 'POST', headers: { apikey: env.stack.gateway.anonKey, Authorization: `Bearer ${asReviewer}`, 'Content-Type': 'audio/webm' }, body: new Uint8Array(10),
      });
      assert.notEqual(put.status, 200);
      assert.match(await put.text(), /row-level security|Unauthorized/);
    } finally {
      await theirs.close();
    }
  });
});

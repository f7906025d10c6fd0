// Evaluations, overrides and dismissals under RLS: the device that ran the interview uploads its evaluation and
// can never override or dismiss; a reviewer reads its tenant's interviews and evaluations and writes overrides and
// dismissals, and nothing else; an observer sees none of it; another tenant sees nothing. Each attempt goes through
// supabase-js and is checked against what really is in the database.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { SupabaseClient } from '@supabase/supabase-js';
import { entryRow, sessionRow, signedIn, startStack, type Stack, type TenantFixture } from './fixture';

function evaluationRow(t: TenantFixture, sessionId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: crypto.randomUUID(), tenant_id: t.id, session_id: sessionId, rubric_version: 'competency-4.v1',
    rubric: { version: 'competency-4.v1', levels: [{ level: 1, label: 'Limited', anchor: '…' }] }, model: 'practice-evaluator',
    outcome: 'assessed', session_reasons: [],
    competencies: [{ competency: 'sql', level: 3, insufficient: null, rationale: 'Solid.', evidence: [], droppedQuotes: 0 }],
    ...overrides,
  };
}

describe('RLS: evaluations, overrides, dismissals by role and tenant', { timeout: 90_000 }, () => {
  let s: Stack;
  let deviceA: SupabaseClient;
  let deviceB: SupabaseClient;
  let reviewerA: SupabaseClient;
  let reviewerAId: string;
  let observerA: SupabaseClient;
  let reviewerB: SupabaseClient;
  let sessionA: string;
  let evaluationA: Record<string, unknown>;

  before(async () => {
    s = await startStack();
    const person = async (t: TenantFixture, email: string, role: 'observer' | 'reviewer') => {
      const password = crypto.randomBytes(9).toString('base64url');
      const { id } = await s.gateway.createDeviceUser(email, password, t.id, role);
      return { client: await signedIn(s.gateway, { ...t, email, password }), id };
    };
    deviceA = await signedIn(s.gateway, s.a);
    deviceB = await signedIn(s.gateway, s.b);
    const r = await person(s.a, 'reviewer-a@people.test', 'reviewer');
    reviewerA = r.client;
    reviewerAId = r.id;
    observerA = (await person(s.a, 'observer-a@people.test', 'observer')).client;
    reviewerB = (await person(s.b, 'reviewer-b@people.test', 'reviewer')).client;
    const row = sessionRow(s.a);
    sessionA = row.id as string;
    assert.equal((await deviceA.from('interview_sessions').insert(row)).error, null);
    assert.equal((await deviceA.from('transcript_entries').insert(entryRow(s.a, sessionA, 1))).error, null);
    assert.equal((await deviceA.from('interview_sessions').update({ status: 'completed', end_time: new Date().toISOString() }).eq('id', sessionA)).error, null);
    evaluationA = evaluationRow(s.a, sessionA);
  });
  after(async () => { await s?.stop(); });

  it('a device uploads its evaluation; a retried upsert of the same row is harmless; its content cannot be changed', async () => {
    const up = await deviceA.from('evaluations').upsert([evaluationA]).select('id');
    assert.equal(up.error, null);
    assert.deepEqual(up.data, [{ id: evaluationA.id }]);
    const again = await deviceA.from('evaluations').upsert([evaluationA]).select('id');
    assert.equal(again.error, null, 'the same row again is accepted');
    const rewrite = await deviceA.from('evaluations').upsert([{ ...evaluationA, outcome: 'insufficient_evidence' }]);
    assert.equal(rewrite.error?.code, '42501');
    const second = await deviceA.from('evaluations').insert(evaluationRow(s.a, sessionA));
    assert.equal(second.error?.code, '23505', 'one evaluation per session and rubric version');
    const rows = await s.db.query('select outcome from evaluations where session_id = $1', [sessionA]);
    assert.deepEqual(rows.rows, [{ outcome: 'assessed' }]);
  });

  it('a reviewer reads its tenant\'s interviews, transcripts and evaluations, and writes overrides and dismissals', async () => {
    assert.equal((await reviewerA.from('interview_sessions').select('id').eq('id', sessionA)).data?.length, 1);
    assert.equal((await reviewerA.from('transcript_entries').select('id').eq('session_id', sessionA)).data?.length, 1);
    const ev = await reviewerA.from('evaluations').select('id, competencies').eq('session_id', sessionA);
    assert.equal(ev.error, null);
    assert.equal(ev.data?.length, 1);
    const override = await reviewerA.from('evaluation_overrides').insert({
      tenant_id: s.a.id, evaluation_id: evaluationA.id, session_id: sessionA, competency: 'sql', level: 2, reason: 'The example was a team effort.',
    }).select('created_by');
    assert.equal(override.error, null);
    assert.deepEqual(override.data, [{ created_by: reviewerAId }]);
    const dismissal = await reviewerA.from('session_dismissals').insert({ session_id: sessionA, tenant_id: s.a.id, reason: 'Wrong candidate at the kiosk.' });
    assert.equal(dismissal.error, null);
    // The AI's result is untouched beside the override.
    const stored = await s.db.query('select competencies from evaluations where id = $1', [evaluationA.id]);
    assert.equal(stored.rows[0].competencies[0].level, 3);
  });

  it('a reviewer writes nothing else: not evaluations, sessions or entries, and not as another author', async () => {
    const ev = await reviewerA.from('evaluations').insert(evaluationRow(s.a, sessionA, { rubric_version: 'other' }));
    assert.equal(ev.error?.code, '42501');
    const rewrite = await reviewerA.from('evaluations').update({ model: 'x' }).eq('id', evaluationA.id).select();
    assert.deepEqual(rewrite.data ?? [], []);
    const session = await reviewerA.from('interview_sessions').update({ status: 'failed' }).eq('id', sessionA).select();
    assert.deepEqual(session.data ?? [], []);
    const entry = await reviewerA.from('transcript_entries').insert(entryRow(s.a, sessionA, 3));
    // Refused either by the finished-session trigger (KI423, which runs first) or by RLS (42501).
    assert.ok(entry.error && ['42501', 'KI423'].includes(entry.error.code), entry.error?.code);
    const newSession = await reviewerA.from('interview_sessions').insert(sessionRow(s.a));
    assert.equal(newSession.error?.code, '42501');
    const forged = await reviewerA.from('evaluation_overrides').insert({
      tenant_id: s.a.id, evaluation_id: evaluationA.id, session_id: sessionA, competency: 'sql', level: 4, reason: 'Posing as someone else.', created_by: crypto.randomUUID(),
    });
    assert.equal(forged.error?.code, '42501');
    const del = await reviewerA.from('evaluation_overrides').delete().eq('session_id', sessionA);
    assert.ok(del.error, 'no deletes');
    assert.equal((await s.db.query(`select status from interview_sessions where id = $1`, [sessionA])).rows[0].status, 'completed');
    assert.equal((await s.db.query(`select count(*)::int as n from evaluation_overrides`)).rows[0].n, 1);
  });

  it('a device cannot write or read overrides or dismissals', async () => {
    const o = await deviceA.from('evaluation_overrides').insert({
      tenant_id: s.a.id, evaluation_id: evaluationA.id, session_id: sessionA, competency: 'sql', level: 1, reason: 'The kiosk disagrees.',
    });
    assert.equal(o.error?.code, '42501');
    const d = await deviceA.from('session_dismissals').upsert({ session_id: sessionA, tenant_id: s.a.id, reason: 'The kiosk dismisses.' });
    assert.ok(d.error, 'a device cannot dismiss');
    assert.deepEqual((await deviceA.from('evaluation_overrides').select('id')).data, []);
    assert.deepEqual((await deviceA.from('session_dismissals').select('session_id')).data, []);
    assert.equal((await s.db.query(`select count(*)::int as n from evaluation_overrides`)).rows[0].n, 1);
  });

  it('another device of the same tenant can neither read nor write the evaluation of a session it did not run', async () => {
    const password = crypto.randomBytes(9).toString('base64url');
    await s.gateway.createDeviceUser('kiosk-a2@devices.test', password, s.a.id);
    const deviceA2 = await signedIn(s.gateway, { ...s.a, email: 'kiosk-a2@devices.test', password });
    assert.deepEqual((await deviceA2.from('evaluations').select('id')).data, []);
    const other = await deviceA2.from('evaluations').insert(evaluationRow(s.a, sessionA, { rubric_version: 'competency-4.v2' }));
    assert.ok(other.error && ['42501', '23503'].includes(other.error.code), other.error?.code);
    assert.equal((await s.db.query(`select count(*)::int as n from evaluations where session_id = $1`, [sessionA])).rows[0].n, 1);
  });

  it('an observer sees no evaluations, overrides or dismissals', async () => {
    for (const table of ['evaluations', 'evaluation_overrides', 'session_dismissals']) {
      const r = await observerA.from(table).select('*');
      assert.equal(r.error, null, table);
      assert.deepEqual(r.data, [], table);
    }
  });

  it('another tenant sees nothing and cannot attach anything to tenant A', async () => {
    for (const c of [deviceB, reviewerB]) {
      for (const table of ['evaluations', 'evaluation_overrides', 'session_dismissals', 'interview_sessions']) {
        const r = await c.from(table).select('*');
        assert.equal(r.error, null, table);
        assert.deepEqual(r.data, [], table);
      }
    }
    const o = await reviewerB.from('evaluation_overrides').insert({
      tenant_id: s.a.id, evaluation_id: evaluationA.id, session_id: sessionA, competency: 'sql', level: 1, reason: 'From tenant B.',
    });
    assert.equal(o.error?.code, '42501');
    const cross = await reviewerB.from('evaluation_overrides').insert({
      tenant_id: s.b.id, evaluation_id: evaluationA.id, session_id: sessionA, competency: 'sql', level: 1, reason: 'From tenant B.',
    });
    assert.equal(cross.error?.code, '23503', 'the composite key keeps references inside the tenant');
    const ev = await deviceB.from('evaluations').insert(evaluationRow(s.b, sessionA));
    assert.equal(ev.error?.code, '23503');
  });
});

// The candidate's disclosure and consent: accepting stores the notice version, language, choices and time with the
// session in SQLite and they reach Postgres unchanged (and cannot be changed there afterwards); declining creates no
// session anywhere and leaves a notice for the operator; inconsistent or malformed consent is refused in words.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ConsentRecord, OperatorNotice, SessionView, SetupData } from '../../../preload/contract';
import { startSyncKiosk, useSeededStack, waitForSync, drained } from './support';

const env = useSeededStack();

describe('consent before the interview', () => {
  test('accepting: the consent record is stored with the session and reaches Postgres; there it cannot change', async () => {
    const kiosk = await startSyncKiosk({ stack: env.stack });
    try {
      const setup = await kiosk.call<SetupData>('getSetupData');
      const consent: ConsentRecord = {
        noticeVersion: '2026-12-02.1',
        language: 'de',
        choices: { aiInterviewer: true, recording: true },
        at: '2026-12-02T03:04:05.678Z',
      };
      const session = await kiosk.call<SessionView>('createSession', {
        candidateId: setup.candidates[0]!.id,
        positionId: setup.positions[0]!.id,
        recordingConsent: true,
        consent,
      });
      const local = kiosk.db.prepare('SELECT consent, recording_consent FROM interview_sessions WHERE id = ?').get(session.id) as { consent: string; recording_consent: number };
      assert.deepEqual(JSON.parse(local.consent), consent);
      assert.equal(local.recording_consent, 1);

      await waitForSync(kiosk.service, (s) => drained(s) && kiosk.db.prepare('SELECT synced_at FROM interview_sessions WHERE id = ?').pluck().get(session.id) !== null, 20_000, 'the session upload');
      const { rows } = await env.client.query(
        'select consent_notice_version, consent_language, consent_choices, consent_at, recording_consent from interview_sessions where id = $1',
        [session.id],
      );
      assert.equal(rows.length, 1);
      assert.equal(rows[0].consent_notice_version, consent.noticeVersion);
      assert.equal(rows[0].consent_language, 'de');
      assert.deepEqual(rows[0].consent_choices, consent.choices);
      assert.equal(new Date(rows[0].consent_at).toISOString(), consent.at);
      assert.equal(rows[0].recording_consent, true);

      // A stored consent record is a record: nobody rewrites it afterwards.
      await assert.rejects(
        env.client.query(`update interview_sessions set consent_choices = '{"aiInterviewer": true, "recording": false}' where id = $1`, [session.id]),
        /cannot change once stored/,
      );
      // Recording without a recorded yes to recording is refused by the database too.
      await assert.rejects(
        env.client.query('update interview_sessions set recording_consent = false where id = $1', [session.id]),
        /interview_sessions_consent_recording/,
      );
    } finally {
      await kiosk.close();
    }
  });

  test('declining: no session in SQLite or Postgres, and the operator sees a notice naming the candidate', async () => {
    const kiosk = await startSyncKiosk({ stack: env.stack });
    try {
      const setup = await kiosk.call<SetupData>('getSetupData');
      const before = (await env.client.query('select count(*)::int as n from interview_sessions')).rows[0].n as number;
      const notice = await kiosk.call<OperatorNotice>('declineInterview', {
        candidateId: setup.candidates[1]!.id,
        positionId: setup.positions[0]!.id,
        noticeVersion: '2026-12-02.1',
        language: 'en',
      });
      assert.equal(notice.kind, 'declined');
      assert.equal(notice.candidateName, setup.candidates[1]!.name);
      assert.equal(notice.sessionId, null);
      assert.equal(kiosk.db.prepare('SELECT count(*) FROM interview_sessions').pluck().get(), 0);
      const notices = await kiosk.call<OperatorNotice[]>('getOperatorNotices');
      assert.deepEqual(notices.map((n) => n.id), [notice.id]);
      await kiosk.call('syncNow');
      await waitForSync(kiosk.service, drained);
      assert.equal((await env.client.query('select count(*)::int as n from interview_sessions')).rows[0].n, before);
    } finally {
      await kiosk.close();
    }
  });

  test('consent that contradicts the recording flag, or is malformed, is refused in words and nothing is stored', async () => {
    const kiosk = await startSyncKiosk({ stack: env.stack });
    try {
      const setup = await kiosk.call<SetupData>('getSetupData');
      const base = { candidateId: setup.candidates[0]!.id, positionId: setup.positions[0]!.id };
      const contradicts = await kiosk.result('createSession', {
        ...base,
        recordingConsent: true,
        consent: { noticeVersion: '1', language: 'en', choices: { aiInterviewer: true, recording: false }, at: new Date().toISOString() },
      });
      assert.equal(contradicts.ok, false);
      assert.match(JSON.stringify(contradicts), /recordingConsent must match/);
      const badTime = await kiosk.result('createSession', {
        ...base,
        recordingConsent: true,
        consent: { noticeVersion: '1', language: 'en', choices: { aiInterviewer: true, recording: true }, at: 'yesterday' },
      });
      assert.equal(badTime.ok, false);
      const badLanguage = await kiosk.result('declineInterview', { ...base, noticeVersion: '1', language: 'english please' });
      assert.equal(badLanguage.ok, false);
      assert.match(JSON.stringify(badLanguage), /language tag/);
      assert.equal(kiosk.db.prepare('SELECT count(*) FROM interview_sessions').pluck().get(), 0);
      assert.equal(kiosk.db.prepare('SELECT count(*) FROM operator_notices').pluck().get(), 0);
    } finally {
      await kiosk.close();
    }
  });
});

// The interviewer persona of a position, set in the backend (real Postgres behind the Supabase gateway): Postgres
// keeps its shape; the kiosk pulls it, and a persona it cannot use (a voice its client library does not know) is
// logged in words while the position stays usable with the default interviewer; the persona reaches the Realtime
// session config (name in the instructions, voice in audio.output.voice) and stays the same for every call of an
// interview, even when the backend changes it in between.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { InterviewerPersona, SessionView, SetupData } from '../../../preload/contract';
import { OFFER_SDP } from '../core/realtime-stub';
import { startSyncKiosk, useSeededStack } from './support';

const env = useSeededStack();

const ADA: InterviewerPersona = {
  name: 'Ada',
  voice: 'cedar',
  formality: 'formal',
  intro: 'I will ask about your support work.',
  outro: 'We will write to you within a week.',
  pronunciation: [{ term: 'Nguyen', sayAs: 'win' }],
};

describe('interviewer persona from the backend', () => {
  test('Postgres refuses a persona of the wrong shape; devices cannot write it', async () => {
    const { rows } = await env.client.query('select id from positions order by title, id limit 1');
    const id = rows[0].id as string;
    for (const bad of [{ name: '' }, { name: 'Ada', formality: 'pirate' }, { name: 'Ada', intro: 'x'.repeat(601) }, ['Ada'], { name: 'Ada', pronunciation: 'SQL' }]) {
      await assert.rejects(env.client.query('update positions set persona = $1 where id = $2', [JSON.stringify(bad), id]), (e: { code?: string }) => e.code === '23514', JSON.stringify(bad).slice(0, 60));
    }
    const privileges = await env.client.query(`select has_column_privilege('authenticated', 'public.positions', 'persona', 'UPDATE') as device_update,
      has_column_privilege('authenticated', 'public.positions', 'persona', 'SELECT') as device_select`);
    assert.deepEqual(privileges.rows[0], { device_update: false, device_select: true });
  });

  test('pulled with the position; an unusable one is logged and replaced by the default; frozen for every call of an interview', async () => {
    const { rows: positions } = await env.client.query('select id, title from positions order by title, id limit 2');
    const [good, odd] = positions as { id: string; title: string }[];
    await env.client.query('update positions set persona = $1 where id = $2', [JSON.stringify(ADA), good!.id]);
    // Postgres accepts any voice text (the list grows); this kiosk's SDK does not know this one.
    await env.client.query('update positions set persona = $1 where id = $2', [JSON.stringify({ name: 'Zed', voice: 'nova-2' }), odd!.id]);
    const kiosk = await startSyncKiosk({ stack: env.stack });
    try {
      await kiosk.call('syncNow');
      const setup = await kiosk.call<SetupData>('getSetupData');
      assert.deepEqual(setup.positions.find((p) => p.id === good!.id)!.persona, ADA, 'pulled as set');
      assert.equal(setup.positions.find((p) => p.id === odd!.id)!.persona, null, 'the default interviewer');
      const logged = kiosk.logs.find((l) => l.includes(odd!.id));
      assert.ok(logged, `the unusable persona is logged: ${kiosk.logs.join('\n')}`);
      assert.match(logged, new RegExp(`position "${odd!.title}" \\(${odd!.id}\\): its interviewer persona cannot be used \\(voice: the voice must be one of .*\\); interviews for it use the default interviewer`));
      const candidateId = setup.candidates[0]!.id;

      const session = await kiosk.call<SessionView>('createSession', { candidateId, positionId: good!.id, recordingConsent: false });
      assert.equal(session.interviewerName, 'Ada', 'the name the candidate sees');
      await kiosk.call('startCall', { sessionId: session.id, offerSdp: OFFER_SDP });
      const first = kiosk.stub.calls.at(-1)!.session;
      assert.equal(first.audio.output.voice, 'cedar');
      assert.match(first.instructions, /Your name is "Ada"\. You are an AI/);
      assert.ok(first.instructions.includes(JSON.stringify(ADA.outro)));

      // The backend changes the persona; new interviews get the new one, this one keeps its interviewer and voice.
      await env.client.query('update positions set persona = $1 where id = $2', [JSON.stringify({ ...ADA, name: 'Bea', voice: 'ash' }), good!.id]);
      await kiosk.call('syncNow');
      assert.equal((await kiosk.call<SetupData>('getSetupData')).positions.find((p) => p.id === good!.id)!.persona?.name, 'Bea');
      await kiosk.call('startCall', { sessionId: session.id, offerSdp: OFFER_SDP, reason: 'reconnect' });
      const second = kiosk.stub.calls.at(-1)!.session;
      assert.equal(second.audio.output.voice, 'cedar', 'the same voice after a reconnect');
      assert.equal(second.instructions, first.instructions, 'the same interviewer');
      const next = await kiosk.call<SessionView>('createSession', { candidateId, positionId: good!.id, recordingConsent: false });
      assert.equal(next.interviewerName, 'Bea');

      const plain = await kiosk.call<SessionView>('createSession', { candidateId, positionId: odd!.id, recordingConsent: false });
      assert.equal(plain.interviewerName, null);
      await kiosk.call('startCall', { sessionId: plain.id, offerSdp: OFFER_SDP });
      const fallback = kiosk.stub.calls.at(-1)!.session;
      assert.equal(fallback.audio.output.voice, 'marin', 'the kiosk\'s voice setting');
      assert.doesNotMatch(fallback.instructions, /Zed|Your name is/);
    } finally {
      await kiosk.close();
      await env.client.query('update positions set persona = null where id = any($1)', [[good!.id, odd!.id]]);
    }
  });
});

// The candidate's controls through the service against the real Postgres behind the gateway: a typed answer is
// stored as the candidate's entry marked typed and reaches Postgres so (spoken ones unmarked); the database refuses
// a typed mark on anything but a candidate's entry; a request for help and a break reach kiosk_status (the room
// view) as help_requested and paused; bad typed input is refused in words and stores nothing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CandidateControlResult, OperatorNotice, SessionView, SetupData } from '../../../preload/contract';
import { OFFER_SDP } from '../core/realtime-stub';
import { drained, startSyncKiosk, useSeededStack, waitForSync } from './support';

const env = useSeededStack();

async function kioskState(): Promise<string | undefined> {
  const { rows } = await env.client.query(`select k.state from kiosk_status k join auth.users u on u.id = k.device_id where u.email = $1`, [env.stack.device!.email]);
  return rows[0]?.state as string | undefined;
}

async function untilState(state: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while ((await kioskState()) !== state) {
    if (Date.now() > end) throw new Error(`kiosk_status never became ${state} (is ${String(await kioskState())})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('candidate controls with a backend', () => {
  test('a typed answer reaches Postgres marked typed; help and a break reach kiosk_status; bad input is refused in words', async () => {
    const kiosk = await startSyncKiosk({ stack: env.stack, sync: { presenceHeartbeatMs: 300 } });
    try {
      const setup = await kiosk.call<SetupData>('getSetupData');
      const session = await kiosk.call<SessionView>('createSession', { candidateId: setup.candidates[0]!.id, positionId: setup.positions[0]!.id, recordingConsent: false });
      const sessionId = session.id;
      await kiosk.call('startCall', { sessionId, offerSdp: OFFER_SDP });
      const report = (event: Record<string, unknown>, direction: 'server' | 'client' = 'server') => kiosk.call('reportRealtimeEvent', { sessionId, direction, event });
      // The interviewer's first question, spoken.
      await report({ type: 'response.created', event_id: 'ev1', response: { id: 'resp_1', status: 'in_progress', output: [] } });
      await report({ type: 'response.output_item.added', event_id: 'ev2', response_id: 'resp_1', output_index: 0, item: { id: 'item_q1', type: 'message', role: 'assistant', content: [] } });
      await report({ type: 'conversation.item.added', event_id: 'ev3', previous_item_id: null, item: { id: 'item_q1', type: 'message', role: 'assistant', content: [] } });
      await report({ type: 'response.output_audio_transcript.done', event_id: 'ev4', response_id: 'resp_1', item_id: 'item_q1', output_index: 0, content_index: 0, transcript: 'Tell me about yourself.' });
      await report({ type: 'response.done', event_id: 'ev5', response: { id: 'resp_1', status: 'completed', output: [{ id: 'item_q1', type: 'message', role: 'assistant', content: [{ type: 'output_audio', transcript: 'Tell me about yourself.' }] }] } });

      // Bad typed input: refused with a reason, nothing stored.
      for (const [text, why] of [['   ', /empty/], ['x'.repeat(2001), /longer than 2000/], ['a\u0007b', /control characters/]] as const) {
        const r = await kiosk.result('candidateControl', { sessionId, control: { kind: 'typed', text } });
        assert.equal(r.ok, false);
        if (!r.ok) {
          assert.equal(r.error.code, 'invalid_request');
          assert.match(r.error.message, why);
        }
      }
      assert.equal(kiosk.db.prepare('SELECT count(*) FROM transcript_entries WHERE typed = 1').pluck().get(), 0);

      const typed = await kiosk.call<CandidateControlResult>('candidateControl', { sessionId, control: { kind: 'typed', text: '  I fixed printers for six years.  ' } });
      assert.equal(typed.entry?.typed, true);
      assert.equal(typed.entry?.text, 'I fixed printers for six years.', 'trimmed');
      const sent = typed.actions.map((a) => (a.kind === 'send' ? a.event : null));
      const create = sent[0] as { type: string; item: { id: string; role: string; content: { type: string; text: string }[] } };
      assert.equal(create.type, 'conversation.item.create');
      assert.deepEqual([create.item.role, create.item.content], ['user', [{ type: 'input_text', text: 'I fixed printers for six years.' }]]);
      assert.deepEqual(sent[1], { type: 'response.create' }, 'a bare response.create: the session instructions stay');
      // The renderer sends and reports the create; the server echoes the item with its place.
      await report(create, 'client');
      await report({ type: 'conversation.item.added', event_id: 'ev6', previous_item_id: 'item_q1', item: { ...create.item, object: 'realtime.item', status: 'completed' } });
      const local = kiosk.db.prepare('SELECT seq, speaker, typed, previous_item_id FROM transcript_entries WHERE item_id = ?').get(create.item.id) as { seq: number; speaker: string; typed: number; previous_item_id: string };
      assert.deepEqual(local, { seq: 1, speaker: 'candidate', typed: 1, previous_item_id: 'item_q1' });

      // Help, then a break: the room view's state follows.
      const help = await kiosk.call<CandidateControlResult>('candidateControl', { sessionId, control: { kind: 'help' } });
      assert.equal(help.hold, 'help');
      await untilState('help_requested');
      const open = await kiosk.call<OperatorNotice[]>('getOperatorNotices');
      assert.deepEqual(open.map((n) => [n.kind, n.sessionId, n.resolvedAt]), [['help', sessionId, null]]);
      await kiosk.call('candidateControl', { sessionId, control: { kind: 'resume', by: 'button' } });
      await untilState('interviewing');
      const resolved = await kiosk.call<OperatorNotice[]>('getOperatorNotices');
      assert.ok(resolved[0]?.resolvedAt, 'the operator sees that the candidate went on');
      const pause = await kiosk.call<CandidateControlResult>('candidateControl', { sessionId, control: { kind: 'break', by: 'button' } });
      assert.equal(pause.hold, 'break');
      await untilState('paused');
      // While paused, nothing that would make the interviewer ask on is accepted.
      const refused = await kiosk.result('candidateControl', { sessionId, control: { kind: 'repeat' } });
      assert.equal(refused.ok, false);
      await kiosk.call('candidateControl', { sessionId, control: { kind: 'resume', by: 'limit' } });
      await untilState('interviewing');

      // The database refuses a typed mark on an interviewer's line (while the session is still open there).
      await waitForSync(kiosk.service, (s) => drained(s) && kiosk.db.prepare('SELECT count(*) FROM transcript_entries WHERE synced_at IS NULL').pluck().get() === 0, 20_000, 'the entries upload');
      await assert.rejects(
        env.client.query(`update transcript_entries set typed = true where session_id = $1 and speaker = 'interviewer'`, [sessionId]),
        /transcript_entries_typed_candidate/,
      );

      await kiosk.call('endInterview', { sessionId, reason: 'operator' });
      await waitForSync(kiosk.service, (s) => drained(s) && kiosk.db.prepare('SELECT synced_at FROM interview_sessions WHERE id = ?').pluck().get(sessionId) !== null, 20_000, 'the session upload');
      const { rows } = await env.client.query('select speaker, text, typed from transcript_entries where session_id = $1 order by seq', [sessionId]);
      assert.deepEqual(rows, [
        { speaker: 'interviewer', text: 'Tell me about yourself.', typed: false },
        { speaker: 'candidate', text: 'I fixed printers for six years.', typed: true },
      ]);
    } finally {
      await kiosk.close();
    }
  });
});

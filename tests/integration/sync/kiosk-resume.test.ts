// Kiosk mode after a restart: an interrupted interview does not continue for whoever sits down (no resume offer, a
// restart call refused by main), but the candidate's own invitation code, typed again, reopens exactly that
// interview. Real SQLite kept across the restart, real Postgres behind the Supabase-compatible gateway.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { InvitationRedemption, SessionView, TranscriptEntryView } from '../../../preload/contract';
import { DEMO } from '../../support/gateway/stack';
import { OFFER_SDP } from '../core/realtime-stub';
import { assistantTurn, startSyncKiosk, useSeededStack } from './support';

const env = useSeededStack();

const errorOf = (r: unknown) => (r as { error: { code: string; message: string } }).error;

test('an interrupted interview resumes only with the candidate\'s own code again (or the operator)', { timeout: 120_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-resume-'));
  try {
    // Set up by staff in recruiter mode: backend, device sign-in, reference data (the invitation's hash).
    const setup = await startSyncKiosk({ stack: env.stack, dataDir });
    await setup.stop();

    // Kiosk mode: the candidate types the code and starts; the app dies mid-interview.
    const first = await startSyncKiosk({ stack: env.stack, dataDir, signIn: false, kioskMode: true });
    const redemption = await first.call<InvitationRedemption>('redeemInvitation', { code: DEMO.invitationToken });
    assert.equal(redemption.resumeSessionId, undefined, 'nothing to resume yet');
    const session = await first.call<SessionView>('createSession', {
      candidateId: redemption.candidate.id, positionId: redemption.position.id, recordingConsent: false, invitationId: redemption.invitationId,
    });
    await first.call('startCall', { sessionId: session.id, offerSdp: OFFER_SDP });
    for (const event of assistantTurn('resp_1', 'item_a1', null, 'Tell me about a time you helped a customer. ')) {
      await first.call('reportRealtimeEvent', { sessionId: session.id, direction: 'server', event });
    }
    await first.stop();

    const kiosk = await startSyncKiosk({ stack: env.stack, dataDir, signIn: false, kioskMode: true });
    try {
      // A walk-up: no offer, and main refuses to continue the call.
      assert.equal(await kiosk.call('getResumableSession'), null);
      const walkUp = await kiosk.result('startCall', { sessionId: session.id, offerSdp: OFFER_SDP, reason: 'restart' });
      assert.equal(errorOf(walkUp).code, 'operator_locked');
      // A wrong code opens nothing either.
      const wrong = await kiosk.result('redeemInvitation', { code: 'ABCD-EFGH-JKLM' });
      assert.equal(wrong.ok, false);
      assert.equal(await kiosk.call('getResumableSession'), null);

      // The candidate types their own code again: that interview is offered, and its call may restart once.
      const again = await kiosk.call<InvitationRedemption>('redeemInvitation', { code: DEMO.invitationToken });
      assert.equal(again.resumeSessionId, session.id);
      assert.equal(again.candidate.email, null, 'no email on a candidate screen');
      const offered = await kiosk.call<SessionView | null>('getResumableSession');
      assert.equal(offered?.id, session.id);
      const pushed: TranscriptEntryView[] = [];
      kiosk.service.events.on('transcript', (p) => { if (p.sessionId === session.id) pushed.push(...p.entries); });
      const resumed = await kiosk.result('startCall', { sessionId: session.id, offerSdp: OFFER_SDP, reason: 'restart' });
      assert.equal(resumed.ok, true, JSON.stringify(resumed));
      // The new screen gets the lines from before the restart (its transcript and warm-up marking start whole).
      assert.deepEqual(pushed.map((e) => [e.itemId, e.speaker, e.text.trim()]), [['item_a1', 'interviewer', 'Tell me about a time you helped a customer.']]);
    } finally {
      await kiosk.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

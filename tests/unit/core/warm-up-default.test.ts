// Whether an interview opens with the unscored warm-up question: on by default in kiosk mode, off in recruiter
// mode, and the request's own choice wins either way. Through the sessions API on a real SQLite store.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openDatabase } from '../../../main/core/db/database';
import { DEMO_CANDIDATES, DEMO_POSITIONS, seedDemoData } from '../../../main/core/db/seed';
import { createStore } from '../../../main/core/db/store';
import { createEventEmitter } from '../../../main/core/api/events';
import { createSessions } from '../../../main/core/interview/sessions';

const dir = mkdtempSync(join(tmpdir(), 'kiosk-warmup-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function sessionsApi(kioskMode: boolean) {
  const db = openDatabase(join(dir, `k${kioskMode}.sqlite`));
  seedDemoData(db);
  const store = createStore(db);
  const invitations = { checkInvitation: () => undefined, linkInvitation: () => undefined };
  return { api: createSessions({ db, store, events: createEventEmitter(() => {}), invitations, kioskMode }).api, store };
}

const base = { candidateId: DEMO_CANDIDATES[0]!.id, positionId: DEMO_POSITIONS[0]!.id, recordingConsent: false };

test('kiosk mode: warm-up on unless the request turns it off; recruiter mode: off unless asked for', async () => {
  const kiosk = sessionsApi(true);
  assert.equal((await kiosk.api.createSession(base)).warmUp, true);
  assert.equal((await kiosk.api.createSession({ ...base, warmUp: false })).warmUp, false);
  const recruiter = sessionsApi(false);
  const plain = await recruiter.api.createSession(base);
  assert.deepEqual([plain.warmUp, plain.extraTime], [false, false]);
  const asked = await recruiter.api.createSession({ ...base, warmUp: true, extraTime: true });
  assert.deepEqual([asked.warmUp, asked.extraTime], [true, true]);
  assert.deepEqual([recruiter.store.session(asked.id)!.warm_up, recruiter.store.session(asked.id)!.extra_time], [1, 1], 'stored with the session');
  // Who chose the extra time is stored beside it: the candidate unless the request says the operator; nobody without it.
  assert.deepEqual([asked.extraTimeBy, recruiter.store.session(asked.id)!.extra_time_by], ['candidate', 'candidate']);
  const arranged = await recruiter.api.createSession({ ...base, extraTime: true, extraTimeBy: 'operator' });
  assert.deepEqual([arranged.extraTimeBy, recruiter.store.session(arranged.id)!.extra_time_by], ['operator', 'operator']);
  const none = await recruiter.api.createSession({ ...base, extraTime: false, extraTimeBy: 'operator' });
  assert.deepEqual([none.extraTime, none.extraTimeBy, recruiter.store.session(none.id)!.extra_time_by], [false, null, null]);
});

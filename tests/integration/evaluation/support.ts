// A kiosk core on a temp directory with the practice emulator, and a way to put a finished interview into it
// without a WebRTC call (the entries are written exactly as the transcript reducer writes them).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { SetupData } from '../../../preload/contract';
import { createKioskService, type KioskService } from '../../../main/core/api/service';
import { loadEmulator } from '../../../main/simulator/lazy';
import { openDatabase, type KioskDatabase } from '../../../main/core/db/database';
import { createStore } from '../../../main/core/db/store';
import { memorySecretStore, memorySettingsStore } from '../../../main/core/settings/types';
import type { EmulatorFaultsLike } from '../../../main/core/api/emulator';

export const ANSWERS = [
  'In my last role I redesigned our system design for the order service, splitting it into three parts so each could scale alone and fail without taking the others down.',
  'During an incident last spring our payments queue stalled; I led the response, restored service within forty minutes and wrote the reliability review that added alerting on queue age.',
  'I mentor two junior engineers every week, pairing on their code reviews and helping them plan their first design documents until they could run them on their own.',
  'I write clear design notes before I build anything, with the problem, the options and the decision, so people who were not in the room can follow and disagree in writing.',
];

export interface Core {
  service: KioskService;
  db: KioskDatabase;
  dir: string;
  setup: SetupData;
  /** A completed interview: interviewer and candidate turns alternating, 25 s apart. */
  finishInterview(answers: readonly (string | null)[], reason?: 'end_session' | 'error'): Promise<string>;
  close(): Promise<void>;
}

/** Creates a session and ends it after writing alternating turns, 25 s apart, as the transcript reducer would. */
export async function finishInterview(
  service: KioskService, db: KioskDatabase, candidateId: string, positionId: string, answers: readonly (string | null)[], reason: 'end_session' | 'error' = 'end_session',
): Promise<string> {
  const store = createStore(db);
  const session = await service.createSession({ candidateId, positionId, recordingConsent: false });
  store.updateSession(store.session(session.id)!, { status: 'in_progress', startTime: new Date().toISOString() });
  let seq = 0;
  let previous: string | null = null;
  const entries = answers.flatMap((text, i) => {
    const q = { id: randomUUID(), itemId: `item_q${i}`, previousItemId: previous, seq: seq++, speaker: 'interviewer' as const, text: `Question ${i + 1}: tell me more.`, startMs: i * 50_000, status: 'final' as const, confidence: null };
    const a = { id: randomUUID(), itemId: `item_a${i}`, previousItemId: q.itemId, seq: seq++, speaker: 'candidate' as const, text: text ?? '', startMs: i * 50_000 + 25_000, status: text === null ? ('failed' as const) : ('final' as const), confidence: null };
    previous = a.itemId;
    return [q, a];
  });
  store.writeEntries(session.id, entries);
  await service.endInterview({ sessionId: session.id, reason });
  return session.id;
}

export async function startCore(options: { faults?: EmulatorFaultsLike; dir?: string } = {}): Promise<Core> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'kiosk-eval-'));
  const db = openDatabase(join(dir, 'kiosk.sqlite'));
  const service = createKioskService({ startEmulator: loadEmulator,
    db, dataDir: dir, settings: memorySettingsStore({ practiceMode: true }), secrets: memorySecretStore(),
    emulator: { candidates: 'loopback', ...(options.faults ? { faults: options.faults } : {}) },
    evaluation: { backoff: { stepsMs: [50], factor: 2, capMs: 200, jitter: [1, 1] } },
  });
  await service.startEmulator();
  const setup = await service.getSetupData();
  return {
    service, db, dir, setup,
    finishInterview: (answers, reason = 'end_session') => finishInterview(service, db, setup.candidates[0]!.id, setup.positions[0]!.id, answers, reason),
    async close() {
      await service.close();
      db.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A kiosk core in its own process, for the evaluation kill test: opens the data dir (backend configured and signed
// in), optionally finishes one interview, and reports every evaluation-job state change on stdout as
// `job <sessionId> <state>`. Env: EVAL_DIR, EVAL_FAULTS (emulator faults as JSON), EVAL_OFFLINE=1 (the backend is
// unreachable), EVAL_FINISH=1 (finish an interview first). The parent SIGKILLs it.
import { join } from 'node:path';
import { createKioskService } from '../../main/core/api/service';
import { loadEmulator } from '../../main/simulator/lazy';
import { openDatabase } from '../../main/core/db/database';
import { fileCredentialStore } from '../../main/core/settings/credentials';
import { fileSettingsStore, plaintextSecretStore } from '../../main/core/settings/file-stores';
import { DATABASE_FILE } from '../../main/web/host';
import { ANSWERS, finishInterview } from '../integration/evaluation/support';

const dir = process.env.EVAL_DIR!;
const db = openDatabase(join(dir, DATABASE_FILE));
const offline: typeof fetch = async () => {
  throw new TypeError('fetch failed (the network is down)');
};
const service = createKioskService({
  startEmulator: loadEmulator,
  db, dataDir: dir, settings: fileSettingsStore(dir), secrets: plaintextSecretStore(dir), credentials: fileCredentialStore(dir),
  emulator: { candidates: 'loopback', faults: JSON.parse(process.env.EVAL_FAULTS ?? '{}') },
  evaluation: { backoff: { stepsMs: [100], factor: 2, capMs: 400, jitter: [1, 1] } },
  sync: { wakeDelayMs: 10, backoff: { stepsMs: [100], factor: 2, capMs: 500, jitter: [0.5, 1] } },
  ...(process.env.EVAL_OFFLINE === '1' ? { backendFetch: offline } : {}),
});
const say = (line: string) => process.stdout.write(`${line}\n`);
service.events.on('review', ({ sessionId }) => {
  void service.getInterview({ sessionId }).then((d) => say(`job ${sessionId} ${d.job?.state ?? 'none'}`));
});
await service.startEmulator();
if (process.env.EVAL_FINISH === '1') {
  const setup = await service.getSetupData();
  const sessionId = await finishInterview(service, db, setup.candidates[0]!.id, setup.positions[0]!.id, ANSWERS);
  say(`session ${sessionId}`);
}
say('ready');

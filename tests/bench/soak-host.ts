// The soak benchmark's main process: the web host (practice emulator inside, as in the app's practice mode) in a
// child of its own, so its memory is measured alone. Started with --expose-gc by soak.bench.ts; talks over IPC.
//   { type: 'config', dataDir, emulator } → { type: 'ready', pageUrl }
//   { type: 'sample' } → a forced GC, then { type: 'sample', rss, heapUsed, durable, calls }
//   { type: 'close' }  → closes the host and exits
// `durable` is event_to_durable as tests/bench/durable.bench.ts measures it — from a data-channel event reaching
// the dispatcher (`dispatch('reportRealtimeEvent', …)`) to its promise resolving, the change committed in SQLite —
// for every event reported since the previous sample. `calls` counts the calls main set up, by reason.
import type { Dispatch } from '../../main/core/api/dispatch';
import { startWebHost } from '../../main/web/host';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !process.send) throw new Error('soak-host runs as an IPC child with --expose-gc');
const send = (message: unknown) => process.send!(message);
// The configuration comes as the first message (the candidate's scripted answers are too long for argv).
const config = await new Promise<{ dataDir: string; emulator: Record<string, unknown> }>((resolve) =>
  process.once('message', (m: { type: string; dataDir: string; emulator: Record<string, unknown> }) => resolve(m)),
);

const log = (line: string) => void (process.env.SOAK_LOG && console.log(`[host] ${line}`)); // SOAK_LOG=1: the host's and the emulator's log
const host = await startWebHost({ port: 0, dataDir: config.dataDir, emulator: { ...config.emulator, log }, practiceMode: true, log });
let durable: number[] = [];
const calls: Record<string, number> = {};
const dispatch = host.core.dispatch;
const timed: Dispatch = async (method, payload) => {
  const t0 = performance.now();
  const result = await dispatch(method, payload);
  if (method === 'reportRealtimeEvent') durable.push(performance.now() - t0);
  if (method === 'startCall' && result.ok) {
    const reason = (payload as { reason?: string }).reason ?? 'start';
    calls[reason] = (calls[reason] ?? 0) + 1;
  }
  return result;
};
// The WebSocket handler looks `dispatch` up on the service for every request, so this wraps every request.
(host.core as { dispatch: Dispatch }).dispatch = timed;

process.on('message', (message: { type: string }) => {
  if (message.type === 'sample') {
    gc();
    const m = process.memoryUsage();
    send({ type: 'sample', rss: m.rss, heapUsed: m.heapUsed, durable, calls: { ...calls } });
    durable = [];
  } else if (message.type === 'close') {
    void host.close().then(() => process.exit(0));
  }
});
send({ type: 'ready', pageUrl: host.pageUrl });

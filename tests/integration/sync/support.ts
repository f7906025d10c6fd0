// Shared setup for the sync integration tests: a kiosk service (real SQLite file, real sync engine, supabase-js)
// against startSupabaseStack (real Postgres 17 + the Supabase-compatible gateway), driven through `dispatch`
// with realistic Realtime events (the Realtime signalling goes to a local stub; no browser needed).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { KioskResult, SessionSummary, SessionView, SetupData, SyncStatus } from '../../../preload/contract';
import { createKioskService, type KioskService } from '../../../main/core/api/service';
import { loadEmulator } from '../../../main/simulator/lazy';
import { openDatabase, type KioskDatabase } from '../../../main/core/db/database';
import { fileCredentialStore } from '../../../main/core/settings/credentials';
import { memorySecretStore, memorySettingsStore } from '../../../main/core/settings/types';
import type { SyncOptions } from '../../../main/core/sync/feature';
import { after, before } from 'node:test';
import { startSupabaseStack, type SupabaseStack } from '../../support/gateway/stack';
import { OFFER_SDP, startRealtimeStub, type RealtimeStub } from '../core/realtime-stub';

export const OPENAI_KEY = 'sk-test-sync-0123456789abcdef0123';

export interface SyncKiosk {
  service: KioskService;
  db: KioskDatabase;
  dataDir: string;
  stub: RealtimeStub;
  logs: string[];
  call<T>(method: string, payload?: unknown): Promise<T>;
  result(method: string, payload?: unknown): Promise<KioskResult<unknown>>;
  /** Closes the service and the database, keeps the data dir (for restart tests). */
  stop(): Promise<void>;
  /** stop() and remove the data dir. */
  close(): Promise<void>;
}

export async function startSyncKiosk(options: {
  stack: SupabaseStack;
  dataDir?: string;
  signIn?: boolean;
  sync?: SyncOptions;
  backendFetch?: typeof fetch;
  configure?: boolean;
  /** Sign in as this device user instead of the stack's (a second kiosk of the tenant). */
  device?: { email: string; password: string };
  /** Kiosk mode (a walk-up screen; no operator PIN provisioned, so admin requests are refused). */
  kioskMode?: boolean;
  /** Re-read overlap of a reviewer's pull (0: only rows after the cursor). */
  reviewerPullOverlapMs?: number;
}): Promise<SyncKiosk> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kiosk-sync-'));
  const stub = await startRealtimeStub(OPENAI_KEY);
  const db = openDatabase(join(dataDir, 'kiosk.sqlite'));
  const logs: string[] = [];
  const configure = options.configure ?? true;
  const settings = memorySettingsStore({
    practiceMode: false,
    openaiBaseUrl: stub.baseUrl,
    ...(configure ? { supabaseUrl: options.stack.gateway.url, supabaseAnonKey: options.stack.gateway.anonKey } : {}),
  });
  const service = createKioskService({ startEmulator: loadEmulator,
    db,
    dataDir,
    settings,
    secrets: memorySecretStore(OPENAI_KEY),
    credentials: fileCredentialStore(dataDir),
    sync: { pullIntervalMs: 3_600_000, wakeDelayMs: 20, backoff: { stepsMs: [50], factor: 2, capMs: 500, jitter: [0.5, 1] }, requestTimeoutMs: 5_000, ...options.sync },
    ...(options.backendFetch ? { backendFetch: options.backendFetch } : {}),
    log: (line) => logs.push(line),
    ...(options.kioskMode ? { kioskMode: true } : {}),
    ...(options.reviewerPullOverlapMs !== undefined ? { reviewerPullOverlapMs: options.reviewerPullOverlapMs } : {}),
  });
  const result = (method: string, payload?: unknown) => service.dispatch(method, payload);
  const call = async <T,>(method: string, payload?: unknown): Promise<T> => {
    const r = await service.dispatch(method, payload);
    if (!r.ok) throw Object.assign(new Error(`${method} failed: ${r.error.code}: ${r.error.message}`), { code: r.error.code });
    return r.value as T;
  };
  let stopped = false;
  const kiosk: SyncKiosk = {
    service, db, dataDir, stub, logs, call, result,
    async stop() {
      if (stopped) return;
      stopped = true;
      await service.close();
      db.close();
      await stub.close();
    },
    async close() {
      await kiosk.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  if ((options.signIn ?? true) && configure) {
    const device = options.device ?? options.stack.device!;
    await call('signInDevice', { email: device.email, password: device.password });
  }
  return kiosk;
}

/** Resolves with the first sync status that satisfies `pred` (checked now and on every `sync` event). */
export function waitForSync(service: KioskService, pred: (s: SyncStatus) => boolean, timeoutMs = 20_000, what = 'sync condition'): Promise<SyncStatus> {
  return new Promise((resolve, reject) => {
    let off = () => {};
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last status ${JSON.stringify(service.sync.engine.status())}`));
    }, timeoutMs);
    const check = (s: SyncStatus) => {
      if (!pred(s)) return;
      clearTimeout(timer);
      off();
      resolve(s);
    };
    off = service.events.on('sync', check);
    check(service.sync.engine.status());
  });
}

export const drained = (s: SyncStatus) => s.pending === 0 && s.state === 'idle';

type Ev = { type: string } & Record<string, unknown>;

/** A GA assistant turn (response.* + transcript deltas) for item `id` after `prev`. */
export function assistantTurn(resp: string, id: string, prev: string | null, text: string): Ev[] {
  const words = text.split(/(?<= )/);
  return [
    { type: 'response.created', response: { id: resp, status: 'in_progress', output: [] } },
    { type: 'response.output_item.added', response_id: resp, output_index: 0, item: { id, type: 'message', role: 'assistant', status: 'in_progress', content: [] } },
    { type: 'conversation.item.added', previous_item_id: prev, item: { id, type: 'message', role: 'assistant', status: 'in_progress', content: [] } },
    { type: 'response.content_part.added', response_id: resp, item_id: id, output_index: 0, content_index: 0, part: { type: 'audio', transcript: '' } },
    { type: 'output_audio_buffer.started', response_id: resp },
    ...words.map((w) => ({ type: 'response.output_audio_transcript.delta', response_id: resp, item_id: id, output_index: 0, content_index: 0, delta: w })),
    { type: 'response.output_audio.done', response_id: resp, item_id: id },
    { type: 'response.output_audio_transcript.done', response_id: resp, item_id: id, transcript: text },
    { type: 'response.done', response: { id: resp, status: 'completed', output: [{ id, type: 'message', role: 'assistant', content: [{ type: 'output_audio', transcript: text }] }] } },
  ];
}

/** A candidate turn: speech started/stopped, committed, item added, transcription completed. */
export function candidateTurn(id: string, prev: string, audioStartMs: number, transcript: string): Ev[] {
  return [
    { type: 'input_audio_buffer.speech_started', audio_start_ms: audioStartMs, item_id: id },
    { type: 'input_audio_buffer.speech_stopped', audio_end_ms: audioStartMs + 1500, item_id: id },
    { type: 'input_audio_buffer.committed', previous_item_id: prev, item_id: id },
    { type: 'conversation.item.added', previous_item_id: prev, item: { id, type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_audio', transcript: null }] } },
    { type: 'conversation.item.input_audio_transcription.completed', item_id: id, content_index: 0, transcript },
  ];
}

/** Events of an interview of `turns` question/answer pairs (item ids unique per `tag`). */
export function interviewEvents(turns: number, tag = 'x'): Ev[] {
  const events: Ev[] = [{ type: 'session.created', session: { id: `sess_${tag}`, type: 'realtime' } }];
  let prev: string | null = null;
  for (let i = 0; i < turns; i++) {
    const a = `item_${tag}_a${i}`;
    const u = `item_${tag}_u${i}`;
    events.push(...assistantTurn(`resp_${tag}_${i}`, a, prev, `Question number ${i + 1}: tell me about a time you had to learn something quickly. `));
    events.push(...candidateTurn(u, a, 2_000 + i * 8_000, `Answer ${i + 1}: I read the documentation, built a small prototype, and asked a colleague to review it.`));
    prev = u;
  }
  return events;
}

/** Runs a practice-style interview through dispatch: create, start the call, events, recording, end. */
export async function runInterview(kiosk: SyncKiosk, opts: { turns: number; tag?: string; candidateId?: string; positionId?: string; invitationId?: string; recordingBytes?: number; between?: (i: number) => Promise<void> | void }): Promise<SessionSummary> {
  const setup = await kiosk.call<SetupData>('getSetupData');
  const session = await kiosk.call<SessionView>('createSession', {
    candidateId: opts.candidateId ?? setup.candidates[0]!.id,
    positionId: opts.positionId ?? setup.positions[0]!.id,
    recordingConsent: true,
    ...(opts.invitationId ? { invitationId: opts.invitationId } : {}),
  });
  await kiosk.call('startCall', { sessionId: session.id, offerSdp: OFFER_SDP });
  const events = interviewEvents(opts.turns, opts.tag ?? session.id.slice(0, 8));
  let chunk = 0;
  const chunkBytes = 64 * 1024;
  let remaining = opts.recordingBytes ?? 0;
  for (let i = 0; i < events.length; i++) {
    await kiosk.call('reportRealtimeEvent', { sessionId: session.id, direction: 'server', event: events[i] });
    if (remaining > 0 && i % 3 === 0) {
      const n = Math.min(chunkBytes, remaining);
      await kiosk.call('appendRecordingChunk', { sessionId: session.id, seq: chunk++, data: new Uint8Array(n).fill(chunk % 251) });
      remaining -= n;
    }
    await opts.between?.(i);
  }
  while (remaining > 0) {
    const n = Math.min(chunkBytes, remaining);
    await kiosk.call('appendRecordingChunk', { sessionId: session.id, seq: chunk++, data: new Uint8Array(n).fill(chunk % 251) });
    remaining -= n;
  }
  return kiosk.call<SessionSummary>('endInterview', { sessionId: session.id, reason: 'operator' });
}

export async function pgClient(stack: SupabaseStack): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: stack.pg.url });
  await c.connect();
  return c;
}

export interface SeededStack {
  stack: SupabaseStack;
  /** Direct SQL to the stack's Postgres, for assertions. */
  client: pg.Client;
}

/** One seeded Supabase stack and a pg client for the calling test file: started before its tests, stopped after. */
export function useSeededStack(): SeededStack {
  const env = {} as SeededStack;
  before(async () => {
    env.stack = await startSupabaseStack({ seed: true });
    env.client = await pgClient(env.stack);
  });
  after(async () => {
    await env.client?.end();
    await env.stack?.stop();
  });
  return env;
}

const instant = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

/** Every SQLite row of the session (and its entries) is in Postgres, field for field, in the same order. */
export async function assertSessionInPostgres(db: KioskDatabase, client: pg.Client, sessionId: string): Promise<{ entries: number }> {
  const local = db.prepare('SELECT * FROM interview_sessions WHERE id = ?').get(sessionId) as Record<string, any>;
  assert.ok(local, `session ${sessionId} is in SQLite`);
  const remote = (await client.query('select * from interview_sessions where id = $1', [sessionId])).rows[0];
  assert.ok(remote, `session ${sessionId} is in Postgres`);
  assert.equal(remote.tenant_id, local.tenant_id);
  assert.equal(remote.candidate_id, local.candidate_id);
  assert.equal(remote.position_id, local.position_id);
  assert.equal(remote.status, local.status);
  assert.equal(remote.recording_consent, local.recording_consent === 1);
  assert.equal(instant(remote.start_time), instant(local.start_time));
  assert.equal(instant(remote.end_time), instant(local.end_time));
  assert.equal(instant(remote.created_at), instant(local.created_at));
  assert.deepEqual(remote.status_history, JSON.parse(local.status_history));
  assert.equal(remote.recording_path, local.recording_path);
  const calls = JSON.parse(local.calls) as { id: string }[];
  assert.equal(remote.webrtc_session_id, calls.at(-1)?.id ?? null);

  const localEntries = db.prepare(`SELECT e.*, s.tenant_id FROM transcript_entries e JOIN interview_sessions s ON s.id = e.session_id
    WHERE e.session_id = ? ORDER BY e.seq, e.id`).all(sessionId) as Record<string, any>[];
  const remoteEntries = (await client.query('select * from transcript_entries where session_id = $1 order by seq, id', [sessionId])).rows;
  assert.equal(remoteEntries.length, localEntries.length, 'same number of entries');
  localEntries.forEach((l, i) => {
    const r = remoteEntries[i]!;
    const at = `entry ${i} (${l.item_id})`;
    assert.equal(r.id, l.id, at);
    assert.equal(r.tenant_id, l.tenant_id, at);
    assert.equal(r.session_id, l.session_id, at);
    assert.equal(r.seq, l.seq, at);
    assert.equal(r.item_id, l.item_id, at);
    assert.equal(r.speaker, l.speaker, at);
    assert.equal(r.text, l.text, at);
    assert.equal(r.start_ms, l.start_ms, at);
    assert.equal(r.status, l.status, at);
    // real (float4) on the server: compare at single precision.
    assert.equal(r.confidence === null ? null : Math.fround(r.confidence), l.confidence === null ? null : Math.fround(l.confidence), at);
    assert.equal(instant(r.created_at), instant(l.created_at), at);
  });
  return { entries: localEntries.length };
}

/** Waits until no evaluation job is queued, running or retrying (an evaluation is made after the end and queued for
 * upload, so a test that counts the queue waits for it first). */
export async function evaluationsSettled(kiosk: SyncKiosk, timeoutMs = 30_000): Promise<void> {
  const open = () => kiosk.db.prepare(`SELECT count(*) FROM evaluation_jobs WHERE state IN ('queued', 'running', 'retrying')`).pluck().get() as number;
  for (const until = Date.now() + timeoutMs; open() > 0;) {
    assert.ok(Date.now() < until, `evaluation jobs still open after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

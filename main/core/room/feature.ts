// The live room view, main side: an observer (or reviewer) signs in to the tenant, and this module keeps the
// tenant's kiosk status and one followed interview's transcript current over Supabase Realtime, pushing them to
// the renderer as `room` / `roomTranscript` events.
//
// Why the Realtime client runs here, in main, and not in the renderer with a short-lived token: the renderer
// never holds secrets, and even a short-lived access token is a bearer credential to the tenant's interviews
// (REST included) until it expires; main already owns sign-in and refresh (./sync/remote.ts), and the events
// the renderer gets are exactly the rows RLS let this observer read, nothing more. The observer's refresh token
// is kept in memory only: after a restart the observer signs in again.
//
// Realtime is a hint, not a log: every (re)subscription is followed by a pull of what may have been missed
// (kiosk_status: all rows, small; transcript: since the last seen (updated_at) cursor, with an overlap), and
// rows are merged by id keeping the newest updated_at, so a dropped socket leaves no gap and no duplicate.
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import ws from 'ws';
import { KioskError, type BackendInterviewDetail, type BackendInterviewItem, type BackendInterviewList, type RoomTranscriptView, type RoomView } from '../../../preload/contract';
import { decodeListCursor, encodeListCursor } from '../evaluation/store';
import type { KioskEventEmitter } from '../api/events';
import { memoryCredentialStore } from '../settings/credentials';
import type { SettingsStore } from '../settings/types';
import { PRESENCE_OFFLINE_AFTER_MS } from '../sync/presence';
import { createRemote, type Remote } from '../sync/remote';
import { mergeKiosk, mergeRows, newestCursor, roomEntries, roomKiosks, type EntryRow, type KioskRow } from './merge';

export interface RoomDeps {
  settings: SettingsStore;
  events: KioskEventEmitter;
  fetch?: typeof fetch;
  log?: (line: string) => void;
  /** Offline threshold shown to the view (default: three missed kiosk heartbeats). */
  offlineAfterMs?: number;
  /** Re-read overlap for the transcript cursor (a long transaction can commit an older updated_at). */
  overlapMs?: number;
  /** A reviewer signed in or out (reviewers' decisions queued on this kiosk may go now). */
  onReviewerChange?: () => void;
}

const KIOSK_COLUMNS = 'device_id, label, state, question, session_id, state_since, last_seen, updated_at';
/** How often main hands the (possibly refreshed) access token to the Realtime client. */
const TOKEN_HANDOVER_MS = 30_000;
const ENTRY_COLUMNS = 'id, session_id, seq, speaker, text, status, updated_at';
const ENTRY_PAGE = 1000;

export function createRoomFeature(deps: RoomDeps) {
  const log = deps.log ?? (() => {});
  const offlineAfterMs = deps.offlineAfterMs ?? PRESENCE_OFFLINE_AFTER_MS;
  const overlapMs = deps.overlapMs ?? 60_000;
  let remote: Remote | null = null;
  let role: string | null = null;
  let db: SupabaseClient | null = null;
  let tokenTimer: NodeJS.Timeout | null = null;
  let live = false;
  let problem: string | null = null;
  const kiosks = new Map<string, KioskRow>();
  /** confirmed: the server said "Subscribed to PostgreSQL" for this channel; pulls: catch-up reads in flight;
   *  warmUp: the session's warm-up flag, null until its row was read (the kiosk syncs it before any entry). */
  let followed: {
    sessionId: string; channel: RealtimeChannel; rows: Map<string, EntryRow>; cursor: string | null; confirmed: boolean; pulls: number;
    warmUp: boolean | null; readingSession: boolean;
  } | null = null;

  function view(): RoomView {
    return { signedInAs: remote?.signedInAs() ?? null, live, kiosks: roomKiosks(kiosks), offlineAfterMs, problem };
  }
  const pushRoom = () => deps.events.emit('room', view());
  function transcript(): RoomTranscriptView | null {
    return followed ? { sessionId: followed.sessionId, entries: roomEntries(followed.rows), warmUp: followed.warmUp === true } : null;
  }

  /** The followed session's warm-up flag (its lines are marked in the view), read once the session row is there. */
  async function readSession(f: NonNullable<typeof followed>): Promise<void> {
    if (!db || f.warmUp !== null || f.readingSession) return;
    f.readingSession = true;
    try {
      const { data, error } = await db.from('interview_sessions').select('warm_up').eq('id', f.sessionId).maybeSingle();
      if (error) { log(`room: session read failed: ${error.message}`); return; }
      if (!data || followed !== f) return; // not synced yet: the next row or pull reads it again
      f.warmUp = (data as { warm_up: boolean }).warm_up === true;
      if (f.warmUp) pushTranscript();
    } finally {
      f.readingSession = false;
    }
  }
  const pushTranscript = () => { const t = transcript(); if (t) deps.events.emit('roomTranscript', t); };

  async function pullKiosks(): Promise<void> {
    if (!db) return;
    const { data, error } = await db.from('kiosk_status').select(KIOSK_COLUMNS);
    if (error) { log(`room: kiosk status pull failed: ${error.message}`); return; }
    // A full read replaces the list: a kiosk this observer can no longer see disappears.
    const fresh = new Map<string, KioskRow>();
    for (const r of data as unknown as KioskRow[]) fresh.set(r.device_id, r);
    kiosks.clear();
    for (const [k, v] of fresh) kiosks.set(k, v);
    pushRoom();
  }

  async function pullEntries(): Promise<void> {
    const f = followed;
    if (!db || !f) return;
    f.pulls++;
    try {
      await readSession(f);
      await pullPages(f);
    } finally {
      f.pulls--;
    }
  }

  async function pullPages(f: NonNullable<typeof followed>): Promise<void> {
    // The first page starts at the cursor minus the overlap; every further page strictly after the last row read
    // (the (updated_at, id) keyset), so a backlog synced in one go (thousands of rows with one updated_at) is read
    // page by page instead of the same first page again.
    let after: { at: string; id: string } | null = null;
    for (;;) {
      if (!db) return;
      let q = db.from('transcript_entries').select(ENTRY_COLUMNS).eq('session_id', f.sessionId)
        .order('updated_at', { ascending: true }).order('id', { ascending: true }).limit(ENTRY_PAGE);
      if (after) q = q.or(`updated_at.gt."${after.at}",and(updated_at.eq."${after.at}",id.gt.${after.id})`);
      else if (f.cursor) q = q.gte('updated_at', new Date(Date.parse(f.cursor) - overlapMs).toISOString());
      const { data, error } = await q;
      if (error) { log(`room: transcript pull failed: ${error.message}`); return; }
      if (followed !== f) return;
      const rows = data as unknown as EntryRow[];
      if (mergeRows(f.rows, rows)) pushTranscript();
      f.cursor = newestCursor(f.rows, f.cursor);
      if (rows.length < ENTRY_PAGE) return;
      const last = rows[rows.length - 1]!;
      after = { at: last.updated_at, id: last.id };
    }
  }

  /** On every (re)subscription confirmed by the server: catch up by pulling. */
  function onSubscribed(kind: 'room' | 'transcript', channel: RealtimeChannel): void {
    channel.on('system', {}, (msg: { extension?: string; status?: string; message?: string }) => {
      if (msg.extension !== 'postgres_changes') return;
      if (msg.status === 'ok') {
        if (kind === 'room') { live = true; problem = null; void pullKiosks(); }
        else {
          if (followed?.channel === channel) followed.confirmed = true;
          void pullEntries();
        }
      } else {
        problem = `Live updates refused: ${msg.message ?? 'unknown reason'}`;
        pushRoom();
      }
    });
  }

  function subscribeRoom(client: SupabaseClient): void {
    const ch = client.channel('room-kiosks')
      .on('postgres_changes', { event: '*', schema: 'public', table: 'kiosk_status' }, (p) => {
        const row = p.new as Partial<KioskRow>;
        if (!row.device_id) return;
        if (mergeKiosk(kiosks, row as KioskRow)) pushRoom();
      });
    onSubscribed('room', ch);
    ch.subscribe((status, err) => {
      if (status === 'SUBSCRIBED') return; // catch-up waits for the server's "Subscribed to PostgreSQL"
      live = false;
      if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') problem = `Reconnecting to live updates (${err?.message ?? status.toLowerCase()}).`;
      pushRoom();
    });
  }

  async function stopFollowing(): Promise<void> {
    const f = followed;
    followed = null;
    if (f && db) await db.removeChannel(f.channel).catch(() => undefined);
  }

  async function close(): Promise<void> {
    if (tokenTimer) clearInterval(tokenTimer);
    tokenTimer = null;
    await stopFollowing();
    if (db) await db.removeAllChannels().catch(() => undefined);
    db = null;
    live = false;
    kiosks.clear();
  }

  const api = {
    async signInObserver({ email, password }: { email: string; password: string }): Promise<RoomView> {
      const s = deps.settings.get();
      if (!s.supabaseUrl || !s.supabaseAnonKey) throw new KioskError('not_configured', 'Set the Supabase URL and anon key first (Sync and backend).');
      await close();
      const r = createRemote({
        url: s.supabaseUrl, anonKey: s.supabaseAnonKey, credentials: memoryCredentialStore(),
        ...(deps.fetch ? { fetch: deps.fetch } : {}), log,
      });
      const res = await r.signIn(email, password);
      if (!res.ok) {
        if (res.error.status === 0 || res.error.status >= 500 || res.error.badAnswer) {
          throw new KioskError('backend_unavailable', `The backend could not be reached to sign in (${res.error.message}).`);
        }
        throw new KioskError('backend_auth_failed', `The backend did not accept this sign-in: ${res.error.message}.`);
      }
      const signedRole = roleOf(r.accessToken());
      if (signedRole !== 'observer' && signedRole !== 'reviewer') {
        await r.signOut();
        throw new KioskError('backend_auth_failed', 'This account is not an observer or reviewer of the tenant, so it cannot open the room view.');
      }
      remote = r;
      role = signedRole;
      problem = null;
      // The token comes from our own refresh logic (refreshed before expiry); supabase-js asks for it before each
      // REST request.
      const token = async () => ((await r.ensureToken()).ok ? r.accessToken() : null);
      db = createClient(s.supabaseUrl, s.supabaseAnonKey, {
        accessToken: token,
        realtime: { transport: ws as never, heartbeatIntervalMs: 5_000 },
        ...(deps.fetch ? { global: { fetch: deps.fetch } } : {}),
      });
      // Realtime: the token must be set BEFORE the first join — realtime-js sends a token that arrives while a
      // channel is still joining only with the next join, so the channel would stay anonymous (RealtimeClient
      // _performAuth pushes access_token to joined channels only). Afterwards a refreshed token is handed over
      // on a timer; realtime-js pushes it to every joined channel (access_token message), an unchanged one is a no-op.
      await db.realtime.setAuth(await token());
      const client = db;
      tokenTimer = setInterval(() => {
        void token().then((t) => (t && db === client ? client.realtime.setAuth(t) : undefined)).catch(() => undefined);
      }, TOKEN_HANDOVER_MS);
      tokenTimer.unref();
      subscribeRoom(db);
      log(`room view signed in as ${email} (${signedRole})`);
      pushRoom();
      deps.onReviewerChange?.();
      return view();
    },

    async signOutObserver(): Promise<RoomView> {
      await close();
      if (remote) await remote.signOut();
      remote = null;
      role = null;
      problem = null;
      pushRoom();
      deps.onReviewerChange?.();
      return view();
    },

    async getRoom(): Promise<RoomView> {
      return view();
    },

    /** The tenant's interviews on the backend, newest first, by (created_at, id) keyset; RLS decides what this
     *  reviewer sees (its tenant, every kiosk). Read-only: nothing is stored on this kiosk. */
    async listBackendInterviews({ cursor, limit = 50 }: { cursor?: string; limit?: number }): Promise<BackendInterviewList> {
      if (!db || role !== 'reviewer') throw new KioskError('not_configured', 'Sign in as a reviewer of the company to see its interviews from the backend.');
      let q = db.from('interview_sessions').select('id, candidate_id, position_id, status, start_time, end_time, created_at')
        .order('created_at', { ascending: false }).order('id', { ascending: false }).limit(limit + 1);
      if (cursor) {
        const after = decodeListCursor(cursor);
        q = q.or(`created_at.lt."${after.createdAt}",and(created_at.eq."${after.createdAt}",id.lt.${after.id})`);
      }
      const { data, error } = await q;
      if (error) throw new KioskError('backend_unavailable', `The backend's interviews could not be read: ${error.message}.`);
      const rows = (data ?? []) as unknown as { id: string; candidate_id: string; position_id: string; status: BackendInterviewItem['status']; start_time: string | null; end_time: string | null; created_at: string }[];
      const page = rows.slice(0, limit);
      const ids = page.map((r) => r.id);
      const [ev, dis, ov] = ids.length ? await Promise.all([
        db.from('evaluations').select('session_id, outcome, created_at').in('session_id', ids).order('created_at', { ascending: true }),
        db.from('session_dismissals').select('session_id').in('session_id', ids),
        db.from('evaluation_overrides').select('session_id').in('session_id', ids),
      ]) : [{ data: [], error: null }, { data: [], error: null }, { data: [], error: null }];
      const failed = ev.error ?? dis.error ?? ov.error;
      if (failed) throw new KioskError('backend_unavailable', `The backend's evaluations could not be read: ${failed.message}.`);
      const outcome = new Map<string, BackendInterviewItem['evaluation']>();
      for (const e of (ev.data ?? []) as { session_id: string; outcome: 'assessed' | 'insufficient_evidence' }[]) outcome.set(e.session_id, e.outcome);
      const dismissed = new Set(((dis.data ?? []) as { session_id: string }[]).map((d) => d.session_id));
      const overrides = new Map<string, number>();
      for (const o of (ov.data ?? []) as { session_id: string }[]) overrides.set(o.session_id, (overrides.get(o.session_id) ?? 0) + 1);
      const last = page.at(-1);
      return {
        items: page.map((r) => ({
          source: 'backend', id: r.id, candidateId: r.candidate_id, positionId: r.position_id, status: r.status,
          startTime: r.start_time, endTime: r.end_time, createdAt: r.created_at,
          evaluation: outcome.get(r.id) ?? null, dismissed: dismissed.has(r.id), overrides: overrides.get(r.id) ?? 0,
        })),
        nextCursor: rows.length > limit && last ? encodeListCursor(last.created_at, last.id) : null,
      };
    },

    /** One interview of the tenant as the backend holds it (read as the reviewer; nothing stored here). */
    async getBackendInterview({ sessionId }: { sessionId: string }): Promise<BackendInterviewDetail> {
      if (!db || role !== 'reviewer') throw new KioskError('not_configured', 'Sign in as a reviewer of the company to open its interviews from the backend.');
      const [s, e, ev, ov, dis] = await Promise.all([
        db.from('interview_sessions').select('id').eq('id', sessionId),
        db.from('transcript_entries').select('id, seq, speaker, text, start_ms, status').eq('session_id', sessionId).order('seq', { ascending: true }).order('id', { ascending: true }),
        db.from('evaluations').select('id, outcome, model, rubric_version, competencies, created_at').eq('session_id', sessionId).order('created_at', { ascending: false }).limit(1),
        db.from('evaluation_overrides').select('id, competency, level, reason, created_at').eq('session_id', sessionId).order('created_at', { ascending: true }),
        db.from('session_dismissals').select('reason, created_at').eq('session_id', sessionId),
      ]);
      const failed = s.error ?? e.error ?? ev.error ?? ov.error ?? dis.error;
      if (failed) throw new KioskError('backend_unavailable', `The interview could not be read from the backend: ${failed.message}.`);
      // RLS shows nothing of another company: to this reviewer such an interview does not exist.
      if (!s.data?.length) throw new KioskError('not_found', `There is no interview ${sessionId} of this company on the backend.`);
      type E = { id: string; seq: number; speaker: 'interviewer' | 'candidate'; text: string; start_ms: number | null; status: 'in_progress' | 'final' | 'failed' };
      const evaluation = (ev.data?.[0] ?? null) as { id: string; outcome: 'assessed' | 'insufficient_evidence'; model: string; rubric_version: string; competencies: BackendInterviewDetail['evaluation'] extends infer T ? T extends { competencies: infer C } ? C : never : never } | null;
      const dismissal = (dis.data?.[0] ?? null) as { reason: string; created_at: string } | null;
      return {
        source: 'backend', id: sessionId,
        entries: ((e.data ?? []) as unknown as E[]).map((r) => ({ id: r.id, seq: r.seq, speaker: r.speaker, text: r.text, startMs: r.start_ms, status: r.status })),
        evaluation: evaluation ? { id: evaluation.id, outcome: evaluation.outcome, model: evaluation.model, rubricVersion: evaluation.rubric_version, competencies: evaluation.competencies } : null,
        overrides: ((ov.data ?? []) as { id: string; competency: string; level: number; reason: string; created_at: string }[])
          .map((o) => ({ id: o.id, competency: o.competency, level: o.level, reason: o.reason, createdAt: o.created_at })),
        dismissal: dismissal ? { reason: dismissal.reason, createdAt: dismissal.created_at } : null,
        recordingNote: 'The recording stays in the backend\'s storage: reviewers cannot download it here (only the kiosk that made it may write it, and nobody reads it back through the app).',
      };
    },

    async followSession({ sessionId }: { sessionId: string | null }): Promise<RoomTranscriptView | null> {
      if (!db) throw new KioskError('not_configured', 'Sign in to the room view first.');
      if (followed?.sessionId === sessionId) return transcript();
      await stopFollowing();
      if (!sessionId) return null;
      const channel = db.channel(`room-transcript-${sessionId}`)
        .on('postgres_changes', { event: '*', schema: 'public', table: 'transcript_entries', filter: `session_id=eq.${sessionId}` }, (p) => {
          const f = followed;
          const row = p.new as Partial<EntryRow>;
          if (!f || f.channel !== channel || !row.id) return;
          if (mergeRows(f.rows, [row as EntryRow])) pushTranscript();
          f.cursor = newestCursor(f.rows, f.cursor);
          void readSession(f);
        });
      followed = { sessionId, channel, rows: new Map(), cursor: null, confirmed: false, pulls: 0, warmUp: null, readingSession: false };
      onSubscribed('transcript', channel);
      channel.subscribe((status) => {
        // Until the server confirms the (re)subscription again, changes may be missed: the catch-up pull follows it.
        if (status !== 'SUBSCRIBED' && followed?.channel === channel) followed.confirmed = false;
      });
      await pullEntries();
      return transcript();
    },
  };

  return {
    api,
    /** The signed-in tenant user when it is a reviewer (only reviewers may write overrides and dismissals). */
    reviewer(): Remote | null {
      return remote && role === 'reviewer' ? remote : null;
    },
    /** Test hook: the followed transcript and the room, as main holds them. */
    view,
    transcript,
    /** Test hook: the followed transcript's subscription is confirmed by the server and no catch-up read is in
     *  flight, so from here on a row reaches this observer only through the socket. */
    transcriptCaughtUp(): boolean {
      return !!followed && followed.confirmed && followed.pulls === 0;
    },
    async close(): Promise<void> {
      await close();
    },
  };
}

export type RoomFeature = ReturnType<typeof createRoomFeature>;

function roleOf(token: string | null): string | null {
  if (!token) return null;
  try {
    const json = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { app_metadata?: { role?: unknown } };
    // Absent means a kiosk device (public.current_app_role()).
    return typeof json.app_metadata?.role === 'string' ? json.app_metadata.role : 'device';
  } catch {
    return null;
  }
}


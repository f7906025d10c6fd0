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
import { existsSync } from 'node:fs';
import { KioskError, type BackendPullResult, type RoomTranscriptView, type RoomView } from '../../../preload/contract';
import type { PulledCache } from '../evaluation/pulled';
import type { KioskEventEmitter } from '../api/events';
import { memoryCredentialStore } from '../settings/credentials';
import type { SettingsStore } from '../settings/types';
import { PRESENCE_OFFLINE_AFTER_MS } from '../sync/presence';
import { createRemote, type Remote } from '../sync/remote';
import { downloadRecording, pullForReviewer } from '../sync/reviewer-pull';
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
  /** The signed-in reviewer's copy of the company's interviews (emptied when no reviewer of that company is). */
  pulled: PulledCache;
  /** Re-read overlap of the reviewer's pull cursors (default 60 s). */
  pullOverlapMs?: number;
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
  // Sign-ins live in memory only: at start no reviewer is signed in, so nothing pulled by an earlier run stays.
  deps.pulled.forTenantOnly(null);
  /** confirmed: the server said "Subscribed to PostgreSQL" for this channel; pulls: catch-up reads in flight;
   *  warmUp: the session's warm-up flag, null until its row was read (the kiosk syncs it before any entry). */
  let followed: {
    sessionId: string; channel: RealtimeChannel; rows: Map<string, EntryRow>; cursor: string | null; confirmed: boolean; pulls: number;
    warmUp: boolean | null; readingSession: boolean;
  } | null = null;

  /** Bumped whenever the signed-in reviewer changes: a pull or download of an earlier one stores nothing more. */
  let generation = 0;
  let pulling: Promise<BackendPullResult> | null = null;
  const downloads = new Map<string, Promise<void>>();
  const downloadProblems = new Map<string, string>();

  /** Nothing of a company stays readable here once its reviewer is gone (a kiosk is a public room): the cache
   *  keeps the signed-in reviewer's company only, or nothing. */
  function keepPulledOf(tenantId: string | null): void {
    generation++;
    downloads.clear();
    downloadProblems.clear();
    const gone = deps.pulled.forTenantOnly(tenantId);
    if (gone.length) {
      log(`review: removed the interviews pulled for ${gone.length} compan${gone.length === 1 ? 'y' : 'ies'} from this kiosk`);
      deps.events.emit('review', { sessionId: '' });
    }
  }

  function pull(): Promise<BackendPullResult> {
    if (pulling) return pulling;
    const gen = generation;
    const tenantId = remote!.tenantId()!;
    const client = db!;
    // A pull of a reviewer who has since left must store nothing: every page is checked against the generation.
    const cache: PulledCache = { ...deps.pulled, putPage: ((...args: Parameters<PulledCache['putPage']>) => {
      if (gen !== generation) throw new KioskError('conflict', 'The reviewer signed out while the pull ran; nothing more is kept.');
      deps.pulled.putPage(...args);
    }) as PulledCache['putPage'] };
    pulling = (async () => {
      try {
        const { read } = await pullForReviewer(client, cache, tenantId, { overlapMs: deps.pullOverlapMs ?? 60_000 });
        deps.events.emit('review', { sessionId: '' });
        return { read, kept: deps.pulled.count(tenantId) };
      } catch (error) {
        if (error instanceof KioskError) throw error;
        throw new KioskError('backend_unavailable', `The company's interviews could not be pulled from the backend: ${error instanceof Error ? error.message : String(error)}. Those pulled before stay readable.`);
      } finally {
        pulling = null;
      }
    })();
    return pulling;
  }

  /** A pulled interview's recording: the downloaded file, or why there is none yet (a download is started when a
   *  reviewer is signed in; its end is announced with a `review` event for the session). */
  function pulledRecording(sessionId: string): { file: string | null; note: string | null } {
    const row = deps.pulled.session(sessionId);
    if (!row?.recording_path) return { file: null, note: null };
    const file = deps.pulled.recordingFile(row);
    if (existsSync(file)) return { file, note: null };
    if (downloads.has(sessionId)) return { file: null, note: 'The recording is being downloaded from the backend.' };
    const problem = downloadProblems.get(sessionId);
    const r = remote;
    if (!r || role !== 'reviewer' || r.tenantId() !== row.tenant_id) return { file: null, note: 'The recording is on the backend; sign in as a reviewer of the company to play it.' };
    const s = deps.settings.get();
    const gen = generation;
    const path = row.recording_path;
    downloadProblems.delete(sessionId);
    const job = (async () => {
      try {
        const token = await r.ensureToken();
        if (!token.ok) throw new Error(token.error.message);
        const bytes = await downloadRecording({
          url: s.supabaseUrl!, anonKey: s.supabaseAnonKey!, token: r.accessToken()!, objectName: path, file,
          ...(deps.fetch ? { fetch: deps.fetch } : {}),
        });
        if (gen !== generation) deps.pulled.forTenantOnly(remote && role === 'reviewer' ? remote.tenantId() : null);
        else log(`review: downloaded the recording of ${sessionId} (${bytes} bytes)`);
      } catch (error) {
        if (gen === generation) downloadProblems.set(sessionId, error instanceof Error ? error.message : String(error));
        log(`review: recording of ${sessionId} not downloaded: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        if (gen === generation) downloads.delete(sessionId);
        deps.events.emit('review', { sessionId });
      }
    })();
    downloads.set(sessionId, job);
    return { file: null, note: problem ? `The recording could not be downloaded (${problem}); trying again.` : 'The recording is being downloaded from the backend.' };
  }

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
      keepPulledOf(signedRole === 'reviewer' ? r.tenantId() : null);
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
      if (signedRole === 'reviewer') void pull().catch((error: unknown) => log(`review: ${error instanceof Error ? error.message : String(error)}`));
      return view();
    },

    async signOutObserver(): Promise<RoomView> {
      keepPulledOf(null);
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

    /** The signed-in reviewer pulls the company's interviews into this kiosk's review list (./sync/reviewer-pull.ts). */
    async pullBackendInterviews(): Promise<BackendPullResult> {
      if (!db || role !== 'reviewer' || !remote?.tenantId()) throw new KioskError('not_configured', 'Sign in as a reviewer of the company to see its interviews from the backend.');
      return pull();
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
    pulledRecording,
    /** Test hook: the reviewer's pull under way, if any. */
    pulling: () => pulling,
    /** Test hook: the recording downloads under way. */
    downloads: () => [...downloads.values()],
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


// A signed-in reviewer's pull: the company's interviews from the backend (every kiosk's: sessions, transcripts,
// evaluations, overrides, dismissals) into the local cache (../evaluation/pulled.ts), each table incrementally by
// its own (updated_at, key) cursor, as the reviewer (RLS decides what is visible). Read-only towards the backend.
// And the recording of one pulled interview, downloaded as the reviewer, streamed to a file.
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { PulledCache, PulledCursor, PulledRows, PulledSource } from '../evaluation/pulled';

const PAGE = 500;

type Raw = Record<string, unknown>;

interface SourceSpec<S extends PulledSource> {
  table: string;
  key: string;
  columns: string;
  map: (r: Raw, tenantId: string) => PulledRows[S];
}

const iso = (v: unknown): string | null => (typeof v === 'string' && v ? new Date(v).toISOString() : null);
const json = (v: unknown, fallback: unknown) => JSON.stringify(v ?? fallback);

const SOURCES: { [S in PulledSource]: SourceSpec<S> } = {
  sessions: {
    table: 'interview_sessions', key: 'id',
    columns: 'id, tenant_id, candidate_id, position_id, status, recording_consent, start_time, end_time, extra_time, warm_up, recording_path, recording_start_offset_ms, created_at, updated_at',
    // Names are filled in per page (pullSessions); times as ISO (the list sorts and filters them as text with
    // this kiosk's own).
    map: (r, tenantId) => ({
      id: String(r.id), tenant_id: tenantId, candidate_id: String(r.candidate_id), position_id: String(r.position_id),
      candidate_name: '', position_title: '', status: r.status as PulledRows['sessions']['status'], recording_consent: r.recording_consent ? 1 : 0,
      start_time: iso(r.start_time), end_time: iso(r.end_time), extra_time: r.extra_time ? 1 : 0, warm_up: r.warm_up ? 1 : 0,
      recording_path: typeof r.recording_path === 'string' ? r.recording_path : null,
      recording_start_offset_ms: typeof r.recording_start_offset_ms === 'number' ? r.recording_start_offset_ms : null, created_at: iso(r.created_at)!, updated_at: String(r.updated_at),
    }),
  },
  entries: {
    table: 'transcript_entries', key: 'id', columns: 'id, tenant_id, session_id, seq, speaker, text, start_ms, status, typed, updated_at',
    map: (r, tenantId) => ({
      id: String(r.id), tenant_id: tenantId, session_id: String(r.session_id), seq: Number(r.seq), speaker: r.speaker as 'interviewer' | 'candidate',
      text: String(r.text ?? ''), start_ms: typeof r.start_ms === 'number' ? r.start_ms : null, status: r.status as 'in_progress' | 'final' | 'failed', typed: r.typed ? 1 : 0,
    }),
  },
  evaluations: {
    table: 'evaluations', key: 'id', columns: 'id, tenant_id, session_id, rubric_version, rubric, model, outcome, session_reasons, competencies, created_at, updated_at',
    map: (r, tenantId) => ({
      id: String(r.id), tenant_id: tenantId, session_id: String(r.session_id), rubric_version: String(r.rubric_version), rubric: json(r.rubric, {}),
      model: String(r.model), outcome: r.outcome as 'assessed' | 'insufficient_evidence', session_reasons: json(r.session_reasons, []),
      competencies: json(r.competencies, []), created_at: iso(r.created_at)!,
    }),
  },
  overrides: {
    table: 'evaluation_overrides', key: 'id', columns: 'id, tenant_id, session_id, competency, level, reason, created_at, updated_at',
    map: (r, tenantId) => ({
      id: String(r.id), tenant_id: tenantId, session_id: String(r.session_id), competency: String(r.competency), level: Number(r.level),
      reason: String(r.reason), created_at: iso(r.created_at)!,
    }),
  },
  dismissals: {
    table: 'session_dismissals', key: 'session_id', columns: 'session_id, tenant_id, reason, created_at, updated_at',
    map: (r, tenantId) => ({ session_id: String(r.session_id), tenant_id: tenantId, reason: String(r.reason), created_at: iso(r.created_at)! }),
  },
};

/** Order matters only for the names: sessions first, so later sources find them. */
const ORDER: PulledSource[] = ['sessions', 'entries', 'evaluations', 'overrides', 'dismissals'];

export interface ReviewerPullResult {
  /** Rows read per backend table in this pull. */
  read: Record<PulledSource, number>;
}

export class PullError extends Error {}

/**
 * Pulls every table from its cursor (minus `overlapMs`: a long transaction can commit an older updated_at, so the
 * first page re-reads a little; rows are upserts, a re-read changes nothing), page by page by the (updated_at, key)
 * keyset. Rows of another tenant than the reviewer's are never stored (RLS shows none; checked here again).
 */
export async function pullForReviewer(db: SupabaseClient, cache: PulledCache, tenantId: string, options: { overlapMs?: number; page?: number } = {}): Promise<ReviewerPullResult> {
  const overlapMs = options.overlapMs ?? 60_000;
  const page = options.page ?? PAGE;
  const read = { sessions: 0, entries: 0, evaluations: 0, overrides: 0, dismissals: 0 };
  for (const source of ORDER) {
    const spec = SOURCES[source] as SourceSpec<typeof source>;
    const start = cache.cursor(tenantId, source);
    // Without an overlap the first page starts strictly after the cursor, like every later one.
    let after: PulledCursor | null = overlapMs === 0 ? start : null;
    for (;;) {
      let q = db.from(spec.table).select(spec.columns).eq('tenant_id', tenantId)
        .order('updated_at', { ascending: true }).order(spec.key, { ascending: true }).limit(page);
      if (after) q = q.or(`updated_at.gt."${after.updatedAt}",and(updated_at.eq."${after.updatedAt}",${spec.key}.gt.${after.key})`);
      else if (start) q = q.gte('updated_at', new Date(Date.parse(start.updatedAt) - overlapMs).toISOString());
      const { data, error } = await q;
      if (error) throw new PullError(`reading ${spec.table} failed: ${error.message}`);
      const raw = ((data ?? []) as unknown as Raw[]).filter((r) => r.tenant_id === tenantId);
      const rows = raw.map((r) => spec.map(r, tenantId));
      if (source === 'sessions') await name(db, rows as PulledRows['sessions'][]);
      const last = raw.at(-1);
      after = last ? { updatedAt: String(last.updated_at), key: String(last[spec.key]) } : after;
      // The stored cursor never moves back (an overlap page ends at or after it).
      const cursor = after && (!start || after.updatedAt > start.updatedAt || (after.updatedAt === start.updatedAt && after.key > start.key)) ? after : null;
      cache.putPage(tenantId, source, rows as never, cursor);
      read[source] += rows.length;
      if ((data ?? []).length < page) break;
    }
  }
  return { read };
}

/** Candidate names and position titles of a page of sessions (the list searches them), read as the reviewer. */
async function name(db: SupabaseClient, rows: PulledRows['sessions'][]): Promise<void> {
  if (rows.length === 0) return;
  const [c, p] = await Promise.all([
    db.from('candidates').select('id, name').in('id', [...new Set(rows.map((r) => r.candidate_id))]),
    db.from('positions').select('id, title').in('id', [...new Set(rows.map((r) => r.position_id))]),
  ]);
  const failed = c.error ?? p.error;
  if (failed) throw new PullError(`reading candidates and positions failed: ${failed.message}`);
  const names = new Map(((c.data ?? []) as { id: string; name: string }[]).map((x) => [x.id, x.name]));
  const titles = new Map(((p.data ?? []) as { id: string; title: string }[]).map((x) => [x.id, x.title]));
  for (const r of rows) {
    r.candidate_name = names.get(r.candidate_id) ?? '';
    r.position_title = titles.get(r.position_id) ?? '';
  }
}

/**
 * Downloads one recording object as the reviewer into `file`: streamed (never whole in memory) to a temporary
 * file renamed into place only when complete, so a cut download leaves nothing that looks like a recording.
 * Storage's authenticated download route (GET /storage/v1/object/authenticated/<bucket>/<name>) checks the
 * caller's SELECT right on the object row (RLS).
 */
export async function downloadRecording(o: { url: string; anonKey: string; token: string; objectName: string; file: string; fetch?: typeof fetch }): Promise<number> {
  const path = o.objectName.split('/').map(encodeURIComponent).join('/');
  const res = await (o.fetch ?? fetch)(`${o.url.replace(/\/+$/, '')}/storage/v1/object/authenticated/recordings/${path}`, {
    headers: { apikey: o.anonKey, Authorization: `Bearer ${o.token}` },
  });
  if (!res.ok || !res.body) {
    const text = await res.text().catch(() => '');
    throw new PullError(`the recording could not be downloaded (HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''})`);
  }
  const tmp = `${o.file}.part`;
  try {
    const out = createWriteStream(tmp, { mode: 0o600 });
    let bytes = 0;
    const body = Readable.fromWeb(res.body as never);
    body.on('data', (chunk: Buffer) => { bytes += chunk.length; });
    await pipeline(body, out);
    renameSync(tmp, o.file);
    return bytes;
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

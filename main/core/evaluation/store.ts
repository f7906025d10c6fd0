// SQLite for evaluations: the job queue, the evaluations (written once), overrides and dismissals beside them,
// and the review list. Prepared once; every multi-row write is one transaction.
import type {
  CompetencyAssessment, DismissalView, EvaluationJobState, EvaluationJobView, EvaluationView, InsufficientReason,
  InterviewDetail, InterviewListItem, InterviewListQuery, OverrideView, ReviewState, RubricView, SessionView,
} from '../../../preload/contract';
import { KioskError } from '../../../preload/contract';
import type { KioskDatabase } from '../db/database';
import { sessionView, type SessionRow } from '../db/store';
import type { PulledCache, PulledSessionRow } from './pulled';

export interface JobRow {
  id: number;
  session_id: string;
  rubric_version: string;
  state: EvaluationJobState;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
}

/** An evaluation as SQLite stores it (the kiosk's own, and pulled ones with their tenant). */
export interface EvaluationRow {
  id: string;
  session_id: string;
  rubric_version: string;
  rubric: string;
  model: string;
  outcome: 'assessed' | 'insufficient_evidence';
  session_reasons: string;
  competencies: string;
  created_at: string;
}

export interface NewEvaluation {
  id: string;
  sessionId: string;
  rubric: RubricView;
  model: string;
  outcome: 'assessed' | 'insufficient_evidence';
  sessionReasons: InsufficientReason[];
  competencies: CompetencyAssessment[];
}

/** A session's review state, per row by the unique indexes on session_id (no join over every table: counting a
 * long list without a review filter never computes it). */
const REVIEW_STATE_SQL = `CASE WHEN EXISTS (SELECT 1 FROM session_dismissals d WHERE d.session_id = s.id) THEN 'dismissed'
  ELSE coalesce((SELECT outcome FROM evaluations WHERE session_id = s.id ORDER BY created_at DESC LIMIT 1),
    (SELECT state FROM evaluation_jobs WHERE session_id = s.id ORDER BY id DESC LIMIT 1), 'none') END`;

/** The same for an interview pulled from the backend (no job: the kiosk that made it evaluates it). */
const PULLED_REVIEW_STATE_SQL = `CASE WHEN EXISTS (SELECT 1 FROM pulled_dismissals d WHERE d.session_id = s.id) THEN 'dismissed'
  ELSE coalesce((SELECT outcome FROM pulled_evaluations WHERE session_id = s.id ORDER BY created_at DESC LIMIT 1), 'none') END`;

/** The two sources of the list: this kiosk's own interviews and those a reviewer pulled from the backend (one
 * that is both is this kiosk's own, which holds more: its recording, its job). */
const SOURCES = {
  local: {
    review: REVIEW_STATE_SQL, candidate: 'c.name', position: 'p.title', only: null,
    // Every session has its candidate and position (NOT NULL foreign keys), so the joins never drop a row: the
    // count joins them only when a search needs the names.
    from: 'FROM interview_sessions s JOIN candidates c ON c.id = s.candidate_id JOIN positions p ON p.id = s.position_id',
    bare: 'FROM interview_sessions s',
    select: `s.*, c.name AS candidate_name, p.title AS position_title`,
    entries: '(SELECT count(*) FROM transcript_entries t WHERE t.session_id = s.id)',
  },
  backend: {
    review: PULLED_REVIEW_STATE_SQL, candidate: 's.candidate_name', position: 's.position_title',
    only: 'NOT EXISTS (SELECT 1 FROM interview_sessions l WHERE l.id = s.id)',
    from: 'FROM pulled_sessions s', bare: 'FROM pulled_sessions s', select: 's.*',
    entries: '(SELECT count(*) FROM pulled_entries t WHERE t.session_id = s.id)',
  },
} as const;
type ListSource = keyof typeof SOURCES;

/** The list's keyset cursor: the last row's (created_at, id), opaque to the page. Paging by key, not OFFSET, keeps
 * every page as cheap as the first and stable while new interviews arrive at the top. */
export function encodeListCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

export function decodeListCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return { createdAt: v[0], id: v[1] };
  } catch {
    // fall through to the error in words
  }
  throw new KioskError('invalid_request', 'The list position (cursor) is not one this list gave out; open the list again from the start.');
}

/** Escapes LIKE wildcards so a search for "50%" means the text "50%". */
const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function createEvaluationStore(db: KioskDatabase) {
  const q = {
    enqueue: db.prepare(`INSERT INTO evaluation_jobs (session_id, rubric_version, state, created_at, updated_at)
      VALUES (?, ?, 'queued', ?, ?) ON CONFLICT (session_id, rubric_version) DO NOTHING`),
    recoverRunning: db.prepare(`UPDATE evaluation_jobs SET state = 'queued', updated_at = ? WHERE state = 'running'`),
    nextDue: db.prepare(`SELECT * FROM evaluation_jobs WHERE state IN ('queued', 'retrying')
      AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id LIMIT 1`),
    nextWake: db.prepare(`SELECT min(next_attempt_at) AS at FROM evaluation_jobs WHERE state = 'retrying'`),
    job: db.prepare('SELECT * FROM evaluation_jobs WHERE session_id = ? ORDER BY id DESC LIMIT 1'),
    jobFor: db.prepare('SELECT * FROM evaluation_jobs WHERE session_id = ? AND rubric_version = ?'),
    markRunning: db.prepare(`UPDATE evaluation_jobs SET state = 'running', attempts = attempts + 1, updated_at = ? WHERE id = ?`),
    markJob: db.prepare(`UPDATE evaluation_jobs SET state = @state, last_error = @last_error, next_attempt_at = @next_attempt_at,
      updated_at = @now WHERE id = @id`),
    requeue: db.prepare(`UPDATE evaluation_jobs SET state = 'queued', attempts = 0, last_error = NULL, next_attempt_at = NULL,
      updated_at = ? WHERE session_id = ? AND state IN ('failed', 'retrying')`),
    insertEvaluation: db.prepare(`INSERT INTO evaluations (id, session_id, rubric_version, rubric, model, outcome, session_reasons,
      competencies, created_at) VALUES (@id, @session_id, @rubric_version, @rubric, @model, @outcome, @session_reasons,
      @competencies, @now) ON CONFLICT (session_id, rubric_version) DO NOTHING`),
    evaluation: db.prepare('SELECT * FROM evaluations WHERE session_id = ? ORDER BY created_at DESC LIMIT 1'),
    overrides: db.prepare('SELECT id, competency, level, reason, created_at FROM evaluation_overrides WHERE session_id = ? ORDER BY created_at, id'),
    insertOverride: db.prepare(`INSERT INTO evaluation_overrides (id, evaluation_id, session_id, competency, level, reason, created_at)
      VALUES (@id, @evaluation_id, @session_id, @competency, @level, @reason, @now)`),
    dismissal: db.prepare('SELECT reason, created_at FROM session_dismissals WHERE session_id = ?'),
    insertDismissal: db.prepare(`INSERT INTO session_dismissals (session_id, id, reason, created_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (session_id) DO NOTHING`),
  };
  const now = () => new Date().toISOString();

  /** The filters as SQL for one source; `names` when they need the candidate's and position's names (a search). */
  function listSql(query: InterviewListQuery, source: ListSource): { where: string; params: Record<string, unknown>; names: boolean } {
    const src = SOURCES[source];
    const clauses: string[] = src.only ? [src.only] : [];
    const params: Record<string, unknown> = {};
    const names = !!query.search?.trim();
    if (names) {
      clauses.push(`(${src.candidate} LIKE @search ESCAPE '\\' OR ${src.position} LIKE @search ESCAPE '\\')`);
      params.search = likePattern(query.search!.trim());
    }
    if (query.candidateId) (clauses.push('s.candidate_id = @candidate'), (params.candidate = query.candidateId));
    if (query.positionId) (clauses.push('s.position_id = @position'), (params.position = query.positionId));
    if (query.from) (clauses.push('s.created_at >= @from'), (params.from = query.from));
    if (query.to) (clauses.push('s.created_at < @to'), (params.to = nextDay(query.to)));
    if (query.status) (clauses.push('s.status = @status'), (params.status = query.status));
    if (query.review) (clauses.push(`${src.review} = @review`), (params.review = query.review));
    return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params, names };
  }

  type ListRow = SessionRow & PulledSessionRow & { review: ReviewState; entry_count: number };

  /** One source's total and its first `limit + 1` rows after the cursor, newest first. */
  function listOne(query: InterviewListQuery, source: ListSource, limit: number): { total: number; rows: ListRow[] } {
    const src = SOURCES[source];
    const { where, params, names } = listSql(query, source);
    const total = (db.prepare(`SELECT count(*) AS n ${names ? src.from : src.bare} ${where}`).get(params) as { n: number }).n;
    let page = where;
    if (query.cursor) {
      const after = decodeListCursor(query.cursor);
      page = `${where ? `${where} AND` : 'WHERE'} (s.created_at < @cursorAt OR (s.created_at = @cursorAt AND s.id < @cursorId))`;
      Object.assign(params, { cursorAt: after.createdAt, cursorId: after.id });
    }
    const rows = db.prepare(`SELECT ${src.select}, ${src.review} AS review, ${src.entries} AS entry_count
      ${src.from} ${page} ORDER BY s.created_at DESC, s.id DESC LIMIT @limit`).all({ ...params, limit: limit + 1 }) as ListRow[];
    return { total, rows };
  }

  return {
    enqueue(sessionId: string, rubricVersion: string): void {
      const at = now();
      q.enqueue.run(sessionId, rubricVersion, at, at);
    },
    /** After a restart nothing is running: a job left "running" was cut off and runs again. */
    recoverRunning(): number {
      return q.recoverRunning.run(now()).changes;
    },
    nextDue(at: string): JobRow | null {
      return (q.nextDue.get(at) as JobRow | undefined) ?? null;
    },
    nextWake(): string | null {
      return (q.nextWake.get() as { at: string | null }).at;
    },
    markRunning(id: number): void {
      q.markRunning.run(now(), id);
    },
    markJob(id: number, state: EvaluationJobState, lastError: string | null, nextAttemptAt: string | null): void {
      q.markJob.run({ id, state, last_error: lastError, next_attempt_at: nextAttemptAt, now: now() });
    },
    /** The evaluation and its job's end, in one transaction (a second run of the same job adds nothing). */
    finish: db.transaction((jobId: number, e: NewEvaluation, rubricVersion: string) => {
      q.insertEvaluation.run({
        id: e.id, session_id: e.sessionId, rubric_version: rubricVersion, rubric: JSON.stringify(e.rubric), model: e.model,
        outcome: e.outcome, session_reasons: JSON.stringify(e.sessionReasons), competencies: JSON.stringify(e.competencies), now: now(),
      });
      q.markJob.run({ id: jobId, state: 'done', last_error: null, next_attempt_at: null, now: now() });
    }) as (jobId: number, e: NewEvaluation, rubricVersion: string) => void,
    requeue(sessionId: string): number {
      return q.requeue.run(now(), sessionId).changes;
    },
    job(sessionId: string): EvaluationJobView | null {
      const r = q.job.get(sessionId) as JobRow | undefined;
      return r ? jobView(r) : null;
    },
    evaluation(sessionId: string): EvaluationView | null {
      const r = q.evaluation.get(sessionId) as EvaluationRow | undefined;
      return r ? evaluationView(r) : null;
    },
    overrides(sessionId: string): OverrideView[] {
      return (q.overrides.all(sessionId) as { id: string; competency: string; level: number; reason: string; created_at: string }[]).map((r) => ({
        id: r.id, competency: r.competency, level: r.level, reason: r.reason, createdAt: r.created_at,
      }));
    },
    addOverride(o: { id: string; evaluationId: string; sessionId: string; competency: string; level: number; reason: string }): void {
      q.insertOverride.run({ id: o.id, evaluation_id: o.evaluationId, session_id: o.sessionId, competency: o.competency, level: o.level, reason: o.reason, now: now() });
    },
    dismissal(sessionId: string): DismissalView | null {
      const r = q.dismissal.get(sessionId) as { reason: string; created_at: string } | undefined;
      return r ? { reason: r.reason, createdAt: r.created_at } : null;
    },
    /** False when the session was already dismissed (the first reason stands). */
    dismiss(sessionId: string, id: string, reason: string): boolean {
      return q.insertDismissal.run(sessionId, id, reason, now()).changes === 1;
    },
    /** One page, newest first, of this kiosk's interviews and those pulled from the backend, with the same filters:
     *  each source's rows, review state and entry counts in one query, merged by (created_at, id); the totals. */
    list(query: InterviewListQuery): { items: InterviewListItem[]; total: number; nextCursor: string | null } {
      const limit = Math.min(Math.max(query.limit ?? 100, 1), 500);
      const local = listOne(query, 'local', limit);
      const backend = listOne(query, 'backend', limit);
      const merged = [
        ...local.rows.map((r) => ({ r, source: 'local' as const })),
        ...backend.rows.map((r) => ({ r, source: 'backend' as const })),
      ].sort((a, b) => (a.r.created_at === b.r.created_at ? (a.r.id < b.r.id ? 1 : -1) : a.r.created_at < b.r.created_at ? 1 : -1));
      // One row more than the page (from either source) tells whether another page follows.
      const more = merged.length > limit;
      const shown = merged.slice(0, limit);
      const last = shown.at(-1);
      return {
        total: local.total + backend.total,
        items: shown.map(({ r, source }) => ({ source, session: source === 'local' ? sessionView(r) : pulledSessionView(r), review: r.review, entries: r.entry_count })),
        nextCursor: more && last ? encodeListCursor(last.r.created_at, last.r.id) : null,
      };
    },
  };
}

export type EvaluationStore = ReturnType<typeof createEvaluationStore>;

function nextDay(date: string): string {
  const d = new Date(date.length <= 10 ? `${date}T00:00:00.000Z` : date);
  return new Date(d.getTime() + 86_400_000).toISOString().slice(0, 10);
}

function jobView(r: JobRow): EvaluationJobView {
  return { state: r.state, rubricVersion: r.rubric_version, attempts: r.attempts, lastError: r.last_error, nextAttemptAt: r.next_attempt_at, updatedAt: r.updated_at };
}

function evaluationView(r: EvaluationRow): EvaluationView {
  return {
    id: r.id, sessionId: r.session_id, rubric: JSON.parse(r.rubric) as RubricView, model: r.model, createdAt: r.created_at,
    outcome: r.outcome, sessionReasons: JSON.parse(r.session_reasons) as InsufficientReason[],
    competencies: JSON.parse(r.competencies) as CompetencyAssessment[],
  };
}

/** A pulled interview as the review list and page show it (names as pulled with it). */
export function pulledSessionView(r: PulledSessionRow): SessionView {
  return {
    id: r.id, candidateId: r.candidate_id, positionId: r.position_id, candidateName: r.candidate_name || r.candidate_id,
    positionTitle: r.position_title || r.position_id, status: r.status, recordingConsent: r.recording_consent === 1,
    startedAt: r.start_time, endedAt: r.end_time, extraTime: r.extra_time === 1, warmUp: r.warm_up === 1,
    // Who chose the extra time is not pulled (the review shows whether there was extra time, not who chose it).
    extraTimeBy: null,
    // The interviewer's persona stays with the kiosk that ran the interview.
    interviewerName: null,
  };
}

/** A pulled interview's page (without its recording, which the caller adds): what the backend holds, read-only. */
export function pulledDetail(cache: PulledCache, r: PulledSessionRow): Omit<InterviewDetail, 'recordingUrl' | 'recordingNote'> {
  const ev = cache.evaluation(r.id);
  const dismissal = cache.dismissal(r.id);
  const evaluation: EvaluationView | null = ev ? evaluationView(ev) : null;
  const started = r.start_time ? Date.parse(r.start_time) : NaN;
  const ended = r.end_time ? Date.parse(r.end_time) : NaN;
  return {
    source: 'backend',
    summary: {
      session: pulledSessionView(r),
      entries: cache.entries(r.id).map((e) => ({
        id: e.id, itemId: e.id, seq: e.seq, speaker: e.speaker, text: e.text, startMs: e.start_ms, status: e.status, saved: true, synced: true,
        ...(e.typed ? { typed: true } : {}),
      })),
      durationMs: Number.isFinite(started) && Number.isFinite(ended) ? ended - started : null,
      recording: r.recording_path ? { bytes: 0, finalized: true, startOffsetMs: r.recording_start_offset_ms } : null,
    },
    evaluation,
    job: null,
    overrides: cache.overrides(r.id).map((o) => ({ id: o.id, competency: o.competency, level: o.level, reason: o.reason, createdAt: o.created_at })),
    dismissal: dismissal ? { reason: dismissal.reason, createdAt: dismissal.created_at } : null,
    competencies: evaluation?.competencies.map((c) => c.competency) ?? [],
  };
}

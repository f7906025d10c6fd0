// The evaluation and review feature as the service sees it: the job runner, the review KioskApi methods and the
// recording's capability URLs. The service queues a job when an interview ends (enqueue, inside its transaction).
import { randomUUID } from 'node:crypto';
import {
  KioskError, type DismissalView, type InterviewDetail, type InterviewList, type InterviewListQuery, type OverrideRequest, type OverrideView, type SessionSummary,
} from '../../../preload/contract';
import type { KioskEventEmitter } from '../api/events';
import type { KioskDatabase } from '../db/database';
import type { KioskStore } from '../db/store';
import { createMediaTokens } from '../recording/media';
import type { BackoffPolicy } from '../../../preload/backoff';
import { createJobRunner } from './jobs';
import type { ModelTarget } from './model';
import { CURRENT_RUBRIC } from './rubric';
import type { PulledCache } from './pulled';
import { createEvaluationStore, pulledDetail } from './store';

export interface EvaluationOptions {
  backoff?: BackoffPolicy;
  /** Do not start the runner with the service (tests that drive it by hand). */
  manual?: boolean;
}

export interface EvaluationFeatureDeps {
  db: KioskDatabase;
  store: KioskStore;
  events: KioskEventEmitter;
  summary: (sessionId: string) => SessionSummary;
  recordingFile: (sessionId: string) => string;
  /** Interviews a signed-in reviewer pulled from the backend (read-only here). */
  pulled: PulledCache;
  /** A pulled interview's downloaded recording, or why there is none yet. */
  pulledRecording: (sessionId: string) => { file: string | null; note: string | null };
  target: () => Promise<ModelTarget | { unavailable: string }>;
  /** Electron: the focused window's page as PDF; absent elsewhere. */
  printToPdf?: () => Promise<Uint8Array>;
  options?: EvaluationOptions;
  now?: () => number;
  log?: (line: string) => void;
}

export const MAX_REASON_CHARS = 2000;

export function createEvaluationFeature(deps: EvaluationFeatureDeps) {
  const evaluations = createEvaluationStore(deps.db);
  const rubric = CURRENT_RUBRIC;
  const media = createMediaTokens();
  const changed = (sessionId: string) => deps.events.emit('review', { sessionId });
  const runner = createJobRunner({
    store: deps.store, evaluations, rubric, target: deps.target, onChange: changed,
    ...(deps.options?.backoff ? { backoff: deps.options.backoff } : {}),
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.log ? { log: deps.log } : {}),
  });

  function requireSession(sessionId: string) {
    const row = deps.store.session(sessionId);
    if (!row) throw new KioskError('not_found', `There is no interview session ${sessionId} on this kiosk.`);
    return row;
  }

  const api = {
    async listInterviews(query: InterviewListQuery): Promise<InterviewList> {
      return evaluations.list(query);
    },

    async getInterview({ sessionId }: { sessionId: string }): Promise<InterviewDetail> {
      if (!deps.store.session(sessionId)) {
        const pulled = deps.pulled.session(sessionId);
        if (pulled) {
          const recording = deps.pulledRecording(sessionId);
          return { ...pulledDetail(deps.pulled, pulled), recordingUrl: recording.file ? media.url(sessionId) : null, recordingNote: recording.note };
        }
      }
      const row = requireSession(sessionId);
      const summary = deps.summary(sessionId);
      const position = deps.store.position(row.position_id);
      return {
        source: 'local',
        summary,
        evaluation: evaluations.evaluation(sessionId),
        job: evaluations.job(sessionId),
        overrides: evaluations.overrides(sessionId),
        dismissal: evaluations.dismissal(sessionId),
        recordingUrl: summary.recording && summary.recording.bytes > 0 ? media.url(sessionId) : null,
        competencies: position?.competencies ?? [],
      };
    },

    async overrideCompetency(request: OverrideRequest): Promise<OverrideView[]> {
      requireSession(request.sessionId);
      const evaluation = evaluations.evaluation(request.sessionId);
      if (!evaluation) throw new KioskError('conflict', 'This interview has no evaluation yet; an override stands beside one.');
      if (!evaluation.competencies.some((c) => c.competency === request.competency)) {
        throw new KioskError('invalid_request', `"${request.competency}" is not a competency of this evaluation.`);
      }
      if (!evaluation.rubric.levels.some((l) => l.level === request.level)) {
        throw new KioskError('invalid_request', `Level ${request.level} is not on rubric ${evaluation.rubric.version}.`);
      }
      evaluations.addOverride({ id: randomUUID(), evaluationId: evaluation.id, ...request, reason: request.reason.trim() });
      changed(request.sessionId);
      return evaluations.overrides(request.sessionId);
    },

    async dismissSession({ sessionId, reason }: { sessionId: string; reason: string }): Promise<DismissalView> {
      const row = requireSession(sessionId);
      if (row.status === 'scheduled' || row.status === 'in_progress') {
        throw new KioskError('conflict', 'An interview still under way cannot be dismissed; end it first.');
      }
      if (!evaluations.dismiss(sessionId, randomUUID(), reason.trim())) {
        throw new KioskError('conflict', 'This interview was already dismissed.');
      }
      changed(sessionId);
      return evaluations.dismissal(sessionId)!;
    },

    async retryEvaluation({ sessionId }: { sessionId: string }): Promise<InterviewDetail> {
      const row = requireSession(sessionId);
      if (row.status !== 'completed' && row.status !== 'failed') throw new KioskError('conflict', 'Only an ended interview can be evaluated.');
      if (!evaluations.job(sessionId)) evaluations.enqueue(sessionId, rubric.version);
      else evaluations.requeue(sessionId);
      changed(sessionId);
      runner.wake();
      return api.getInterview({ sessionId });
    },

    async exportReportPdf(): Promise<{ pdf: Uint8Array }> {
      if (!deps.printToPdf) throw new KioskError('not_configured', 'PDF export needs the desktop app; use the browser\'s print to PDF here.');
      return { pdf: await deps.printToPdf() };
    },
  };

  return {
    api,
    rubric,
    store: evaluations,
    /** Call inside the transaction that ends the interview. */
    enqueue(sessionId: string): void {
      evaluations.enqueue(sessionId, rubric.version);
    },
    /** After that transaction committed. */
    wake: () => runner.wake(),
    /** The file of a valid media path + token, else null (the hosts answer 404). */
    mediaFile(pathname: string, token: string | null): string | null {
      const sessionId = media.check(pathname, token);
      if (!sessionId) return null;
      if (deps.store.session(sessionId) || !deps.pulled.session(sessionId)) return deps.recordingFile(sessionId);
      return deps.pulledRecording(sessionId).file;
    },
    start(): void {
      if (!deps.options?.manual) runner.start();
    },
    runner,
    close: () => runner.close(),
  };
}

export type EvaluationFeature = ReturnType<typeof createEvaluationFeature>;

// One evaluation, from a session's stored facts to the record that is stored: gate first (no model for a broken
// interview), then the model, then quote verification. Pure apart from the injected model call.
import { warmUpEntryCount, type InsufficientReason } from '../../../preload/contract';
import { qualityGate, type GateEntry, type GateSession } from './gate';
import type { ModelOutcome, ModelRequest } from './model';
import { evaluationInput, evaluationInstructions } from './prompt';
import type { Rubric } from './rubric';
import type { NewEvaluation } from './store';
import { transcriptLines, verifyAnswer } from './verify';

export interface EvaluationInputs {
  sessionId: string;
  session: GateSession;
  position: { title: string; description: string; competencies: readonly string[] };
  /** In seq order. */
  entries: readonly GateEntry[];
  /** The interview opened with an unscored warm-up question: its entries are left out of the gate and the prompt. */
  warmUp?: boolean;
  rubric: Rubric;
}

/** The entries that are assessed: all of them, or those after the warm-up (kept in the record, never scored). */
export function scoredEntries(entries: readonly GateEntry[], warmUp: boolean): readonly GateEntry[] {
  return warmUp ? entries.slice(warmUpEntryCount(entries)) : entries;
}

/** Marks evaluations the gate stopped before any model was asked. */
export const GATE_MODEL = 'none (quality gate)';

export type EvaluationStep =
  | { kind: 'stored'; evaluation: Omit<NewEvaluation, 'id'> }
  | { kind: 'retry'; message: string }
  | { kind: 'failed'; message: string };

const rubricView = (r: Rubric) => ({ version: r.version, levels: r.levels.map((l) => ({ ...l })) });

function insufficientAll(inputs: EvaluationInputs, reasons: InsufficientReason[]): Omit<NewEvaluation, 'id'> {
  return {
    sessionId: inputs.sessionId, rubric: rubricView(inputs.rubric), model: GATE_MODEL, outcome: 'insufficient_evidence', sessionReasons: reasons,
    competencies: inputs.position.competencies.map((competency) => ({
      competency, level: null, insufficient: reasons[0]!, rationale: 'Not assessed: the interview did not pass the quality check (see the reasons).', evidence: [], droppedQuotes: 0,
    })),
  };
}

export async function evaluateSession(inputs: EvaluationInputs, ask: (request: ModelRequest) => Promise<ModelOutcome>): Promise<EvaluationStep> {
  const entries = scoredEntries(inputs.entries, inputs.warmUp ?? false);
  const reasons = qualityGate(entries, inputs.session);
  if (inputs.position.competencies.length === 0) {
    reasons.push({ code: 'model_found_none', message: 'The position lists no competencies, so there is nothing to assess.' });
  }
  if (reasons.length > 0) return { kind: 'stored', evaluation: insufficientAll(inputs, reasons) };

  const lines = transcriptLines(entries);
  const outcome = await ask({
    instructions: evaluationInstructions(inputs.rubric),
    input: evaluationInput(inputs.position, inputs.position.competencies, lines),
    competencies: inputs.position.competencies,
    rubric: inputs.rubric,
  });
  if (outcome.kind === 'unavailable') return { kind: 'retry', message: outcome.message };
  if (outcome.kind !== 'answer') return { kind: 'failed', message: outcome.message };
  return {
    kind: 'stored',
    evaluation: {
      sessionId: inputs.sessionId, rubric: rubricView(inputs.rubric), model: outcome.model, outcome: 'assessed', sessionReasons: [],
      competencies: verifyAnswer(outcome.answer, inputs.position.competencies, lines),
    },
  };
}

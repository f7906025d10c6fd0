// Evidence verification: every quote must be an exact substring of one of the candidate's own transcript lines.
// A quote that is not found verbatim (paraphrased, invented, or from the interviewer) is dropped and the rationale
// says so; a competency left without any verified quote gets no level. Pure.
import type { CompetencyAssessment, EvidenceQuote } from '../../../preload/contract';
import type { ModelAnswer } from './schema';

export interface TranscriptLine {
  /** The label the model sees and cites: C1, C2, … for the candidate, I1, I2, … for the interviewer. */
  ref: string;
  entryId: string;
  startMs: number | null;
  speaker: 'interviewer' | 'candidate';
  text: string;
}

/** Shorter quotes than this prove nothing ("yes", "I think"). */
export const MIN_QUOTE_CHARS = 12;

/** Numbers the final, non-empty entries in order; failed or empty turns are not shown to the model. */
export function transcriptLines(entries: readonly { id: string; speaker: 'interviewer' | 'candidate'; text: string; startMs: number | null; status: string }[]): TranscriptLine[] {
  let c = 0;
  let i = 0;
  return entries
    .filter((e) => e.status === 'final' && e.text.trim() !== '')
    .map((e) => ({
      ref: e.speaker === 'candidate' ? `C${++c}` : `I${++i}`,
      entryId: e.id,
      startMs: e.startMs,
      speaker: e.speaker,
      text: e.text,
    }));
}

/** The cited line first, then any other candidate line: a right quote with a wrong label is still verbatim. */
export function locateQuote(quote: string, ref: string, lines: readonly TranscriptLine[]): EvidenceQuote | null {
  if (quote.length < MIN_QUOTE_CHARS) return null;
  const candidateLines = lines.filter((l) => l.speaker === 'candidate');
  const cited = candidateLines.find((l) => l.ref === ref);
  const hit = (cited && cited.text.includes(quote) ? cited : undefined) ?? candidateLines.find((l) => l.text.includes(quote));
  return hit ? { quote, entryId: hit.entryId, startMs: hit.startMs } : null;
}

export function verifyAnswer(answer: ModelAnswer, competencies: readonly string[], lines: readonly TranscriptLine[]): CompetencyAssessment[] {
  return competencies.map((name) => {
    const c = answer.competencies.find((x) => x.competency === name)!;
    const evidence: EvidenceQuote[] = [];
    let dropped = 0;
    for (const q of c.evidence) {
      const quote = q.quote.trim();
      const found = locateQuote(quote, q.line.trim(), lines);
      if (!found) dropped++;
      else if (!evidence.some((e) => e.entryId === found.entryId && e.quote === found.quote)) evidence.push(found);
    }
    let rationale = c.rationale.trim();
    if (dropped > 0) {
      rationale += ` (${dropped} quote${dropped === 1 ? '' : 's'} the model gave could not be found verbatim in the candidate's answers and ${dropped === 1 ? 'was' : 'were'} dropped.)`;
    }
    if (!c.evidence_sufficient || c.level === null) {
      return {
        competency: name, level: null, rationale, evidence, droppedQuotes: dropped,
        insufficient: { code: 'model_found_none', message: 'The answers hold too little about this competency to judge it.' },
      };
    }
    if (evidence.length === 0) {
      return {
        competency: name, level: null, rationale, evidence, droppedQuotes: dropped,
        insufficient: { code: 'no_verified_evidence', message: 'No quote supporting a level could be verified in the candidate\'s answers, so no level is given.' },
      };
    }
    return { competency: name, level: c.level, insufficient: null, rationale, evidence, droppedQuotes: dropped };
  });
}

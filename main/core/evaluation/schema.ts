// The model's answer format: a strict JSON schema for Structured Outputs (every property required, no extra
// properties, as strict mode demands), and the parser that checks an answer against it and against the
// interview (one result per competency, each named once, levels on the rubric, line refs that exist).
// Pure. A parse failure is a message in words; the caller retries and finally reports it.
import { z } from 'zod';
import type { Rubric } from './rubric';

export interface ModelQuote {
  line: string;
  quote: string;
}

export interface ModelCompetency {
  competency: string;
  evidence_sufficient: boolean;
  level: number | null;
  rationale: string;
  evidence: ModelQuote[];
}

export interface ModelAnswer {
  competencies: ModelCompetency[];
}

export const SCHEMA_NAME = 'competency_evaluation';

/** The json_schema for `text.format`; competency names and levels are enumerated so the model cannot invent any. */
export function evaluationJsonSchema(competencies: readonly string[], rubric: Rubric): Record<string, unknown> {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['competencies'],
    properties: {
      competencies: {
        type: 'array',
        description: 'One result per competency, in the order given.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['competency', 'evidence_sufficient', 'level', 'rationale', 'evidence'],
          properties: {
            competency: { type: 'string', enum: [...competencies] },
            evidence_sufficient: { type: 'boolean', description: 'False when the answers hold too little to judge this competency.' },
            level: {
              type: ['integer', 'null'],
              enum: [...rubric.levels.map((l) => l.level), null],
              description: 'Rubric level; null when evidence_sufficient is false.',
            },
            rationale: { type: 'string', description: 'Two or three sentences on what the answers show, citing content only.' },
            evidence: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['line', 'quote'],
                properties: {
                  line: { type: 'string', description: 'The label of the candidate line quoted, e.g. C3.' },
                  quote: { type: 'string', description: 'Words copied exactly from that line.' },
                },
              },
            },
          },
        },
      },
    },
  };
}

const answerShape = z.strictObject({
  competencies: z.array(
    z.strictObject({
      competency: z.string(),
      evidence_sufficient: z.boolean(),
      level: z.number().int().nullable(),
      rationale: z.string(),
      evidence: z.array(z.strictObject({ line: z.string(), quote: z.string() })),
    }),
  ),
});

export type ParseResult = { ok: true; answer: ModelAnswer } | { ok: false; message: string };

const MAX_RATIONALE_CHARS = 1500;

export function parseModelAnswer(text: string, competencies: readonly string[], rubric: Rubric): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `the answer is not JSON (${(error as Error).message})` };
  }
  const parsed = answerShape.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, message: `the answer does not match the schema at ${issue.path.join('.') || 'the top'}: ${issue.message}` };
  }
  const answer = parsed.data;
  const levels = new Set(rubric.levels.map((l) => l.level));
  const seen = new Set<string>();
  for (const c of answer.competencies) {
    if (!competencies.includes(c.competency)) return { ok: false, message: `the answer assesses an unknown competency "${c.competency}"` };
    if (seen.has(c.competency)) return { ok: false, message: `the answer assesses "${c.competency}" twice` };
    seen.add(c.competency);
    if (c.evidence_sufficient && (c.level === null || !levels.has(c.level))) {
      return { ok: false, message: `"${c.competency}" has no valid rubric level although evidence is marked sufficient` };
    }
    if (!c.rationale.trim()) return { ok: false, message: `"${c.competency}" has an empty rationale` };
    if (c.rationale.length > MAX_RATIONALE_CHARS) return { ok: false, message: `"${c.competency}" has a rationale over ${MAX_RATIONALE_CHARS} characters` };
  }
  const missing = competencies.filter((c) => !seen.has(c));
  if (missing.length) return { ok: false, message: `the answer leaves out ${missing.map((m) => `"${m}"`).join(', ')}` };
  return { ok: true, answer };
}

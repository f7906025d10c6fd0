// The fixed, versioned rubric every competency is assessed on. A new wording is a new version: an evaluation
// stores the rubric it was made with (version and levels), so a stored level always means what it meant then.

export interface RubricLevel {
  level: number;
  label: string;
  /** What an answer at this level shows, in observable terms (content of the answers only). */
  anchor: string;
}

export interface Rubric {
  version: string;
  levels: readonly RubricLevel[];
}

export const RUBRIC_V1: Rubric = {
  version: 'competency-4.v1',
  levels: [
    {
      level: 1,
      label: 'Limited',
      anchor: 'Answers touch the competency only in general terms: no concrete example of the candidate\'s own work, or an example that does not show the competency.',
    },
    {
      level: 2,
      label: 'Developing',
      anchor: 'At least one concrete example, but the candidate\'s own actions, reasoning or results stay unclear or partial.',
    },
    {
      level: 3,
      label: 'Proficient',
      anchor: 'Specific examples that show what the candidate did, why, and what came of it; the reasoning holds up.',
    },
    {
      level: 4,
      label: 'Strong',
      anchor: 'Several specific examples with results, plus reflection on trade-offs or what they would do differently, applied beyond a single situation.',
    },
  ],
};

export const CURRENT_RUBRIC = RUBRIC_V1;

export function levelLabel(rubric: Rubric, level: number): string {
  return rubric.levels.find((l) => l.level === level)?.label ?? `Level ${level}`;
}

// The shape of one benchmark figure. `baseline` is the same kind of work done the simplest possible way in the
// same run (raw better-sqlite3, direct SQL, …); `ratio` = value / baseline (null when there is no baseline).
export interface Metric {
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
  /** Short human note printed in the table (goal, sample size). Not written to results.json. */
  note?: string;
}

export type BenchResults = Record<string, Metric>;

export function metric(value: number, unit: string, baseline: number | null = null, note?: string): Metric {
  const ratio = baseline === null || baseline === 0 ? null : value / baseline;
  return { value, unit, baseline, ratio, ...(note ? { note } : {}) };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const median = (values: number[]) => percentile(values, 50);

/**
 * Thrown by a bench module whose run measured its figures but found problems (a lost entry, a repeated question):
 * the runner still records `results`, lists the problems and exits non-zero.
 */
export class BenchProblems extends Error {
  constructor(
    readonly results: BenchResults,
    readonly problems: string[],
  ) {
    super(`${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.join('\n')}`);
    this.name = 'BenchProblems';
  }
}

/** By shape, not `instanceof`: a module may reach this file under another specifier (./metric vs ./metric.ts). */
export function isBenchProblems(error: unknown): error is BenchProblems {
  const e = error as Partial<BenchProblems> | null;
  return !!e && e.name === 'BenchProblems' && typeof e.results === 'object' && Array.isArray(e.problems);
}

// `npm run bench`: runs every tests/bench/*.bench.ts (or the ones named on the command line), prints a table
// and writes tests/bench/results.json. Each bench module exports `run(): Promise<BenchResults>`.
// Absolute times on shared machines are noisy, so every figure is measured beside a baseline in the same run
// and reported with the ratio. A module that fails does not cost the others their figures: every module runs,
// results.json holds whatever was measured (a module that found problems still hands over its figures, see
// BenchProblems), the problems are listed at the end, and the run exits non-zero.
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isBenchProblems, type BenchResults } from './metric';

// BENCH_DIR: another folder of bench modules (the runner's own tests); results.json is written there.
const here = process.env.BENCH_DIR ?? dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();

const results: BenchResults = {};
const failures: string[] = [];
for (const file of files) {
  console.log(`\n--- ${file}`);
  try {
    const mod = (await import(pathToFileURL(join(here, file)).href)) as { run: () => Promise<BenchResults> };
    Object.assign(results, await mod.run());
  } catch (error) {
    if (isBenchProblems(error)) {
      Object.assign(results, error.results);
      failures.push(...error.problems.map((p) => `${file}: ${p}`));
    } else {
      failures.push(`${file} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    console.error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const fmt = (n: number | null) => (n === null ? '—' : Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 3 : 1));
const rows = Object.entries(results).map(([name, m]) => [name, fmt(m.value), m.unit, fmt(m.baseline), fmt(m.ratio), m.note ?? '']);
const header = ['metric', 'value', 'unit', 'baseline', 'ratio', 'note'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log('\n' + line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));

const json = Object.fromEntries(
  Object.entries(results).map(([k, m]) => [k, { value: m.value, unit: m.unit, baseline: m.baseline, ratio: m.ratio }]),
);
writeFileSync(join(here, 'results.json'), JSON.stringify(json, null, 2) + '\n');
console.log(`\nwrote ${join(here, 'results.json')} (${rows.length} metrics)`);
if (failures.length > 0) {
  console.error(`\n${failures.length} problem${failures.length === 1 ? '' : 's'}:\n${failures.map((f) => `- ${f}`).join('\n')}`);
}
process.exit(failures.length > 0 ? 1 : 0);

/**
 * Benchmark, not a test: CPU time per value for the profilers' feeding paths.
 * Run: node scripts/run-ts.mjs tests/data/profile/measure-throughput.ts [values per column, default 2,000,000]
 */
import { ColumnProfiler } from "../../../packages/data/src/profile/index.js";
import { Random } from "@ctrain/stats";

const count = Number(process.argv[2] ?? 2_000_000);
const random = Random.seeded(1);
const doubles = Array.from({ length: count }, () => random.nextDouble() * 1000 - 500);
const integers = Array.from({ length: count }, () => random.nextIndex(100));
const categories = Array.from({ length: count }, () => `category-${random.nextIndex(50)}`);
const identifiers = Array.from({ length: count }, (_, i) => `user-${i}`);

/** CPU milliseconds (user + system) spent in `work`, best of three runs. */
function cpuMilliseconds(work: () => void): number {
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const start = process.cpuUsage();
    work();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

function report(name: string, values: number, work: () => void): void {
  const ms = cpuMilliseconds(work);
  console.log(
    `${name.padEnd(44)} ${((ms * 1e6) / values).toFixed(1).padStart(7)} ns/value  ${(values / ms / 1000).toFixed(1)} M values/s`,
  );
}

report("numbers, continuous (addNumber)", count, () => {
  const profiler = new ColumnProfiler("x");
  for (const x of doubles) profiler.addNumber(x);
  profiler.toProfile();
});
report("numbers, 100 distinct integers (addNumber)", count, () => {
  const profiler = new ColumnProfiler("x");
  for (const x of integers) profiler.addNumber(x);
  profiler.toProfile();
});
report("strings, 50 categories (addString)", count, () => {
  const profiler = new ColumnProfiler("x");
  for (const s of categories) profiler.addString(s);
  profiler.toProfile();
});
report("strings, all distinct (addString)", count, () => {
  const profiler = new ColumnProfiler("x");
  for (const s of identifiers) profiler.addString(s);
  profiler.toProfile();
});

/**
 * Measurement, not a test: how the KLL sketch's rank error compares with the bound it states.
 * For each stream length, many sketches (own seeds) of uniform random streams; reports the 99th percentile
 * of the error of one query (the median) and of the largest error over 99 ranks.
 * Run: node scripts/run-ts.mjs tests/data/profile/measure-kll-error.ts [k, default 200] [trials, default 100]
 */
import { KllSketch, kllRankError } from "../../../packages/data/src/profile/kll.js";
import { Random } from "@ctrain/stats";

const k = Number(process.argv[2] ?? 200);
const trials = Number(process.argv[3] ?? 100);
const data = Random.seeded(7);

const percentile = (values: number[], p: number): number =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))]!;

console.log(`k = ${k}: stated bound ${(kllRankError(k) * 100).toFixed(2)}% (one query, 99% confidence)`);
for (const length of [10_000, 100_000, 1_000_000]) {
  const single: number[] = [];
  const worst: number[] = [];
  for (let trial = 0; trial < trials; trial++) {
    const sketch = new KllSketch(k, Random.seeded(1000 + trial));
    const values = new Float64Array(length);
    for (let i = 0; i < length; i++) {
      values[i] = data.nextDouble();
      sketch.add(values[i]!);
    }
    values.sort();
    const view = sketch.sortedView();
    let largest = 0;
    for (let percent = 1; percent < 100; percent++) {
      const index = Math.floor((percent / 100) * length);
      // Distinct values: the true share at or below values[index] is (index + 1) / length.
      const error = Math.abs(view.shareAtMost(values[index]!) - (index + 1) / length);
      if (percent === 50) single.push(error);
      largest = Math.max(largest, error);
    }
    worst.push(largest);
  }
  console.log(
    `n = ${length}: one query p99 ${(percentile(single, 0.99) * 100).toFixed(2)}%, ` +
      `worst of 99 ranks p99 ${(percentile(worst, 0.99) * 100).toFixed(2)}%, max ${(Math.max(...worst) * 100).toFixed(2)}%`,
  );
}

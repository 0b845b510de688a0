import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { ColumnProfiler, DEFAULT_KLL_K } from "../../../packages/data/src/profile/index.js";
import { close, ReferenceBatch } from "../drift/python-reference.js";
import { rankDistance } from "./ranks.js";

const numpy = new ReferenceBatch("profile_numpy.py");
beforeAll(() => numpy.run());

interface NumpySummary {
  mean: number;
  variance: number;
  min: number;
  max: number;
  quantiles: number[];
  equal_width: number[];
  deciles: number[];
}

const finite = fc.oneof(
  fc.integer({ min: -20, max: 20 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.double({ min: -1, max: 1, noNaN: true }),
);

describe("a numeric column profile matches numpy", () => {
  // Fewer values than k: the quantile sketch is still exact, so quantiles and histograms must match exactly.
  const exactSamples = fc.sample(
    fc.oneof(
      fc.array(finite, { minLength: 1, maxLength: DEFAULT_KLL_K - 1 }),
      fc.array(finite, { minLength: 1, maxLength: DEFAULT_KLL_K - 1, size: "max" }),
    ),
    { numRuns: 200, seed: 31 },
  );
  const exact = numpy.add<NumpySummary>(exactSamples.map((values) => ({ values })));

  it("moments, exact quantiles (numpy's inverted_cdf) and both histograms while the sketch is exact", () => {
    exactSamples.forEach((values, i) => {
      const profiler = new ColumnProfiler("x");
      for (const value of values) profiler.add(value);
      const numeric = profiler.toProfile().numeric!;
      const want = exact()[i]!;
      const label = JSON.stringify(values);
      expect(numeric.count, label).toBe(values.length);
      expect([numeric.min, numeric.max], label).toEqual([want.min, want.max]);
      const scale = Math.sqrt(want.variance + want.mean ** 2);
      expect(close(numeric.mean!, want.mean, 1e-12, 1e-12 * scale), label).toBe(true);
      expect(close(numeric.variance!, want.variance, 1e-9, 1e-12 * scale ** 2), label).toBe(true);
      expect(numeric.rankError, label).toBe(0);
      expect(
        numeric.quantiles.map((q) => q.value),
        label,
      ).toEqual(want.quantiles);
      expect(
        numeric.histograms.equalWidth.map((bucket) => bucket.count),
        label,
      ).toEqual(want.equal_width);
      expect(
        numeric.histograms.quantiles.map((bucket) => bucket.count),
        label,
      ).toEqual(want.deciles);
    });
  });

  const largeSamples = fc.sample(fc.array(finite, { minLength: 2000, maxLength: 20_000 }), { numRuns: 10, seed: 32 });
  const large = numpy.add<NumpySummary>(largeSamples.map((values) => ({ values })));

  it("moments exactly and quantiles within the stated rank error once the sketch compacts", () => {
    largeSamples.forEach((values, i) => {
      const profiler = new ColumnProfiler("x");
      for (const value of values) profiler.add(value);
      const numeric = profiler.toProfile().numeric!;
      const want = large()[i]!;
      const scale = Math.sqrt(want.variance + want.mean ** 2);
      expect([numeric.min, numeric.max]).toEqual([want.min, want.max]);
      expect(close(numeric.mean!, want.mean, 1e-9, 1e-12 * scale)).toBe(true);
      expect(close(numeric.variance!, want.variance, 1e-9, 1e-12 * scale ** 2)).toBe(true);
      expect(numeric.rankError).toBeGreaterThan(0);
      const sorted = Float64Array.from(values).sort();
      for (const { rank, value } of numeric.quantiles) {
        expect(rankDistance(sorted, value, rank), `rank ${rank} of ${values.length} values`).toBeLessThanOrEqual(
          numeric.rankError,
        );
      }
      const histogramTotal = numeric.histograms.equalWidth.reduce((sum, bucket) => sum + bucket.count, 0);
      expect(histogramTotal).toBe(values.length);
    });
  });
});

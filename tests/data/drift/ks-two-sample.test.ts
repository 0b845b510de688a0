import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { kolmogorovSurvival, ksTwoSample } from "@ctrain/stats";
import { Random } from "@ctrain/stats";
import { close, ReferenceBatch } from "./python-reference.js";

const scipy = new ReferenceBatch("drift_scipy.py");
beforeAll(() => scipy.run());

/** A sample drawn from a seeded generator: normal-ish values, shifted and scaled, optionally rounded to make ties. */
const drawnSample = (size: number, seed: number, shift: number, scale: number, step: number): number[] => {
  const random = Random.seeded(seed);
  return Array.from({ length: size }, () => {
    const value = shift + scale * (random.nextDouble() + random.nextDouble() + random.nextDouble() - 1.5);
    return step > 0 ? Math.round(value / step) * step : value;
  });
};

const sampleSpec = (maxSize: number) =>
  fc.record({
    size: fc.integer({ min: 1, max: maxSize }),
    seed: fc.integer({ min: 0, max: 2 ** 31 }),
    shift: fc.constantFrom(0, 0.02, 0.1, 0.5),
    scale: fc.constantFrom(1, 1.3),
    step: fc.constantFrom(0, 0, 0.1, 1),
  });

const pair = (maxSize: number) =>
  fc.tuple(sampleSpec(maxSize), sampleSpec(maxSize)).map(([a, b]) => ({
    x: drawnSample(a.size, a.seed, 0, 1, a.step),
    y: drawnSample(b.size, b.seed, b.shift, b.scale, a.step),
  }));

interface KsReference {
  statistic: number;
  pValue: number;
}

/** Queues the cases now; the returned check compares ctrain with scipy once the batch has run. */
function comparedWithScipy(cases: { x: number[]; y: number[] }[]): () => void {
  const expected = scipy.add<KsReference>(cases.map((c) => ({ kind: "ks", ...c })));
  return () =>
    cases.forEach((c, i) => {
      const actual = ksTwoSample(c.x, c.y);
      const want = expected()[i]!;
      const label = `case ${i}: n1=${c.x.length} n2=${c.y.length} D=${want.statistic} p=${want.pValue}`;
      expect(actual.statistic, label).toBe(want.statistic);
      // Relative 1e-9 where p is not tiny; below 1e-290 both are at the end of double range.
      expect(close(actual.pValue, want.pValue, 1e-9, 1e-290), `${label}, got p=${actual.pValue}`).toBe(true);
    });
}

const tiny = fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 3 });
const doubles = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60, size: "max" });
const equalSizes = sampleSpec(3000).chain((a) =>
  sampleSpec(3000).map((b) => ({
    x: drawnSample(a.size, a.seed, 0, 1, a.step),
    y: drawnSample(a.size, b.seed, b.shift, b.scale, a.step),
  })),
);
const sized = (n1: number, n2: number, shift: number, step: number, seed: number) => ({
  x: drawnSample(n1, seed, 0, 1, step),
  y: drawnSample(n2, seed + 1, shift, 1, step),
});
const large = fc.tuple(fc.integer({ min: 10_001, max: 20_000 }), fc.integer({ min: 1, max: 20_000 }), sampleSpec(1));

describe("ksTwoSample matches scipy.stats.ks_2samp(method='auto')", () => {
  const tinyCases = comparedWithScipy(fc.sample(fc.record({ x: tiny, y: tiny }), { numRuns: 150, seed: 11 }));
  const doubleCases = comparedWithScipy(fc.sample(fc.record({ x: doubles, y: doubles }), { numRuns: 150, seed: 12 }));
  const exactCases = comparedWithScipy([
    ...fc.sample(pair(3000), { numRuns: 60, seed: 13 }),
    ...fc.sample(equalSizes, { numRuns: 30, seed: 14 }),
  ]);
  const edgeCases = comparedWithScipy([
    sized(10_000, 9_999, 0.03, 0, 1),
    sized(10_000, 10_000, 0.05, 0, 2),
    sized(10_000, 37, 0.3, 0.1, 3),
    sized(10_001, 10_001, 0.02, 0, 4),
    sized(20_000, 15_000, 0.04, 0, 5),
    sized(20_000, 50, 0.2, 0, 6),
    sized(12_000, 11_000, 0, 1, 7),
    sized(20_000, 19_000, 0.1, 0, 8),
  ]);
  const asymptoticCases = comparedWithScipy(
    fc.sample(large, { numRuns: 12, seed: 15 }).map(([n1, n2, spec]) => ({
      x: drawnSample(n1, spec.seed, 0, 1, spec.step),
      y: drawnSample(n2, spec.seed + 7, spec.shift, spec.scale, spec.step),
    })),
  );

  it("on tiny samples (n = 1, 2, 3) with ties", tinyCases);
  it("on small samples of arbitrary doubles", doubleCases);
  it("in the exact regime: unequal and equal sizes up to 3,000, with and without ties", exactCases);
  it("at the edges of the exact regime (max size 10,000) and in the asymptotic one (up to 20,000)", edgeCases);
  it("on generated asymptotic-regime pairs", asymptoticCases);
});

describe("kolmogorovSurvival matches scipy.stats.kstwo.sf in every region of Simard & L'Ecuyer's method", () => {
  const ns = [1, 2, 3, 5, 10, 37, 100, 140, 141, 500, 1000, 5000, 20_000, 100_000, 100_001];
  const grid = ns.flatMap((n) =>
    [0.001, 0.5 / n, 0.75 / n, 1 / n, 1.5 / n, 0.01, 0.03, 0.05, 0.1, 0.2, 0.3, 0.45, 0.5, 0.7, 0.95, 1 - 1 / n]
      .filter((d) => d > 0 && d < 1)
      .map((d) => ({ n, d })),
  );
  // d = z / sqrt(n) walks through the regions where the method changes (n d^2 near 0.75, 2.2, 4, 18).
  const generated = fc
    .sample(fc.record({ n: fc.integer({ min: 1, max: 30_000 }), z: fc.double({ min: 0.05, max: 4, noNaN: true }) }), {
      numRuns: 60,
      seed: 16,
    })
    .map(({ n, z }) => ({ n, d: Math.min(0.999, z / Math.sqrt(n)) }));
  const points = [...grid, ...generated];
  const expected = scipy.add<{ sf: number }>(points.map((point) => ({ kind: "kstwo", ...point })));

  it("for small and large n across d", () => {
    points.forEach(({ n, d }, i) => {
      const want = expected()[i]!.sf;
      const got = kolmogorovSurvival(n, d);
      expect(close(got, want, 1e-9, 1e-290), `n=${n} d=${d}: got ${got}, scipy ${want}`).toBe(true);
    });
  });
});

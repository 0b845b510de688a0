import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  chiSquareContingency,
  chiSquareSurvival,
  jensenShannon,
  lInfinity,
  normedWasserstein,
  psi,
  psiFromWeights,
  twoProportionZTest,
  wasserstein,
} from "@ctrain/stats";
import { close, ReferenceBatch } from "./python-reference.js";

const scipy = new ReferenceBatch("drift_scipy.py");
beforeAll(() => scipy.run());

/** Non-empty arrays of any length up to `maxLength`: fast-check's default size alone stays near 10 elements. */
const anyLength = <T>(values: fc.Arbitrary<T>, maxLength: number): fc.Arbitrary<T[]> =>
  fc.oneof(fc.array(values, { minLength: 1, maxLength }), fc.array(values, { minLength: 1, maxLength, size: "max" }));
const counts = (length: number) => fc.array(fc.integer({ min: 0, max: 400 }), { minLength: length, maxLength: length });
const countPairs = (numRuns: number, seed: number, maxLength: number) =>
  fc
    .sample(
      fc.integer({ min: 1, max: maxLength }).chain((k) => fc.tuple(counts(k), counts(k))),
      { numRuns, seed },
    )
    .filter(([p, q]) => p.some((w) => w > 0) && q.some((w) => w > 0));

describe("the check vector p = [.2, .5, .3], q = [.1, .6, .3]", () => {
  it("gives JS distance 0.1038 (ln), JS divergence 0.01554 (log2) and PSI 0.0875", () => {
    const p = [0.2, 0.5, 0.3];
    const q = [0.1, 0.6, 0.3];
    const js = jensenShannon(p, q);
    expect(js.distance).toBeCloseTo(0.1038, 4);
    expect(js.divergence).toBeCloseTo(0.01554, 5);
    expect(psiFromWeights(p, q)).toBeCloseTo(0.0875, 4);
  });
});

describe("chi-square on 2 x k tables matches scipy.stats.chi2_contingency(correction=True)", () => {
  const tables: number[][][] = [
    ...countPairs(300, 21, 12),
    // A category seen on one side only, tiny counts, all-zero columns.
    [
      [5, 0],
      [0, 7],
    ],
    [
      [10, 20, 0],
      [12, 18, 4],
    ],
    [[1], [3]],
    [
      [0, 3, 0],
      [2, 0, 0],
    ],
    [
      [0, 4],
      [0, 1],
    ],
  ];
  // scipy refuses all-zero columns (an expected count of 0); ctrain leaves them out, and so does its input here.
  const withoutEmptyColumns = tables.map(([a, b]) => {
    const kept = a!.map((_, j) => j).filter((j) => a![j]! + b![j]! > 0);
    return [kept.map((j) => a![j]!), kept.map((j) => b![j]!)];
  });
  const expected = scipy.add<{ statistic: number; pValue: number; dof: number }>(
    withoutEmptyColumns.map((table) => ({ kind: "chi2", table })),
  );
  const survivalPoints = fc
    .sample(
      fc.record({ dof: fc.integer({ min: 1, max: 2000 }), ratio: fc.double({ min: 0.01, max: 20, noNaN: true }) }),
      {
        numRuns: 300,
        seed: 22,
      },
    )
    .map(({ dof, ratio }) => ({ dof, x: dof * ratio }));
  const survival = scipy.add<{ sf: number }>(survivalPoints.map((point) => ({ kind: "chi2sf", ...point })));

  it("with Yates' correction at dof 1, none above, a category seen on one side only counted", () => {
    tables.forEach((table, i) => {
      const got = chiSquareContingency(table);
      const want = expected()[i]!;
      const label = `${JSON.stringify(table)}: got ${JSON.stringify(got)}, scipy ${JSON.stringify(want)}`;
      expect(got.dof, label).toBe(want.dof);
      expect(close(got.statistic, want.statistic, 1e-12, 1e-12), label).toBe(true);
      expect(close(got.pValue, want.pValue, 1e-10, 1e-300), label).toBe(true);
    });
  });

  it("chi-square survival matches scipy.stats.chi2.sf from the bulk to the far tail", () => {
    survivalPoints.forEach(({ dof, x }, i) => {
      const want = survival()[i]!.sf;
      const got = chiSquareSurvival(x, dof);
      expect(close(got, want, 1e-10, 1e-300), `chi2.sf(${x}, ${dof}): ${got} vs ${want}`).toBe(true);
    });
  });
});

describe("two-proportion Z-test matches the pooled z and 2 * scipy.stats.norm.sf(|z|)", () => {
  const side = fc
    .integer({ min: 1, max: 5000 })
    .chain((total) => fc.tuple(fc.integer({ min: 0, max: total }), fc.constant(total)));
  const cases = fc.sample(fc.tuple(side, side), { numRuns: 300, seed: 23 }).filter(([[h1, n1], [h2, n2]]) => {
    const pooled = (h1 + h2) / (n1 + n2);
    return pooled > 0 && pooled < 1;
  });
  const expected = scipy.add<{ statistic: number; pValue: number }>(
    cases.map(([reference, current]) => ({ kind: "z", reference, current })),
  );

  it("on generated proportions", () => {
    cases.forEach(([[h1, n1], [h2, n2]], i) => {
      const got = twoProportionZTest({ hits: h1, total: n1 }, { hits: h2, total: n2 });
      const want = expected()[i]!;
      const label = `${[h1, n1, h2, n2]}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`;
      expect(close(got.statistic, want.statistic, 1e-12, 1e-14), label).toBe(true);
      expect(close(got.pValue, want.pValue, 1e-10, 1e-300), label).toBe(true);
    });
  });

  it("says p = 1 when both samples hold one and the same value", () => {
    expect(twoProportionZTest({ hits: 0, total: 10 }, { hits: 0, total: 30 })).toEqual({ statistic: 0, pValue: 1 });
    expect(twoProportionZTest({ hits: 8, total: 8 }, { hits: 3, total: 3 })).toEqual({ statistic: 0, pValue: 1 });
  });
});

describe("distances match scipy and numpy", () => {
  const vectors = countPairs(300, 24, 15);
  const js = scipy.add<{ distance: number; divergence: number }>(vectors.map(([p, q]) => ({ kind: "js", p, q })));
  const linf = scipy.add<{ distance: number }>(vectors.map(([p, q]) => ({ kind: "linf", p, q })));

  it("Jensen-Shannon distance (ln) and divergence (log2), and L-infinity, on weight vectors with zeros", () => {
    vectors.forEach(([p, q], i) => {
      const got = jensenShannon(p, q);
      const want = js()[i]!;
      const label = `${JSON.stringify(p)} vs ${JSON.stringify(q)}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`;
      // scipy takes the sqrt of a sum that can round a hair below 0 (NaN) where ctrain says 0.
      expect(close(got.distance, Number.isNaN(want.distance) ? 0 : want.distance, 1e-9, 1e-12), label).toBe(true);
      expect(close(got.divergence, Number.isNaN(want.divergence) ? 0 : want.divergence, 1e-9, 1e-15), label).toBe(true);
      expect(close(lInfinity(p, q), linf()[i]!.distance, 1e-15, 1e-16), label).toBe(true);
    });
  });

  const sample = anyLength(
    fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -100, max: 100, noNaN: true })),
    200,
  );
  const pairs = fc.sample(fc.tuple(sample, sample), { numRuns: 300, seed: 25 });
  const distances = scipy.add<{ distance: number; normed: number }>(
    pairs.map(([u, v]) => ({ kind: "wasserstein", u, v })),
  );

  it("Wasserstein and normed Wasserstein on samples with ties and unequal sizes", () => {
    pairs.forEach(([u, v], i) => {
      const label = `${JSON.stringify(u)} vs ${JSON.stringify(v)}`;
      expect(close(wasserstein(u, v), distances()[i]!.distance, 1e-10, 1e-12), label).toBe(true);
      expect(close(normedWasserstein(u, v), distances()[i]!.normed, 1e-9, 1e-9), label).toBe(true);
    });
  });

  const values = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.double({ min: -50, max: 50, noNaN: true }));
  const samplePairs = fc.sample(fc.tuple(anyLength(values, 300), anyLength(values, 300)), { numRuns: 300, seed: 26 });
  const psiOfSamples = scipy.add<{ psi: number }>(
    samplePairs.map(([reference, current]) => ({ kind: "psi", reference, current })),
  );
  const weights = countPairs(100, 27, 10);
  const psiOfWeights = scipy.add<{ psi: number }>(
    weights.map(([reference, current]) => ({ kind: "psi_weights", reference, current })),
  );

  it("PSI over the reference's deciles (ties merge bins), and over weights, zero shares floored at 1e-4", () => {
    samplePairs.forEach(([reference, current], i) => {
      const got = psi(reference, current);
      expect(close(got, psiOfSamples()[i]!.psi, 1e-10, 1e-12), `${JSON.stringify([reference, current])}: ${got}`).toBe(
        true,
      );
    });
    weights.forEach(([reference, current], i) => {
      expect(close(psiFromWeights(reference, current), psiOfWeights()[i]!.psi, 1e-10, 1e-12)).toBe(true);
    });
  });
});

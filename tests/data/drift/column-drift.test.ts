import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { ColumnDriftResult, SkippedColumn } from "../../../packages/data/src/drift/index.js";
import { columnDrift, datasetDrift, isSkipped } from "../../../packages/data/src/drift/index.js";
import type { ColumnProfile, ProfileOptions, ProfileValue } from "../../../packages/data/src/profile/index.js";
import { ColumnProfiler, compareValues, DatasetProfiler } from "../../../packages/data/src/profile/index.js";
import { Random } from "@ctrain/stats";
import { close, ReferenceBatch } from "./python-reference.js";

const scipy = new ReferenceBatch("drift_scipy.py");
beforeAll(() => scipy.run());

function profileOf(values: readonly (ProfileValue | null)[], options: ProfileOptions = {}): ColumnProfile {
  const profiler = new ColumnProfiler("column", options);
  for (const value of values) profiler.add(value);
  return JSON.parse(JSON.stringify(profiler.toProfile())) as ColumnProfile;
}

function tested(outcome: ColumnDriftResult | SkippedColumn): ColumnDriftResult {
  if (isSkipped(outcome)) throw new Error(`skipped: ${outcome.reason}`);
  return outcome;
}

const normal = (size: number, seed: number, shift = 0, scale = 1): number[] => {
  const random = Random.seeded(seed);
  return Array.from(
    { length: size },
    () => shift + scale * (random.nextDouble() + random.nextDouble() + random.nextDouble() - 1.5),
  );
};
const categories = (size: number, seed: number, weights: Record<string, number>): string[] => {
  const random = Random.seeded(seed);
  const entries = Object.entries(weights);
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  return Array.from({ length: size }, () => {
    let pick = random.nextDouble() * total;
    for (const [value, weight] of entries) if ((pick -= weight) < 0) return value;
    return entries.at(-1)![0];
  });
};

/** Category counts of both samples over their sorted union, as scipy's tests take them. */
function countTable(reference: readonly ProfileValue[], current: readonly ProfileValue[]): [number[], number[]] {
  const keys = [...new Set([...reference, ...current])].sort(compareValues);
  const count = (values: readonly ProfileValue[]) => keys.map((key) => values.filter((value) => value === key).length);
  return [count(reference), count(current)];
}

describe("numeric columns, Evidently's default tests, against scipy on the raw values", () => {
  // Small baselines (n <= 1000) with > 5 distinct values: KS; large ones: normed Wasserstein.
  const pairs = fc
    .sample(
      fc.record({
        small: fc.boolean(),
        seed: fc.integer({ min: 0, max: 2 ** 30 }),
        shift: fc.constantFrom(0, 0.05, 0.3),
        scale: fc.constantFrom(1, 1.5),
      }),
      { numRuns: 24, seed: 81 },
    )
    .map(({ small, seed, shift, scale }) => ({
      small,
      reference: normal(small ? 300 + (seed % 700) : 1001 + (seed % 4000), seed),
      current: normal(small ? 200 + (seed % 900) : 800 + (seed % 3000), seed + 1, shift, scale),
    }));
  const ks = scipy.add<{ statistic: number; pValue: number }>(
    pairs.map(({ reference, current }) => ({ kind: "ks", x: reference, y: current })),
  );
  const wasserstein = scipy.add<{ distance: number; normed: number }>(
    pairs.map(({ reference, current }) => ({ kind: "wasserstein", u: reference, v: current })),
  );
  const psi = scipy.add<{ psi: number }>(pairs.map(({ reference, current }) => ({ kind: "psi", reference, current })));

  it("KS below 1000 baseline values, normed Wasserstein above, PSI always; no sampling under 100,000 values", () => {
    pairs.forEach(({ small, reference, current }, i) => {
      const result = tested(columnDrift("x", profileOf(reference), profileOf(current)));
      expect(result).toMatchObject({
        column: "x",
        type: "numeric",
        sampled: false,
        newCategories: [],
        missingCategories: [],
      });
      expect(result.sampleSizes).toEqual([reference.length, current.length]);
      expect(close(result.psi, psi()[i]!.psi, 1e-10, 1e-12)).toBe(true);
      if (small) {
        expect(result).toMatchObject({ test: "ks", threshold: 0.05, statistic: ks()[i]!.statistic });
        expect(close(result.pValue!, ks()[i]!.pValue, 1e-9, 1e-290)).toBe(true);
        expect(result.drifted).toBe(ks()[i]!.pValue < 0.05);
      } else {
        expect(result).toMatchObject({ test: "wasserstein", threshold: 0.1 });
        expect(result.pValue).toBeUndefined();
        // The profile normalizes by the exact std of all baseline values (Welford), numpy by its two-pass std.
        expect(close(result.statistic, wasserstein()[i]!.normed, 1e-9)).toBe(true);
        expect(result.drifted).toBe(wasserstein()[i]!.normed >= 0.1);
      }
    });
  });

  const few = (size: number, seed: number, shares: Record<string, number>) =>
    categories(size, seed, shares).map(Number);
  const discrete = [
    {
      reference: few(500, 1, { 0: 1, 1: 2, 2: 3, 3: 1 }),
      current: few(400, 2, { 0: 1, 1: 2, 2: 2, 3: 1, 4: 1 }),
      test: "chi-square",
    },
    { reference: few(800, 3, { 0: 3, 1: 1 }), current: few(900, 4, { 0: 1, 1: 1 }), test: "z-test" },
    {
      reference: few(3000, 5, { 10: 1, 20: 1, 30: 2 }),
      current: few(2000, 6, { 10: 1, 20: 2, 30: 2 }),
      test: "jensen-shannon",
    },
  ];
  const chi = scipy.add<{ statistic: number; pValue: number }>(
    discrete.slice(0, 1).map(({ reference, current }) => ({ kind: "chi2", table: countTable(reference, current) })),
  );
  const z = scipy.add<{ statistic: number; pValue: number }>(
    discrete.slice(1, 2).map(({ reference, current }) => {
      const [r, c] = countTable(reference, current);
      return { kind: "z", reference: [r[1], reference.length], current: [c[1], current.length] };
    }),
  );
  const js = scipy.add<{ distance: number }>(
    discrete.slice(2).map(({ reference, current }) => {
      const [p, q] = countTable(reference, current);
      return { kind: "js", p, q };
    }),
  );

  it("with at most 5 distinct values: chi-square (3-5) or Z-test (<= 2) up to 1000 rows, Jensen-Shannon above", () => {
    const results = discrete.map(({ reference, current }) =>
      tested(columnDrift("x", profileOf(reference), profileOf(current))),
    );
    expect(results.map((result) => result.test)).toEqual(discrete.map((d) => d.test));
    expect(close(results[0]!.statistic, chi()[0]!.statistic, 1e-12)).toBe(true);
    expect(close(results[0]!.pValue!, chi()[0]!.pValue, 1e-10, 1e-300)).toBe(true);
    expect(results[0]!.newCategories).toEqual([4]);
    expect(close(results[1]!.statistic, z()[0]!.statistic, 1e-12)).toBe(true);
    expect(close(results[1]!.pValue!, z()[0]!.pValue, 1e-10, 1e-300)).toBe(true);
    expect(close(results[2]!.statistic, js()[0]!.distance, 1e-12)).toBe(true);
  });

  it("says when KS or Wasserstein ran on reservoir samples, and how large they were", () => {
    const options = { sampleSize: 500 };
    const result = tested(columnDrift("x", profileOf(normal(3000, 7), options), profileOf(normal(800, 8), options)));
    expect(result).toMatchObject({ test: "wasserstein", sampled: true, sampleSizes: [500, 500] });
    const small = tested(
      columnDrift("x", profileOf(normal(900, 9), { sampleSize: 100 }), profileOf(normal(50, 10), { sampleSize: 100 })),
    );
    expect(small).toMatchObject({ test: "ks", sampled: true, sampleSizes: [100, 50] });
  });
});

describe("categorical columns", () => {
  const reference = categories(600, 11, { a: 5, b: 3, c: 2, gone: 1 });
  const current = categories(500, 12, { a: 4, b: 4, c: 2, fresh: 1 });
  const largeReference = categories(4000, 13, { a: 5, b: 3, c: 2 });
  const largeCurrent = categories(3000, 14, { a: 3, b: 3, c: 3 });
  const chi = scipy.add<{ statistic: number; pValue: number }>([
    { kind: "chi2", table: countTable(reference, current) },
  ]);
  const js = scipy.add<{ distance: number }>([
    { kind: "js", ...Object.fromEntries(["p", "q"].map((k, i) => [k, countTable(largeReference, largeCurrent)[i]])) },
  ]);
  const psi = scipy.add<{ psi: number }>([
    { kind: "psi_weights", reference: countTable(reference, current)[0], current: countTable(reference, current)[1] },
  ]);

  it("chi-square up to 1000 rows, with new and missing categories; PSI over category shares", () => {
    const result = tested(columnDrift("c", profileOf(reference), profileOf(current)));
    expect(result).toMatchObject({
      type: "categorical",
      test: "chi-square",
      newCategories: ["fresh"],
      missingCategories: ["gone"],
    });
    expect(close(result.statistic, chi()[0]!.statistic, 1e-12)).toBe(true);
    expect(close(result.pValue!, chi()[0]!.pValue, 1e-10, 1e-300)).toBe(true);
    expect(result.drifted).toBe(chi()[0]!.pValue < 0.05);
    expect(close(result.psi, psi()[0]!.psi, 1e-12)).toBe(true);
  });

  it("Jensen-Shannon distance above 1000 rows; Z-test for two values", () => {
    const large = tested(columnDrift("c", profileOf(largeReference), profileOf(largeCurrent)));
    expect(large.test).toBe("jensen-shannon");
    expect(close(large.statistic, js()[0]!.distance, 1e-12)).toBe(true);
    expect(large.drifted).toBe(js()[0]!.distance >= 0.1);
    const flags = tested(columnDrift("f", profileOf([true, false, true, true]), profileOf([false, false, true])));
    expect(flags.test).toBe("z-test");
  });

  it("past the exact-value limit: shares from the frequent values' counters and one count for the rest", () => {
    const options = { exactValueLimit: 10 };
    const zipf = (seed: number, skew: number) =>
      categories(3000, seed, Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`v${i}`, 1 / (i + 1) ** skew])));
    const same = tested(columnDrift("c", profileOf(zipf(15, 1), options), profileOf(zipf(16, 1), options)));
    expect(same).toMatchObject({ test: "jensen-shannon", sampleSizes: [3000, 3000], drifted: false });
    const skewed = tested(columnDrift("c", profileOf(zipf(15, 1), options), profileOf(zipf(17, 2), options)));
    expect(skewed.drifted).toBe(true);
  });
});

describe("overrides and skipped columns", () => {
  const reference = profileOf(normal(2000, 21));
  const current = profileOf(normal(2000, 22, 0.1));

  it("use the test and threshold a column names", () => {
    const ks = tested(columnDrift("x", reference, current, { test: "ks", threshold: 0.01 }));
    expect(ks).toMatchObject({ test: "ks", threshold: 0.01 });
    expect(ks.drifted).toBe(ks.pValue! < 0.01);
    const psiTest = tested(columnDrift("x", reference, current, { test: "psi" }));
    expect(psiTest.statistic).toBe(psiTest.psi);
    const binned = tested(columnDrift("x", reference, current, { test: "jensen-shannon" }));
    expect(binned).toMatchObject({ test: "jensen-shannon", sampleSizes: [2000, 2000] });
    const linf = tested(columnDrift("x", reference, current, { test: "l-infinity", threshold: 0.5 }));
    expect(linf.drifted).toBe(false);
  });

  it("skip a column set to none, one without values, one whose kinds differ, and tests that need numbers", () => {
    expect(columnDrift("x", reference, current, { test: "none" })).toEqual({
      column: "x",
      reason: "its drift test is none",
    });
    expect(isSkipped(columnDrift("x", reference, profileOf([null, NaN])))).toBe(true);
    expect(columnDrift("x", reference, profileOf(["a", "b"]))).toMatchObject({
      reason: expect.stringMatching(/kinds differ/),
    });
    expect(columnDrift("c", profileOf(["a", "b", "c"]), profileOf(["a"]), { test: "ks" })).toMatchObject({
      reason: expect.stringMatching(/ks needs numbers/),
    });
  });
});

describe("dataset drift", () => {
  const profileRows = (rows: Record<string, ProfileValue | null>[]) => {
    const profiler = new DatasetProfiler();
    for (const row of rows) profiler.addRow(row);
    return profiler.toProfile();
  };
  const base = normal(500, 31);
  const shifted = normal(500, 32, 3);
  const same = normal(500, 33);
  const baseline = profileRows(base.map((value, i) => ({ a: value, b: value, c: value, d: value, old: i })));
  const current = profileRows(
    base.map((_, i) => ({ a: shifted[i]!, b: shifted[i]!, c: same[i]!, d: same[i]!, added: i })),
  );

  it("is declared when the drifted share reaches the threshold (Evidently: 0.5, inclusive)", () => {
    const result = datasetDrift(baseline, current);
    expect(result.columns.map((column) => [column.column, column.drifted])).toEqual([
      ["a", true],
      ["b", true],
      ["c", false],
      ["d", false],
    ]);
    expect(result).toMatchObject({ datasetDrift: true, driftedShare: 0.5, threshold: 0.5 });
    expect(result.skipped).toEqual([
      { column: "old", reason: "it is missing from the current data" },
      { column: "added", reason: "the baseline does not have it" },
    ]);
    expect(datasetDrift(baseline, current, { driftShare: 0.6 }).datasetDrift).toBe(false);
    expect(datasetDrift(baseline, current, { columns: { a: { test: "none" } } }).driftedShare).toBeCloseTo(1 / 3, 12);
  });

  it("names the profile and column of a broken baseline", () => {
    const broken = structuredClone(baseline);
    broken.columns.a!.count = 7;
    expect(() =>
      datasetDrift(broken, current, { locations: ["base/profile/train.json", "profile/train.json"] }),
    ).toThrow(/invalid column profile/);
    try {
      datasetDrift(broken, current, { locations: ["base/profile/train.json", "profile/train.json"] });
    } catch (error) {
      expect((error as { location: string }).location).toBe('base/profile/train.json (column "a")');
    }
  });
});

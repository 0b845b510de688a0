import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ColumnProfile, ProfileOptions, ProfileValue } from "../../../packages/data/src/profile/index.js";
import {
  ColumnProfiler,
  DatasetProfiler,
  kllRankError,
  mergeDatasetProfiles,
  mergeProfiles,
} from "../../../packages/data/src/profile/index.js";
import { rankDistance } from "./ranks.js";

/** Small sketches, so a few thousand values go through every transition: compaction, sampling, exact to approximate. */
const SMALL: ProfileOptions = { exactValueLimit: 16, quantileK: 16, sampleSize: 64 };

type Cell = ProfileValue | null;

const number = fc.oneof(fc.double({ min: -1e4, max: 1e4, noNaN: true }), fc.integer({ min: -30, max: 30 }));
const cell: fc.Arbitrary<Cell> = fc.oneof(
  { weight: 6, arbitrary: number },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, null) },
  { weight: 3, arbitrary: fc.string({ maxLength: 3 }) },
  { weight: 1, arbitrary: fc.boolean() },
);
/** Arrays of any length up to `maxLength`: fast-check's default size alone stays near 10 elements. */
const anyLength = <T>(values: fc.Arbitrary<T>, maxLength: number): fc.Arbitrary<T[]> =>
  fc.oneof(fc.array(values, { maxLength }), fc.array(values, { maxLength, size: "max" }));
/** Columns of one kind each, and mixed ones. */
const column: fc.Arbitrary<Cell[]> = fc.oneof(
  anyLength(fc.oneof(number, fc.constant(null)), 3000),
  anyLength(fc.oneof(fc.string({ maxLength: 2 }), fc.constant(null)), 3000),
  anyLength(cell, 3000),
);

/** Cuts an array into shards (some possibly empty) at the given points. */
function shardsOf<T>(values: T[], cuts: number[]): T[][] {
  const points = [0, ...cuts.map((cut) => cut % (values.length + 1)).sort((a, b) => a - b), values.length];
  return points.slice(1).map((end, i) => values.slice(points[i], end));
}

function profile(values: readonly Cell[], seed: number, options: ProfileOptions = SMALL): ColumnProfile {
  const profiler = new ColumnProfiler("column", { ...options, seed });
  for (const value of values) profiler.add(value);
  return JSON.parse(JSON.stringify(profiler.toProfile())) as ColumnProfile;
}

/** Merges profiles in the order `choices` picks pairs: any merge tree. */
function mergeInAnyOrder(profiles: ColumnProfile[], choices: number[]): ColumnProfile {
  const pool = [...profiles];
  let choice = 0;
  while (pool.length > 1) {
    const i = choices[choice++ % Math.max(1, choices.length)]! % pool.length;
    const [a] = pool.splice(i, 1);
    const j = (choices[choice++ % Math.max(1, choices.length)] ?? 0) % pool.length;
    const [b] = pool.splice(j, 1);
    pool.push(mergeProfiles(a!, b!));
  }
  return pool[0]!;
}

/** The fields a merge must reproduce exactly, whatever the sharding. */
function exactFields(profile: ColumnProfile): unknown {
  const { numeric, string, distinct, sketch } = profile;
  return {
    type: profile.type,
    count: profile.count,
    nullCount: profile.nullCount,
    numberCount: profile.numberCount,
    stringCount: profile.stringCount,
    booleanCount: profile.booleanCount,
    numeric: numeric && {
      count: numeric.count,
      integerCount: numeric.integerCount,
      nanCount: numeric.nanCount,
      positiveInfinityCount: numeric.positiveInfinityCount,
      negativeInfinityCount: numeric.negativeInfinityCount,
      min: numeric.min,
      max: numeric.max,
    },
    string,
    distinct,
    mode: sketch.values.mode,
    registers: sketch.values.distinct,
    fingerprint: sketch.values.fingerprint,
    reservoirSeen: sketch.reservoir.seen,
    exactCounts: sketch.values.mode === "exact" ? new Map(sketch.values.entries) : undefined,
  };
}

/** Rounding in mean and variance is relative to the data's scale, its largest magnitude, not to the mean or variance. */
function expectMomentsClose(actual: ColumnProfile, expected: ColumnProfile): void {
  const a = actual.numeric;
  const e = expected.numeric;
  if (!e || e.count === 0) return;
  const scale = Math.max(Math.abs(e.min!), Math.abs(e.max!));
  expect(Math.abs(a!.mean! - e.mean!)).toBeLessThanOrEqual(1e-9 * scale);
  expect(Math.abs(a!.variance! - e.variance!)).toBeLessThanOrEqual(1e-9 * scale ** 2);
}

function trueCounts(values: readonly Cell[]): Map<ProfileValue, number> {
  const counts = new Map<ProfileValue, number>();
  for (const value of values) {
    if (value === null || (typeof value === "number" && !Number.isFinite(value))) continue;
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return counts;
}

describe("column profiles merged from any sharding equal the profile of the whole", () => {
  it("exactly for counts, nulls, min, max, distinct counts, exact value counts and fingerprints; moments within 1e-9", () => {
    fc.assert(
      fc.property(
        column,
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (values, cuts, order) => {
          const whole = profile(values, 0);
          const merged = mergeInAnyOrder(
            shardsOf(values, cuts).map((shard, i) => profile(shard, i + 1)),
            order,
          );
          expect(exactFields(merged)).toEqual(exactFields(whole));
          expectMomentsClose(merged, whole);
        },
      ),
      { numRuns: 120, seed: 41 },
    );
  });

  it("within the stated rank error for quantiles and the Misra-Gries bound for value counts", () => {
    fc.assert(
      fc.property(column, fc.array(fc.nat(), { maxLength: 6 }), (values, cuts) => {
        const merged = shardsOf(values, cuts)
          .map((shard, i) => profile(shard, i + 1))
          .reduce((a, b) => mergeProfiles(a, b));
        const finite = Float64Array.from(
          values.filter((v): v is number => typeof v === "number" && Number.isFinite(v)),
        ).sort();
        for (const { rank, value } of merged.numeric?.quantiles ?? []) {
          expect(rankDistance(finite, value, rank)).toBeLessThanOrEqual(kllRankError(16));
        }
        const truth = trueCounts(values);
        const { mode, entries, errorBound } = merged.sketch.values;
        const estimates = new Map(entries);
        for (const [value, count] of truth) {
          if (mode === "approximate" && typeof value === "number") continue;
          const estimate = estimates.get(value) ?? 0;
          expect(estimate).toBeLessThanOrEqual(count);
          expect(estimate).toBeGreaterThanOrEqual(count - errorBound);
        }
        expect(merged.topValues.errorBound).toBe(errorBound);
        if (mode === "approximate") {
          // Misra-Gries keeps at most `limit` counters, and every reduction removed (limit + 1) x its cut.
          const nonNumbers = values.filter((value) => typeof value === "string" || typeof value === "boolean").length;
          const kept = entries.reduce((sum, [, count]) => sum + count, 0);
          expect(entries.length).toBeLessThanOrEqual(16);
          expect(errorBound * 17).toBeLessThanOrEqual(nonNumbers - kept);
        }
      }),
      { numRuns: 120, seed: 42 },
    );
  });

  it("with a reservoir that is a sample of the values, as large as the capacity allows", () => {
    fc.assert(
      fc.property(anyLength(number, 1500), fc.array(fc.nat(), { maxLength: 6 }), (values, cuts) => {
        const profilers = shardsOf(values, cuts).map((shard, i) => {
          const profiler = new ColumnProfiler("column", { ...SMALL, seed: i });
          for (const value of shard) profiler.add(value);
          return profiler;
        });
        const merged = profilers.reduce((a, b) => {
          a.merge(b);
          return a;
        });
        const { values: sample, population } = merged.sample();
        expect(population).toBe(values.length);
        expect(sample.length).toBe(Math.min(64, values.length));
        const remaining = trueCounts(values);
        for (const value of sample) {
          expect(remaining.get(value) ?? 0).toBeGreaterThan(0);
          remaining.set(value, remaining.get(value)! - 1);
        }
      }),
      { numRuns: 100, seed: 43 },
    );
  });
});

describe("merging is commutative and associative where the result is deterministic", () => {
  it("for every exact field, the registers and the fingerprint", () => {
    fc.assert(
      fc.property(column, column, column, (x, y, z) => {
        const [a, b, c] = [profile(x, 1), profile(y, 2), profile(z, 3)];
        expect(exactFields(mergeProfiles(a, b))).toEqual(exactFields(mergeProfiles(b, a)));
        expect(exactFields(mergeProfiles(mergeProfiles(a, b), c))).toEqual(
          exactFields(mergeProfiles(a, mergeProfiles(b, c))),
        );
      }),
      { numRuns: 60, seed: 44 },
    );
  });
});

describe("dataset profiles", () => {
  const row = fc.dictionary(fc.constantFrom("a", "b", "c", "d"), cell, { maxKeys: 4 });

  it("merge shards of rows into the whole: row count, per-column counts and the fingerprint", () => {
    fc.assert(
      fc.property(anyLength(row, 400), fc.array(fc.nat(), { maxLength: 4 }), (rows, cuts) => {
        const profileRows = (part: Record<string, Cell>[], seed: number) => {
          const profiler = new DatasetProfiler({ ...SMALL, seed });
          for (const r of part) profiler.addRow(r);
          return profiler.toProfile();
        };
        const whole = profileRows(rows, 0);
        const merged = shardsOf(rows, cuts)
          .map((part, i) => profileRows(part, i + 1))
          .reduce((a, b) => mergeDatasetProfiles(a, b));
        expect(merged.rows).toBe(rows.length);
        expect(merged.fingerprint).toBe(whole.fingerprint);
        expect(Object.keys(merged.columns).sort()).toEqual(Object.keys(whole.columns).sort());
        for (const [name, columnProfile] of Object.entries(whole.columns)) {
          expect(exactFields(merged.columns[name]!), name).toEqual(exactFields(columnProfile));
          expect(merged.columns[name]!.count).toBe(rows.length);
        }
      }),
      { numRuns: 80, seed: 45 },
    );
  });

  it("fingerprint ignores row order and changes when a value changes", () => {
    const profileOf = (rows: Record<string, Cell>[]) => {
      const profiler = new DatasetProfiler();
      for (const r of rows) profiler.addRow(r);
      return profiler.toProfile().fingerprint;
    };
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 100 }), fc.nat(), (rows, at) => {
        expect(profileOf([...rows].reverse())).toBe(profileOf(rows));
        const changed = rows.map((r) => ({ ...r }));
        const target = changed[at % changed.length]!;
        const a = target.a;
        target.a = typeof a === "number" && Number.isFinite(a) ? a + 1 : typeof a === "string" ? `${a}!` : 12345.5;
        expect(profileOf(changed)).not.toBe(profileOf(rows));
      }),
      { numRuns: 100, seed: 46 },
    );
  });
});

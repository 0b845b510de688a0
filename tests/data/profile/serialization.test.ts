import { isUserError } from "@ctrain/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ColumnProfile, ProfileValue } from "../../../packages/data/src/profile/index.js";
import { ColumnProfiler, DatasetProfiler } from "../../../packages/data/src/profile/index.js";

type Cell = ProfileValue | null;
const cell: fc.Arbitrary<Cell> = fc.oneof(
  { weight: 5, arbitrary: fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: -9, max: 9 })) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, null, true, false) },
  { weight: 3, arbitrary: fc.string({ maxLength: 3 }) },
);
const cells = fc.oneof(fc.array(cell, { maxLength: 2000 }), fc.array(cell, { maxLength: 2000, size: "max" }));

function profileOf(values: readonly Cell[]): ColumnProfile {
  const profiler = new ColumnProfiler("column", { exactValueLimit: 30, quantileK: 16, sampleSize: 50 });
  for (const value of values) profiler.add(value);
  return profiler.toProfile();
}

/** The profile as a file holds it. */
const saved = (profile: ColumnProfile): ColumnProfile => JSON.parse(JSON.stringify(profile)) as ColumnProfile;

describe("column profiles round-trip through JSON", () => {
  it("to the same profile, sketch state included", () => {
    fc.assert(
      fc.property(cells, (values) => {
        const profile = profileOf(values);
        expect(ColumnProfiler.fromProfile(saved(profile), "p.json").toProfile()).toEqual(profile);
      }),
      { numRuns: 150, seed: 61 },
    );
  });

  it("and a restored profiler goes on counting", () => {
    fc.assert(
      fc.property(cells, cells, (first, second) => {
        const restored = ColumnProfiler.fromProfile(saved(profileOf(first)), "p.json");
        for (const value of second) restored.add(value);
        const profile = restored.toProfile();
        const straight = profileOf([...first, ...second]);
        expect([profile.count, profile.nullCount, profile.numeric?.count, profile.distinct]).toEqual([
          straight.count,
          straight.nullCount,
          straight.numeric?.count,
          straight.distinct,
        ]);
      }),
      { numRuns: 100, seed: 62 },
    );
  });

  it("stays compact: sketches as base64, a 100,000-value sample in about 1.1 MB", () => {
    const profiler = new ColumnProfiler("x");
    for (let i = 0; i < 300_000; i++) profiler.add(Math.sin(i) * 1000);
    const json = JSON.stringify(profiler.toProfile());
    expect(json.length).toBeLessThan(1_200_000);
    expect(json.length).toBeGreaterThan(1_000_000);
  });
});

describe("a broken or hostile profile", () => {
  // Past the exact-value limit (30), so every part of the sketch state is there.
  const good = saved(
    profileOf([1, 2.5, "a", "b", "a", null, NaN, true, ...Array.from({ length: 100 }, (_, i) => i * 1.5)]),
  );
  const edits: [string, (profile: ColumnProfile) => void, RegExp][] = [
    ["a count that does not add up", (p) => void (p.count += 1), /\.count: count is not/],
    ["a wrong type", (p) => void ((p as unknown as { nullCount: string }).nullCount = "1"), /nullCount/],
    [
      "base64 that is not float64",
      (p) => void (p.sketch.reservoir.values = "abc"),
      /sketch\.reservoir\.values: not base64/,
    ],
    [
      "a NaN in the sample",
      (p) => void (p.sketch.reservoir.values = Buffer.alloc(8 * 50, 0xff).toString("base64")),
      /not a finite number/,
    ],
    ["a sample of the wrong size", (p) => void (p.sketch.reservoir.seen += 1), /reservoir\.seen/],
    ["a value counted twice", (p) => void p.sketch.values.entries.push(p.sketch.values.entries[0]!), /listed twice/],
    ["the all-zero generator state", (p) => void (p.sketch.random = [0, 0, 0, 0]), /sketch\.random/],
    ["approximate counts without registers", (p) => void (p.sketch.values.distinct = null), /registers are kept/],
    ["unknown keys", (p) => void ((p as unknown as Record<string, unknown>).extra = 1), /extra|Unrecognized/],
  ];

  it.each(edits)("is refused with a UserError naming the file and key: %s", (_name, edit, message) => {
    const broken = structuredClone(good);
    edit(broken);
    let error: unknown;
    try {
      ColumnProfiler.fromProfile(broken, "baseline/profile/train.json");
    } catch (caught) {
      error = caught;
    }
    expect(isUserError(error)).toBe(true);
    const text = (error as { format(): string }).format();
    expect(text).toMatch(/^baseline\/profile\/train\.json: invalid column profile at /);
    expect(text).toMatch(message);
  });

  it("with HyperLogLog registers out of range is refused", () => {
    const many = saved(profileOf(Array.from({ length: 200 }, (_, i) => `v${i}`)));
    expect(many.sketch.values.mode).toBe("approximate");
    many.sketch.values.distinct = Buffer.alloc(16384, 99).toString("base64");
    expect(() => ColumnProfiler.fromProfile(many, "p.json")).toThrow(/register is out of range/);
  });

  it("a dataset whose columns miss rows is refused", () => {
    const profiler = new DatasetProfiler();
    profiler.addRow({ a: 1, b: "x" });
    const profile = JSON.parse(JSON.stringify(profiler.toProfile())) as ReturnType<DatasetProfiler["toProfile"]>;
    profile.rows = 2;
    expect(() => DatasetProfiler.fromProfile(profile, "p.json")).toThrow(/counts 1 values in 2 rows/);
  });
});

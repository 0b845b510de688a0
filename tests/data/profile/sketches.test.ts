import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hashBoolean, hashNumber, hashString, hashValue } from "../../../packages/data/src/profile/hash.js";
import { HLL_RELATIVE_STANDARD_ERROR, HyperLogLog } from "../../../packages/data/src/profile/hyperloglog.js";
import { KllSketch, kllRankError } from "../../../packages/data/src/profile/kll.js";
import { Random } from "@ctrain/stats";
import { Reservoir } from "../../../packages/data/src/profile/reservoir.js";
import { rankDistance } from "./ranks.js";

const RANKS = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99];

/** Streams in the orders that stress a quantile sketch: random, sorted, reversed, with heavy ties. */
const stream = fc
  .record({
    length: fc.integer({ min: 1, max: 30_000 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 }),
    order: fc.constantFrom("random", "sorted", "reversed", "ties", "zigzag"),
  })
  .map(({ length, seed, order }) => {
    const random = Random.seeded(seed);
    const values = Array.from({ length }, () => random.nextDouble() * 1000 - 500);
    if (order === "sorted") values.sort((a, b) => a - b);
    if (order === "reversed") values.sort((a, b) => b - a);
    if (order === "ties") return values.map((value) => Math.round(value / 100));
    if (order === "zigzag") return values.map((_, i) => (i % 2 === 0 ? i : -i));
    return values;
  });

function sketchOf(values: readonly number[], k: number, seed: number): KllSketch {
  const sketch = new KllSketch(k, Random.seeded(seed));
  for (const value of values) sketch.add(value);
  return sketch;
}

describe("KLL quantile sketch", () => {
  it("keeps every query within the stated rank error (k = 200: 1.33%) on streams in any order", () => {
    fc.assert(
      fc.property(stream, fc.integer({ min: 0, max: 1000 }), (values, seed) => {
        const view = sketchOf(values, 200, seed).sortedView();
        const sorted = Float64Array.from(values).sort();
        for (const rank of RANKS) {
          expect(rankDistance(sorted, view.quantile(rank), rank)).toBeLessThanOrEqual(kllRankError(200));
        }
      }),
      { numRuns: 60, seed: 51 },
    );
  });

  it("stays within the bound for small k and after merges of many small sketches", () => {
    fc.assert(
      fc.property(stream, fc.integer({ min: 1, max: 20 }), fc.constantFrom(8, 16, 32), (values, parts, k) => {
        const size = Math.ceil(values.length / parts);
        const sketches = Array.from({ length: parts }, (_, i) =>
          sketchOf(values.slice(i * size, (i + 1) * size), k, i),
        );
        const merged = sketches.reduce((a, b) => {
          a.merge(b);
          return a;
        });
        const view = merged.sortedView();
        const sorted = Float64Array.from(values).sort();
        for (const rank of RANKS) {
          expect(rankDistance(sorted, view.quantile(rank), rank)).toBeLessThanOrEqual(kllRankError(k));
        }
        expect(Math.abs(view.weight - values.length) / values.length).toBeLessThanOrEqual(kllRankError(k));
      }),
      { numRuns: 60, seed: 52 },
    );
  });

  it("holds a million values within the bound once the sampler has taken over the low levels", () => {
    const random = Random.seeded(53);
    const values = Array.from({ length: 1_000_000 }, () => random.nextDouble() ** 3);
    const sorted = Float64Array.from(values).sort();
    for (const seed of [1, 2, 3]) {
      const view = sketchOf(values, 200, seed).sortedView();
      expect(view.isExact).toBe(false);
      for (const rank of RANKS) {
        expect(rankDistance(sorted, view.quantile(rank), rank)).toBeLessThanOrEqual(kllRankError(200));
      }
    }
  });

  it("is exact below k values", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 199, size: "max" }),
        (values) => {
          const view = sketchOf(values, 200, 0).sortedView();
          const sorted = Float64Array.from(values).sort();
          expect(view.isExact).toBe(true);
          // === rather than Object.is: -0 and 0 are one value to a quantile.
          for (const rank of RANKS)
            expect(view.quantile(rank) === sorted[Math.ceil(rank * values.length) - 1]).toBe(true);
        },
      ),
      { numRuns: 100, seed: 54 },
    );
  });
});

describe("HyperLogLog", () => {
  const cardinalities = [1, 2, 10, 100, 1000, 5000, 20_000, 100_000, 300_000];
  const sources: [string, (i: number) => number][] = [
    ["consecutive integers", (i) => hashNumber(i)],
    ["integers times 2^20", (i) => hashNumber(i * 2 ** 20)],
    ["small fractions", (i) => hashNumber(i / 1024)],
    ["numbered strings", (i) => hashString(`user-${i}`)],
    ["short strings", (i) => hashString(i.toString(36))],
  ];

  it(`estimates within 4 standard errors (4 x ${(HLL_RELATIVE_STANDARD_ERROR * 100).toFixed(2)}%) for structured values`, () => {
    for (const [name, hashOf] of sources) {
      for (const cardinality of cardinalities) {
        const sketch = new HyperLogLog();
        for (let i = 0; i < cardinality; i++) sketch.add(hashOf(i));
        const error = Math.abs(sketch.estimate() / cardinality - 1);
        expect(error, `${name}, ${cardinality} distinct`).toBeLessThanOrEqual(4 * HLL_RELATIVE_STANDARD_ERROR);
      }
    }
  });

  it("counts duplicates once and merges to the registers of the union", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 3000, size: "max" }),
        fc.nat(),
        (values, cut) => {
          const whole = new HyperLogLog();
          for (const value of values) whole.add(hashNumber(value));
          const [left, right] = [new HyperLogLog(), new HyperLogLog()];
          values.forEach((value, i) => (i < cut % (values.length + 1) ? left : right).add(hashNumber(value)));
          left.merge(right);
          expect(Buffer.from(left.registers).equals(Buffer.from(whole.registers))).toBe(true);
        },
      ),
      { numRuns: 50, seed: 55 },
    );
  });
});

describe("value hashes", () => {
  it("tell kinds apart and treat 0 and -0, and all NaNs, as one value", () => {
    expect(new Set([hashNumber(1), hashString("1"), hashBoolean(true), hashString("true")]).size).toBe(4);
    expect(hashNumber(-0)).toBe(hashNumber(0));
    expect(hashNumber(NaN)).toBe(hashNumber(Number("nan")));
    expect(hashValue(false)).toBe(hashBoolean(false));
  });

  it("are 53-bit integers", () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.string()), (value) => {
        const hash = hashValue(value);
        expect(Number.isSafeInteger(hash) && hash >= 0).toBe(true);
      }),
      { seed: 56 },
    );
  });
});

describe("reservoir sampling", () => {
  /** Times each block of `blockSize` consecutive items lands in a sample, over `runs` samples. */
  function inclusionByBlock(
    runs: number,
    blocks: number,
    blockSize: number,
    sample: (run: number) => Float64Array,
  ): number[] {
    const counts = new Array<number>(blocks).fill(0);
    for (let run = 0; run < runs; run++) for (const item of sample(run)) counts[Math.floor(item / blockSize)]!++;
    return counts;
  }

  /** Each block's count within 5 standard deviations of its share (binomial sd, an upper bound for sampling without replacement). */
  function expectUniform(counts: number[], runs: number, capacity: number): void {
    const expected = (runs * capacity) / counts.length;
    const sd = Math.sqrt(expected * (1 - 1 / counts.length));
    for (const count of counts) expect(Math.abs(count - expected), JSON.stringify(counts)).toBeLessThanOrEqual(5 * sd);
  }

  it("gives early and late values of a stream the same chance (Algorithm X skips)", () => {
    const population = 200;
    const capacity = 20;
    const runs = 20_000;
    const counts = inclusionByBlock(runs, 10, population / 10, (run) => {
      const reservoir = new Reservoir(capacity, Random.seeded(run));
      for (let i = 0; i < population; i++) reservoir.add(i);
      expect(reservoir.size).toBe(capacity);
      return reservoir.sample();
    });
    expectUniform(counts, runs, capacity);
  });

  it("merges into a uniform sample of the union, weighting each side by what it has seen", () => {
    const capacity = 40;
    const runs = 20_000;
    // Side A saw items 0..149, side B items 150..599: a fair merge takes a quarter from A, not half.
    const counts = inclusionByBlock(runs, 10, 60, (run) => {
      const a = new Reservoir(capacity, Random.seeded(2 * run));
      const b = new Reservoir(capacity, Random.seeded(2 * run + 1));
      for (let i = 0; i < 150; i++) a.add(i);
      for (let i = 150; i < 600; i++) b.add(i);
      return a.merged(b).sample();
    });
    expectUniform(counts, runs, capacity);
  });

  it("merges a reservoir that holds everything it saw with one that samples", () => {
    const capacity = 30;
    const runs = 20_000;
    const counts = inclusionByBlock(runs, 10, 50, (run) => {
      const small = new Reservoir(capacity, Random.seeded(3 * run));
      const large = new Reservoir(capacity, Random.seeded(3 * run + 1));
      for (let i = 0; i < 20; i++) small.add(i);
      for (let i = 20; i < 500; i++) large.add(i);
      const merged = large.merged(small);
      expect(merged.seen).toBe(500);
      return merged.sample();
    });
    expectUniform(counts, runs, capacity);
  });
});

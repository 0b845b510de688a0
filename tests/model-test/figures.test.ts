import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CtrainConfig } from "@ctrain/core";
import { describeBudgetFailure, judgeFigures, latencyPercentiles, withinTolerance } from "@ctrain/model-test";
import { runReference } from "../metrics/python-reference.js";

const latencySamples = fc.array(fc.double({ min: 0, max: 5000, noNaN: true }), { minLength: 1, maxLength: 300 });

describe("latency percentiles", () => {
  it("equal numpy.percentile (linear) on samples of every size, ties and outliers included", () => {
    const samples = [
      [7],
      [1, 2],
      [5, 5, 5, 5],
      [1, 1000, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
      ...fc.sample(latencySamples, 60),
    ];
    const expected = runReference<{ percentiles: number[][] }>("model_test_numpy.py", {
      percentiles: samples,
      isclose: [],
    }).percentiles;
    samples.forEach((sample, index) => {
      const ours = latencyPercentiles(sample);
      const [p50, p95, p99] = expected[index]!;
      expect(ours["p50-ms"]).toBeCloseTo(p50!, 9);
      expect(ours["p95-ms"]).toBeCloseTo(p95!, 9);
      expect(ours["p99-ms"]).toBeCloseTo(p99!, 9);
    });
  });

  it("do not depend on the order the requests came back in", () => {
    fc.assert(
      fc.property(latencySamples, (sample) => {
        expect(latencyPercentiles([...sample].reverse())).toEqual(latencyPercentiles(sample));
      }),
    );
  });
});

describe("numeric tolerance of expected outputs", () => {
  it("equals numpy.isclose, on the boundary and around it", () => {
    const cases: [number, number, number, number][] = [
      [1, 1, 0, 0],
      [1.1, 1, 0.1, 0],
      [1.2, 1, 0.1, 0],
      [100.001, 100, 0, 1e-5],
      [100.002, 100, 0, 1e-5],
      [-3, 3, 10, 0],
      [0, 1e-9, 1e-8, 1e-5],
      [Number.NaN, Number.NaN, 0, 0],
      [Number.NaN, 1, 1, 1],
      ...fc.sample(
        fc.tuple(
          fc.double({ min: -1e6, max: 1e6, noNaN: true }),
          fc.double({ min: -1e6, max: 1e6, noNaN: true }),
          fc.constantFrom(0, 1e-8, 1e-3, 0.5),
          fc.constantFrom(0, 1e-5, 1e-2),
        ),
        200,
      ),
    ];
    // Half the drawn cases sit just inside or outside the tolerance, where a sign or factor slip would show.
    const edged = cases.map(([actual, expected, atol, rtol], index): [number, number, number, number] =>
      index > 8 && index % 2 === 0
        ? [expected + (atol + rtol * Math.abs(expected)) * (index % 4 === 0 ? 0.999 : 1.001), expected, atol, rtol]
        : [actual, expected, atol, rtol],
    );
    const expected = runReference<{ isclose: boolean[] }>("model_test_numpy.py", {
      percentiles: [],
      isclose: edged.map((row) => row.map((value) => (Number.isNaN(value) ? "NaN" : value))),
    }).isclose;
    expect(edged.map(([a, e, atol, rtol]) => withinTolerance(a, e, { absolute: atol, relative: rtol }))).toEqual(
      expected,
    );
  });
});

describe("budgets", () => {
  const budgets = CtrainConfig.parse({
    "model-test": { command: "x", inputs: "x", budgets: { "p95-ms": 50, "model-size-mb": 100 } },
  })["model-test"]!.budgets;

  it("pass a figure at its budget and fail one above it; figures without a budget pass", () => {
    const figures = judgeFigures({ "p95-ms": 50, "model-size-mb": 100.000001, "p50-ms": 1e9 }, budgets);
    expect(figures).toEqual([
      { name: "p50-ms", metric: "model-test:latency-p50-ms", value: 1e9, passed: true },
      { name: "p95-ms", metric: "model-test:latency-p95-ms", value: 50, budget: 50, passed: true },
      { name: "model-size-mb", metric: "model-test:model-size-mb", value: 100.000001, budget: 100, passed: false },
    ]);
    expect(describeBudgetFailure(figures[2]!)).toBe(
      "model size 100 MiB is over its budget of 100 MiB (model-test.budgets.model-size-mb)",
    );
  });

  it("refuse a peak-memory budget with an image, whose memory is not measured", () => {
    const parsed = CtrainConfig.safeParse({
      "model-test": { command: "x", inputs: "x", image: "python:3.12", budgets: { "peak-memory-mb": 512 } },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(["model-test", "budgets", "peak-memory-mb"]);
  });
});

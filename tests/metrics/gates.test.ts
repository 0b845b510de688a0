import { describe, expect, it } from "vitest";
import { isUserError } from "@ctrain/core";
import {
  evaluateGates,
  mcnemarChangeTest,
  mcnemarFromCounts,
  noiseBandChangeTest,
  type ChangeTest,
  type MetricGate,
  type MetricMap,
  type Verdict,
} from "@ctrain/metrics";

interface Row {
  name: string;
  gate: MetricGate;
  candidate: number | undefined | { nonFinite: "NaN" };
  baseline?: number;
  test?: ChangeTest;
  verdict: Verdict;
  reason?: RegExp;
}

/** A normal test of the change with this standard error (the noise band's test, on a band built to give it). */
const normal = (delta: number, standardError: number): ChangeTest =>
  noiseBandChangeTest({ runs: 10, median: 0, mad: 0, sd: standardError / Math.SQRT2 }, delta);

const mcnemar = (b: number, c: number, rows: number): ChangeTest =>
  mcnemarChangeTest({ ...mcnemarFromCounts(b, c), delta: (c - b) / rows }, rows);

const rows: Row[] = [
  {
    name: "min is inclusive; without a baseline the change is skipped",
    gate: { direction: "higher", min: 0.8 },
    candidate: 0.8,
    verdict: "skipped",
    reason: />= min 0.8/,
  },
  {
    name: "below min fails",
    gate: { direction: "higher", min: 0.8 },
    candidate: 0.79,
    verdict: "failed",
    reason: /< min 0.8/,
  },
  {
    name: "above max fails even with a baseline",
    gate: { direction: "lower", max: 0.3 },
    candidate: 0.31,
    baseline: 0.2,
    test: normal(0.11, 0.01),
    verdict: "failed",
    reason: /> max 0.3/,
  },
  {
    name: "a change the test shows is real is improved",
    gate: { direction: "higher", change: { absolute: 0 } },
    candidate: 0.85,
    baseline: 0.8,
    test: normal(0.05, 0.01),
    verdict: "improved",
  },
  {
    name: "noise is unchanged whatever the sign (the demo's roc_auc: +0.00015, interval [-0.0020, 0.0023])",
    gate: { direction: "higher", change: { absolute: -0.01 }, significance: "regression" },
    candidate: 0.90015,
    baseline: 0.9,
    test: normal(0.00015, 0.00109),
    verdict: "unchanged",
    reason: /cannot tell it from noise/,
  },
  {
    name: "a change nobody tested is never improved: unchanged, and says why",
    gate: { direction: "higher", change: { absolute: 0 } },
    candidate: 0.85,
    baseline: 0.8,
    verdict: "unchanged",
    reason: /not tested/,
  },
  {
    name: "any point regression fails at bound 0 (significance none)",
    gate: { direction: "higher", change: { absolute: 0 } },
    candidate: 0.79,
    baseline: 0.8,
    verdict: "failed",
    reason: /improvement -0.01\d* < bound 0/,
  },
  {
    name: "a real drop within the non-inferiority margin is regressed",
    gate: { direction: "higher", change: { absolute: -0.02 } },
    candidate: 0.79,
    baseline: 0.8,
    test: normal(-0.01, 0.003),
    verdict: "regressed",
  },
  {
    name: "a drop within the margin that the test cannot tell from noise is unchanged",
    gate: { direction: "higher", change: { absolute: -0.02 } },
    candidate: 0.79,
    baseline: 0.8,
    test: normal(-0.01, 0.01),
    verdict: "unchanged",
  },
  {
    name: "a point violation fails without significance, and says when the test cannot confirm it",
    gate: { direction: "higher", change: { absolute: -0.01 } },
    candidate: 0.788,
    baseline: 0.8,
    test: normal(-0.012, 0.01),
    verdict: "failed",
    reason: /cannot confirm the violation \(one-sided p = 0\.42\d*\): `significance: regression`/,
  },
  {
    name: "margin exceeded fails",
    gate: { direction: "higher", change: { absolute: -0.02 } },
    candidate: 0.77,
    baseline: 0.8,
    verdict: "failed",
  },
  {
    name: "must improve by 0.01, did not",
    gate: { direction: "higher", change: { absolute: 0.01 } },
    candidate: 0.805,
    baseline: 0.8,
    verdict: "failed",
  },
  {
    name: "lower is better: a real loss drop is improved",
    gate: { direction: "lower", change: { absolute: 0 } },
    candidate: 0.4,
    baseline: 0.5,
    test: normal(-0.1, 0.02),
    verdict: "improved",
  },
  {
    name: "lower is better: a real loss rise within a 5% relative margin is regressed",
    gate: { direction: "lower", change: { relative: -0.05 } },
    candidate: 0.52,
    baseline: 0.5,
    test: normal(0.02, 0.005),
    verdict: "regressed",
  },
  {
    name: "lower is better: a loss rise past a 5% relative margin fails",
    gate: { direction: "lower", change: { relative: -0.05 } },
    candidate: 0.53,
    baseline: 0.5,
    verdict: "failed",
  },
  {
    name: "negative baseline: relative uses |baseline| (R2 -0.5 -> -0.4 clears +10%)",
    gate: { direction: "higher", change: { relative: 0.1 } },
    candidate: -0.4,
    baseline: -0.5,
    test: normal(0.1, 0.02),
    verdict: "improved",
    reason: /improvement 0.1\d* >= bound 0.05/,
  },
  {
    name: "negative baseline: R2 -0.5 -> -0.6 is a regression past -10%",
    gate: { direction: "higher", change: { relative: -0.1 } },
    candidate: -0.6,
    baseline: -0.5,
    verdict: "failed",
  },
  {
    name: "baseline ~0 makes a relative bound undefined: inconclusive, says so",
    gate: { direction: "higher", change: { relative: 0.1 } },
    candidate: 0.2,
    baseline: 1e-13,
    verdict: "inconclusive",
    reason: /relative change undefined: baseline .* ~0/,
  },
  {
    name: "baseline ~0 with an absolute bound too: the absolute bound decides",
    gate: { direction: "higher", change: { relative: 0.1, absolute: 0.05 } },
    candidate: 0.2,
    baseline: 0,
    test: normal(0.2, 0.02),
    verdict: "improved",
  },
  {
    name: "NaN candidate fails with a reason",
    gate: { direction: "higher", min: 0 },
    candidate: { nonFinite: "NaN" },
    verdict: "failed",
    reason: /NaN/,
  },
  {
    name: "missing candidate fails",
    gate: { direction: "higher", min: 0.5 },
    candidate: undefined,
    baseline: 0.6,
    verdict: "failed",
    reason: /missing from the candidate/,
  },
  {
    name: "first run: the change is skipped, value thresholds still gate",
    gate: { direction: "higher", min: 0.5, change: { absolute: 0 } },
    candidate: 0.7,
    verdict: "skipped",
    reason: /no baseline value/,
  },
  {
    name: "significance regression: a significant drop past the bound fails",
    gate: { direction: "higher", change: { absolute: 0 }, significance: "regression" },
    candidate: 0.78,
    baseline: 0.8,
    test: normal(-0.02, 0.005),
    verdict: "failed",
    reason: /significantly below the bound/,
  },
  {
    name: "significance regression: a drop past the bound within noise does not fail",
    gate: { direction: "higher", change: { absolute: 0 }, significance: "regression" },
    candidate: 0.79,
    baseline: 0.8,
    test: normal(-0.01, 0.01),
    verdict: "unchanged",
    reason: /below the bound, but not significantly/,
  },
  {
    name: "significance regression: margin -0.02, significantly below it fails",
    gate: { direction: "higher", change: { absolute: -0.02 }, significance: "regression" },
    candidate: 0.75,
    baseline: 0.8,
    test: normal(-0.05, 0.01),
    verdict: "failed",
  },
  {
    name: "significance regression: a drop that is real but not significantly past the margin is regressed",
    gate: { direction: "higher", change: { absolute: -0.02 }, significance: "regression" },
    candidate: 0.775,
    baseline: 0.8,
    test: normal(-0.025, 0.008),
    verdict: "regressed",
  },
  {
    name: "significance regression, no test: nothing past the margin to test, so the untested change stands",
    gate: { direction: "higher", change: { absolute: -0.01 }, significance: "regression" },
    candidate: 0.81,
    baseline: 0.8,
    verdict: "unchanged",
    reason: /not tested/,
  },
  {
    name: "significance regression, no test: a drop past the margin cannot be tested and is inconclusive",
    gate: { direction: "higher", change: { absolute: -0.01 }, significance: "regression" },
    candidate: 0.75,
    baseline: 0.8,
    verdict: "inconclusive",
    reason: /needs a test of the change, and there is none/,
  },
  {
    name: "significance improvement: a clearance not shown is inconclusive",
    gate: { direction: "higher", significance: "improvement" },
    candidate: 0.81,
    baseline: 0.8,
    test: normal(0.01, 0.0076),
    verdict: "inconclusive",
    reason: /not shown to clear the bound/,
  },
  {
    name: "significance improvement: a significant clearance is improved",
    gate: { direction: "higher", significance: "improvement" },
    candidate: 0.82,
    baseline: 0.8,
    test: normal(0.02, 0.0076),
    verdict: "improved",
  },
  {
    name: "significance improvement: one-sided, so p 0.04 one-sided clears where two-sided would not",
    gate: { direction: "higher", change: { absolute: -0.01 }, significance: "improvement" },
    candidate: 0.8,
    baseline: 0.8,
    test: normal(0, 0.01 / 1.7507),
    verdict: "unchanged",
  },
  {
    name: "significance improvement: a non-inferiority margin not cleared, point below it, fails",
    gate: { direction: "higher", change: { absolute: -0.01 }, significance: "improvement" },
    candidate: 0.785,
    baseline: 0.8,
    test: normal(-0.015, 0.01),
    verdict: "failed",
  },
  {
    name: "significance both: a change the two-sided test cannot place against the bound is inconclusive",
    gate: { direction: "higher", change: { absolute: 0 }, significance: "both" },
    candidate: 0.805,
    baseline: 0.8,
    test: normal(0.005, 0.01),
    verdict: "inconclusive",
    reason: /cannot tell the change from the bound/,
  },
  {
    name: "significance both: significantly below fails",
    gate: { direction: "higher", change: { absolute: 0 }, significance: "both" },
    candidate: 0.75,
    baseline: 0.8,
    test: normal(-0.05, 0.01),
    verdict: "failed",
  },
  {
    name: "significance both: significantly above is improved",
    gate: { direction: "higher", change: { absolute: 0 }, significance: "both" },
    candidate: 0.85,
    baseline: 0.8,
    test: normal(0.05, 0.01),
    verdict: "improved",
  },
  {
    name: "significance on a lower-is-better metric tests the mirrored side",
    gate: { direction: "lower", significance: "regression" },
    candidate: 0.6,
    baseline: 0.5,
    test: normal(0.1, 0.03),
    verdict: "failed",
  },
  {
    name: "McNemar: a significant regression fails (b=30, c=10, exact p 0.0022)",
    gate: { direction: "higher", significance: "regression" },
    candidate: 0.78,
    baseline: 0.8,
    test: mcnemar(30, 10, 1000),
    verdict: "failed",
  },
  {
    name: "McNemar: C 1.0 -> 0.9 flipped 1 of 171 predictions (p = 1) is unchanged, not improved",
    gate: { direction: "higher", change: { absolute: 0 } },
    candidate: 0.9532,
    baseline: 0.9474,
    test: mcnemar(0, 1, 171),
    verdict: "unchanged",
  },
  {
    name: "significance asked, no test: a drop is inconclusive with the reason",
    gate: { direction: "higher", change: { absolute: 0 }, significance: "regression" },
    candidate: 0.7,
    baseline: 0.8,
    verdict: "inconclusive",
    reason: /needs a test/,
  },
];

describe("gate semantics", () => {
  it.each(rows)("$name", (row) => {
    const candidate: MetricMap = row.candidate === undefined ? {} : { m: row.candidate };
    const baseline: MetricMap | undefined = row.baseline === undefined ? undefined : { m: row.baseline };
    const report = evaluateGates({
      gates: { m: row.gate },
      candidate,
      baseline,
      tests: row.test ? { m: row.test } : undefined,
    });
    const [verdict] = report.metrics;
    expect(verdict!.verdict, verdict!.reasons.join("; ")).toBe(row.verdict);
    if (row.reason) expect(verdict!.reasons.join("\n")).toMatch(row.reason);
    if (row.test && row.baseline !== undefined) {
      expect(verdict!.methods).toContain(row.test.method);
      // The one interval recorded is the test's, at 1 - alpha.
      expect(verdict!.evidence?.interval?.confidence).toBeCloseTo(1 - (row.gate.alpha ?? 0.05), 12);
      expect(verdict!.evidence?.pValue).toBeCloseTo(row.test.pValue(0, "two-sided"), 12);
    }
    if (!row.test && row.baseline !== undefined && row.candidate !== undefined) {
      expect(verdict!.evidence?.method).toBe("none");
    }
  });

  it("a threshold on a non-numeric metric is a user error naming it", () => {
    try {
      evaluateGates({ gates: { model: { direction: "higher", min: 1 } }, candidate: { model: "resnet" } });
      expect.unreachable();
    } catch (error) {
      expect(isUserError(error)).toBe(true);
      expect((error as Error).message).toMatch(/gate on "model", whose value "resnet" is not a number/);
    }
  });

  it("overall: failed beats everything, then inconclusive; passed when a gate judged anything; else skipped", () => {
    const gates = {
      a: { direction: "higher", change: { absolute: -0.1 } },
      b: { direction: "higher", change: { absolute: 0 } },
    } as const;
    const tests = { a: normal(-0.05, 0.01), b: normal(0.1, 0.01) };
    const within = evaluateGates({ gates, candidate: { a: 0.75, b: 0.9 }, baseline: { a: 0.8, b: 0.8 }, tests });
    expect(within.metrics.map((m) => m.verdict)).toEqual(["regressed", "improved"]);
    expect(within.verdict).toBe("regressed");
    expect(within.overall).toBe("passed");
    const failed = evaluateGates({ gates, candidate: { a: 0.85, b: 0.7 }, baseline: { a: 0.8, b: 0.8 } });
    expect(failed.overall).toBe("failed");
    const firstRun = evaluateGates({ gates, candidate: { a: 0.8, b: 0.8 } });
    expect([firstRun.verdict, firstRun.overall]).toEqual(["skipped", "skipped"]);
    // A value threshold checked on a first run is a judgement: the comparison passed.
    const valueOnly = evaluateGates({ gates: { a: { direction: "higher", min: 0.5 } }, candidate: { a: 0.8 } });
    expect([valueOnly.verdict, valueOnly.overall]).toEqual(["skipped", "passed"]);
  });

  it("slice gates: a * in the key gates every matching slice, an exact key wins", () => {
    const candidate = {
      "slice:region=eu/accuracy": 0.9,
      "slice:region=us/accuracy": 0.6,
      "slice:region=apac/accuracy": 0.85,
      accuracy: 0.8,
    };
    const report = evaluateGates({
      gates: {
        "slice:region=*/accuracy": { direction: "higher", min: 0.7 },
        "slice:region=us/accuracy": { direction: "higher", min: 0.5 },
      },
      candidate,
    });
    const byMetric = Object.fromEntries(report.metrics.map((m) => [m.metric, m]));
    expect(Object.keys(byMetric).sort()).toEqual([
      "slice:region=apac/accuracy",
      "slice:region=eu/accuracy",
      "slice:region=us/accuracy",
    ]);
    expect(byMetric["slice:region=us/accuracy"]!.verdict).toBe("skipped");
    expect(report.overall).toBe("passed");
    expect(byMetric["slice:region=us/accuracy"]!.gate).toBe("slice:region=us/accuracy");
    expect(byMetric["slice:region=eu/accuracy"]!.gate).toBe("slice:region=*/accuracy");
    const none = evaluateGates({ gates: { "slice:country=*/accuracy": { direction: "higher", min: 0.5 } }, candidate });
    expect(none.verdict).toBe("failed");
    expect(none.metrics[0]!.reasons[0]).toMatch(/no metric matches/);
  });

  it("a * gate leaves out a metric file's value kept beside the evaluated one", () => {
    const report = evaluateGates({
      gates: { "*accuracy": { direction: "higher", min: 0.7 } },
      candidate: {
        accuracy: 0.8,
        "metrics.json:accuracy": 0.5,
        "reported:accuracy": 0.5,
        "slice:plan=pro/accuracy": 0.9,
      },
    });
    expect(report.metrics.map((m) => m.metric).sort()).toEqual(["accuracy", "slice:plan=pro/accuracy"]);
    expect(report.overall).toBe("passed");
  });

  it("relative delta is reported against |baseline| and null when the baseline is ~0", () => {
    const [negative] = evaluateGates({
      gates: { r2: { direction: "higher", min: -1 } },
      candidate: { r2: -0.4 },
      baseline: { r2: -0.5 },
    }).metrics;
    expect(negative!.delta).toBeCloseTo(0.1, 12);
    expect(negative!.relativeDelta).toBeCloseTo(0.2, 12);
    const [zero] = evaluateGates({
      gates: { x: { direction: "higher", min: -1 } },
      candidate: { x: 0.1 },
      baseline: { x: 0 },
    }).metrics;
    expect(zero!.relativeDelta).toBeNull();
  });
});

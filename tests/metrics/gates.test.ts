import { describe, expect, it } from "vitest";
import { isUserError } from "@ctrain/core";
import { evaluateGates, type ChangeEvidence, type MetricGate, type MetricMap, type Verdict } from "@ctrain/metrics";

interface Row {
  name: string;
  gate: MetricGate;
  candidate: number | undefined | { nonFinite: "NaN" };
  baseline?: number;
  evidence?: ChangeEvidence;
  verdict: Verdict;
  reason?: RegExp;
}

const bootstrap = (low: number, high: number): ChangeEvidence => ({
  method: "bootstrap",
  result: {
    baseline: 0,
    candidate: 0,
    delta: (low + high) / 2,
    interval: [low, high],
    confidence: 0.95,
    method: "bca",
    resamples: 2000,
    seed: 1,
    scheme: "multinomial-cells",
    standardError: (high - low) / 4,
  },
});

const rows: Row[] = [
  { name: "min is inclusive", gate: { direction: "higher", min: 0.8 }, candidate: 0.8, verdict: "pass" },
  {
    name: "below min fails",
    gate: { direction: "higher", min: 0.8 },
    candidate: 0.79,
    verdict: "failed",
    reason: /< min 0.8/,
  },
  { name: "max is inclusive", gate: { direction: "lower", max: 0.3 }, candidate: 0.3, verdict: "pass" },
  {
    name: "above max fails",
    gate: { direction: "lower", max: 0.3 },
    candidate: 0.31,
    verdict: "failed",
    reason: /> max 0.3/,
  },
  {
    name: "higher: improvement",
    gate: { direction: "higher", change: { absolute: 0 } },
    candidate: 0.85,
    baseline: 0.8,
    verdict: "improved",
  },
  {
    name: "higher: any regression fails at bound 0",
    gate: { direction: "higher", change: { absolute: 0 } },
    candidate: 0.79,
    baseline: 0.8,
    verdict: "failed",
  },
  {
    name: "higher: non-inferiority margin absorbs a small drop",
    gate: { direction: "higher", change: { absolute: -0.02 } },
    candidate: 0.79,
    baseline: 0.8,
    verdict: "regressed-within-tolerance",
  },
  {
    name: "higher: margin exceeded",
    gate: { direction: "higher", change: { absolute: -0.02 } },
    candidate: 0.77,
    baseline: 0.8,
    verdict: "failed",
  },
  {
    name: "higher: must improve by 0.01, did not",
    gate: { direction: "higher", change: { absolute: 0.01 } },
    candidate: 0.805,
    baseline: 0.8,
    verdict: "failed",
  },
  {
    name: "lower: loss drop is an improvement",
    gate: { direction: "lower", change: { absolute: 0 } },
    candidate: 0.4,
    baseline: 0.5,
    verdict: "improved",
  },
  {
    name: "lower: loss rise within a 5% relative margin",
    gate: { direction: "lower", change: { relative: -0.05 } },
    candidate: 0.52,
    baseline: 0.5,
    verdict: "regressed-within-tolerance",
  },
  {
    name: "lower: loss rise past a 5% relative margin",
    gate: { direction: "lower", change: { relative: -0.05 } },
    candidate: 0.53,
    baseline: 0.5,
    verdict: "failed",
  },
  {
    name: "negative baseline: relative uses |baseline| (R2 -0.5 -> -0.4 is an improvement)",
    gate: { direction: "higher", change: { relative: 0.1 } },
    candidate: -0.4,
    baseline: -0.5,
    verdict: "improved",
    reason: /relative improvement 0.\d+ >= relative bound 0.1/,
  },
  {
    name: "negative baseline: R2 -0.5 -> -0.6 is a regression",
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
    verdict: "failed",
    reason: /missing from the candidate/,
  },
  {
    name: "first run: change thresholds skipped, value thresholds gate",
    gate: { direction: "higher", min: 0.5, change: { absolute: 0 } },
    candidate: 0.7,
    verdict: "pass",
    reason: /no baseline value/,
  },
  {
    name: "first run, change thresholds only: skipped",
    gate: { direction: "higher", change: { absolute: 0 } },
    candidate: 0.7,
    verdict: "skipped",
  },
  {
    name: "significance regression: a significant drop fails",
    gate: { direction: "higher", change: { absolute: 0 }, significance: "regression" },
    candidate: 0.78,
    baseline: 0.8,
    evidence: bootstrap(-0.03, -0.01),
    verdict: "failed",
  },
  {
    name: "significance regression: a drop within noise is inconclusive",
    gate: { direction: "higher", change: { absolute: 0 }, significance: "regression" },
    candidate: 0.79,
    baseline: 0.8,
    evidence: bootstrap(-0.03, 0.01),
    verdict: "inconclusive",
  },
  {
    name: "significance regression: margin -0.02, interval wholly below it fails",
    gate: { direction: "higher", change: { absolute: -0.02 }, significance: "regression" },
    candidate: 0.75,
    baseline: 0.8,
    evidence: bootstrap(-0.07, -0.03),
    verdict: "failed",
  },
  {
    name: "significance regression without evidence: an improvement has nothing to test and is improved",
    gate: { direction: "higher", change: { absolute: -0.01 }, significance: "regression" },
    candidate: 0.81,
    baseline: 0.8,
    verdict: "improved",
  },
  {
    name: "significance regression without evidence: a drop past the margin cannot be tested and is inconclusive",
    gate: { direction: "higher", change: { absolute: -0.01 }, significance: "regression" },
    candidate: 0.75,
    baseline: 0.8,
    verdict: "inconclusive",
    reason: /no paired predictions or baseline history/,
  },
  {
    name: "significance improvement: improvement not significant is inconclusive",
    gate: { direction: "higher", significance: "improvement" },
    candidate: 0.81,
    baseline: 0.8,
    evidence: bootstrap(-0.005, 0.025),
    verdict: "inconclusive",
  },
  {
    name: "significance improvement: significant improvement passes",
    gate: { direction: "higher", significance: "improvement" },
    candidate: 0.82,
    baseline: 0.8,
    evidence: bootstrap(0.005, 0.035),
    verdict: "improved",
  },
  {
    name: "significance on a lower-is-better metric reads the interval mirrored",
    gate: { direction: "lower", significance: "regression" },
    candidate: 0.6,
    baseline: 0.5,
    evidence: bootstrap(0.05, 0.15),
    verdict: "failed",
  },
  {
    name: "McNemar: significant regression fails",
    gate: { direction: "higher", significance: "regression" },
    candidate: 0.78,
    baseline: 0.8,
    evidence: {
      method: "mcnemar",
      result: {
        baselineOnlyCorrect: 30,
        candidateOnlyCorrect: 10,
        delta: -0.02,
        pValue: 0.002,
        chiSquare: { statistic: 10, pValue: 0.0016, correctedPValue: 0.002 },
      },
    },
    verdict: "failed",
  },
  {
    name: "noise band: inside the band is inconclusive for a failed change threshold",
    gate: { direction: "higher", change: { absolute: 0 }, significance: "regression" },
    candidate: 0.795,
    baseline: 0.8,
    evidence: {
      method: "noise-band",
      result: { runs: 5, median: 0.8, mad: 0.01, halfWidth: 0.044478, k: 3, delta: -0.005, outside: false },
    },
    verdict: "inconclusive",
  },
  {
    name: "significance asked, no evidence: inconclusive with the reason",
    gate: { direction: "higher", change: { absolute: 0 }, significance: "regression" },
    candidate: 0.7,
    baseline: 0.8,
    verdict: "inconclusive",
    reason: /no paired predictions or baseline history/,
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
      evidence: row.evidence ? { m: row.evidence } : undefined,
    });
    const [verdict] = report.metrics;
    expect(verdict!.verdict, verdict!.reasons.join("; ")).toBe(row.verdict);
    if (row.reason) expect(verdict!.reasons.join("\n")).toMatch(row.reason);
    if (row.evidence) expect(verdict!.methods).toContain(row.evidence.method);
    expect(verdict!.methods.length + (row.verdict === "skipped" ? 1 : 0)).toBeGreaterThan(0);
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

  it("overall verdict: failed beats everything, then inconclusive, regressed-within-tolerance, improved, pass", () => {
    const gates = {
      a: { direction: "higher", change: { absolute: -0.1 } },
      b: { direction: "higher", change: { absolute: 0 } },
    } as const;
    const within = evaluateGates({ gates, candidate: { a: 0.75, b: 0.9 }, baseline: { a: 0.8, b: 0.8 } });
    expect(within.metrics.map((m) => m.verdict)).toEqual(["regressed-within-tolerance", "improved"]);
    expect(within.verdict).toBe("regressed-within-tolerance");
    expect(evaluateGates({ gates, candidate: { a: 0.85, b: 0.9 }, baseline: { a: 0.8, b: 0.8 } }).verdict).toBe(
      "improved",
    );
    expect(evaluateGates({ gates, candidate: { a: 0.85, b: 0.7 }, baseline: { a: 0.8, b: 0.8 } }).verdict).toBe(
      "failed",
    );
    expect(evaluateGates({ gates, candidate: { a: 0.8, b: 0.8 } }).verdict).toBe("skipped");
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
    expect(byMetric["slice:region=us/accuracy"]!.verdict).toBe("pass");
    expect(byMetric["slice:region=us/accuracy"]!.gate).toBe("slice:region=us/accuracy");
    expect(byMetric["slice:region=eu/accuracy"]!.gate).toBe("slice:region=*/accuracy");
    const none = evaluateGates({ gates: { "slice:country=*/accuracy": { direction: "higher", min: 0.5 } }, candidate });
    expect(none.verdict).toBe("failed");
    expect(none.metrics[0]!.reasons[0]).toMatch(/no metric matches/);
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

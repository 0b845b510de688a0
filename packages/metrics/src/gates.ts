import { METRIC_VERDICTS_BY_SEVERITY, UserError, isReportedCopy } from "@ctrain/core";
import type { Alternative } from "./bootstrap.js";
import type { ChangeTest } from "./change-test.js";
import { formatMetricValue, numberOf, type MetricMap, type MetricValue } from "./metric-value.js";

/**
 * One metric's gate, the shape ctrain.yml's `metrics.<name>` produces.
 * - min / max: value thresholds, inclusive.
 * - change: bounds on the change against the baseline, signed in the direction of improvement for both
 *   directions: a negative bound is a non-inferiority margin ("may get worse by at most this"), a positive
 *   one a required improvement. absolute is in metric units; relative is a fraction of |baseline|.
 * - significance: how the change bound is tested at `alpha` (default 0.05), the same for every test.
 *   "none": the point estimate decides. "regression": failing needs a significant violation (one-sided).
 *   "improvement": passing needs a significant clearance (one-sided). "both": two-sided, the gate decides
 *   only what the test shows either way.
 * Whatever `significance` says, the label (improved, regressed, unchanged) comes from the change test against 0,
 * two-sided at alpha: a label claims a change only when the evidence says it is real.
 */
export interface MetricGate {
  readonly direction: "higher" | "lower";
  readonly min?: number;
  readonly max?: number;
  readonly change?: { readonly absolute?: number; readonly relative?: number };
  readonly significance?: "none" | "regression" | "improvement" | "both";
  readonly alpha?: number;
}

export type Verdict = (typeof METRIC_VERDICTS_BY_SEVERITY)[number];
export type VerdictMethod = "value-threshold" | "change-threshold" | ChangeTest["method"];

/** The evidence a verdict rested on, as comparison.json records it. */
export interface VerdictEvidence {
  readonly method: ChangeTest["method"] | "none";
  readonly alpha: number;
  /** The change's interval at 1 - alpha, two-sided: the one interval shown for this metric. */
  readonly interval?: {
    readonly low: number;
    readonly high: number;
    readonly confidence: number;
    readonly method: string;
  };
  /** Two-sided p of "no change". */
  readonly pValue?: number;
  /** The test of the gate's bound. */
  readonly bound?: { readonly delta: number; readonly alternative: Alternative; readonly pValue: number };
  readonly size?: number;
  readonly note?: string;
}

export interface MetricVerdict {
  /** The metric key judged (a slice gate with `*` yields one verdict per matching slice). */
  readonly metric: string;
  /** The gate key that applied. */
  readonly gate: string;
  readonly verdict: Verdict;
  readonly candidate: MetricValue | undefined;
  readonly baseline: MetricValue | undefined;
  /** candidate - baseline; null when either is missing or not a number. */
  readonly delta: number | null;
  /** delta / |baseline|; null also when |baseline| < BASELINE_ZERO. */
  readonly relativeDelta: number | null;
  /** Absent when there was no baseline value to compare with. */
  readonly evidence?: VerdictEvidence;
  /** The checks that decided the verdict. */
  readonly methods: readonly VerdictMethod[];
  /** One line per check: which bound, what was found. */
  readonly reasons: readonly string[];
}

export interface GateReport {
  /** The worst metric verdict (METRIC_VERDICTS_BY_SEVERITY order); skipped when there is none. */
  readonly verdict: Verdict;
  /** failed, else inconclusive, else passed when any gate judged something (a value or a change), else skipped. */
  readonly overall: "failed" | "inconclusive" | "passed" | "skipped";
  readonly metrics: readonly MetricVerdict[];
}

/** Below this |baseline| a relative change is undefined: the gate says so instead of dividing. */
export const BASELINE_ZERO = 1e-12;

export interface GateInput {
  readonly gates: Readonly<Record<string, MetricGate>>;
  readonly candidate: MetricMap;
  /** Absent on the first run: change thresholds are skipped, value thresholds still gate. */
  readonly baseline?: MetricMap;
  /** The change test per metric key: paired predictions, else the base branch's noise band. */
  readonly tests?: Readonly<Record<string, ChangeTest>>;
  /** Why a metric has no test, per metric key (else a generic reason is given). */
  readonly untested?: Readonly<Record<string, string>>;
}

export function evaluateGates(input: GateInput): GateReport {
  const metrics = expandGates(input).map(([metric, gateKey, gate]) => judgeMetric(metric, gateKey, gate, input));
  const verdict = overallVerdict(metrics.map((m) => m.verdict));
  const judged = metrics.some((m) => m.verdict !== "skipped" || m.methods.includes("value-threshold"));
  const overall =
    verdict === "failed" || verdict === "inconclusive" ? verdict : judged ? ("passed" as const) : ("skipped" as const);
  return { verdict, overall, metrics };
}

export function overallVerdict(verdicts: readonly Verdict[]): Verdict {
  return METRIC_VERDICTS_BY_SEVERITY.find((verdict) => verdicts.includes(verdict)) ?? "skipped";
}

/**
 * Gate keys are metric keys; a `*` matches any run of characters, so `slice:region=*\/accuracy` gates the
 * accuracy of every region slice found in the candidate or the baseline. An exact key wins over a pattern.
 */
function expandGates(input: GateInput): [string, string, MetricGate][] {
  const known = [...new Set([...Object.keys(input.candidate), ...Object.keys(input.baseline ?? {})])];
  const exact = Object.entries(input.gates).filter(([key]) => !key.includes("*"));
  const taken = new Set(exact.map(([key]) => key));
  const expanded: [string, string, MetricGate][] = exact.map(([key, gate]) => [key, key, gate]);
  for (const [pattern, gate] of Object.entries(input.gates)) {
    if (!pattern.includes("*")) continue;
    const regex = gatePattern(pattern);
    const matches = known.filter(
      (key) => regex.test(key) && !taken.has(key) && (!isReportedCopy(key) || isReportedCopy(pattern)),
    );
    // A pattern that matches nothing still gets a verdict: the metric it names is missing.
    if (matches.length === 0) expanded.push([pattern, pattern, gate]);
    for (const key of matches) {
      taken.add(key);
      expanded.push([key, pattern, gate]);
    }
  }
  return expanded;
}

/** The metric keys a gate key applies to: itself, or with `*` matching any run of characters. */
export function gatePattern(key: string): RegExp {
  return new RegExp(`^${key.split("*").map(escapeRegExp).join(".*")}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

interface Judgement {
  verdict?: Verdict;
  methods: Set<VerdictMethod>;
  reasons: string[];
  evidence?: VerdictEvidence;
}

function judgeMetric(metric: string, gateKey: string, gate: MetricGate, input: GateInput): MetricVerdict {
  const candidate = input.candidate[metric];
  const baseline = input.baseline?.[metric];
  const candidateNumber = numberOf(candidate);
  const baselineNumber = numberOf(baseline);
  const delta =
    candidateNumber !== undefined && baselineNumber !== undefined ? candidateNumber - baselineNumber : undefined;
  const finiteDelta = delta !== undefined && Number.isFinite(delta) ? delta : null;
  const result = (judgement: Judgement): MetricVerdict => ({
    metric,
    gate: gateKey,
    verdict: judgement.verdict ?? "skipped",
    candidate,
    baseline,
    delta: finiteDelta,
    relativeDelta:
      finiteDelta !== null && Math.abs(baselineNumber!) >= BASELINE_ZERO
        ? finiteDelta / Math.abs(baselineNumber!)
        : null,
    ...(judgement.evidence ? { evidence: judgement.evidence } : {}),
    methods: [...judgement.methods],
    reasons: judgement.reasons,
  });
  const judgement: Judgement = { methods: new Set(), reasons: [] };
  if (candidate === undefined) {
    judgement.methods.add("value-threshold");
    judgement.reasons.push(
      metric.includes("*")
        ? `no metric matches the gate "${metric}"`
        : `"${metric}" is missing from the candidate's metrics`,
    );
    return result({ ...judgement, verdict: "failed" });
  }
  if (candidateNumber === undefined) {
    throw new UserError(
      `gate on "${metric}", whose value ${JSON.stringify(formatMetricValue(candidate))} is not a number`,
      {
        location: `metrics.${gateKey}`,
        hint: "gate only numeric metrics, or fix the training step to write a number",
      },
    );
  }
  if (!Number.isFinite(candidateNumber)) {
    judgement.methods.add("value-threshold");
    judgement.reasons.push(`candidate value is ${formatMetricValue(candidate)}, not a finite number`);
    return result({ ...judgement, verdict: "failed" });
  }
  const valueFailed = checkValue(candidateNumber, gate, judgement);
  const changeVerdict = judgeChange(metric, gate, candidateNumber, baseline, baselineNumber, input, judgement);
  return result({ ...judgement, verdict: valueFailed ? "failed" : changeVerdict });
}

/** Value thresholds, inclusive; returns true when one is violated. */
function checkValue(value: number, gate: MetricGate, judgement: Judgement): boolean {
  if (gate.min === undefined && gate.max === undefined) return false;
  judgement.methods.add("value-threshold");
  let failed = false;
  if (gate.min !== undefined) {
    const ok = value >= gate.min;
    failed ||= !ok;
    judgement.reasons.push(`value ${value} ${ok ? ">=" : "<"} min ${gate.min}`);
  }
  if (gate.max !== undefined) {
    const ok = value <= gate.max;
    failed ||= !ok;
    judgement.reasons.push(`value ${value} ${ok ? "<=" : ">"} max ${gate.max}`);
  }
  return failed;
}

/**
 * The improvement a gate's change bounds ask for, in metric units (the strictest of absolute and relative), or
 * undefined when it sets none that apply (a relative bound against a baseline of ~0 is undefined, not 0).
 * `significance` without a bound tests a change of 0.
 */
export function changeBound(gate: MetricGate, baseline: number): { bound: number; undefinedOnly: boolean } | undefined {
  const { absolute, relative } = gate.change ?? {};
  const bounds: number[] = [];
  if (absolute !== undefined) bounds.push(absolute);
  if (relative !== undefined && Math.abs(baseline) >= BASELINE_ZERO) bounds.push(relative * Math.abs(baseline));
  if (bounds.length) return { bound: Math.max(...bounds), undefinedOnly: false };
  if (relative !== undefined) return { bound: 0, undefinedOnly: true };
  return (gate.significance ?? "none") === "none" ? undefined : { bound: 0, undefinedOnly: false };
}

const SIDE_OF_IMPROVEMENT = (sign: number): Alternative => (sign > 0 ? "greater" : "less");
const SIDE_OF_REGRESSION = (sign: number): Alternative => (sign > 0 ? "less" : "greater");

function judgeChange(
  metric: string,
  gate: MetricGate,
  candidate: number,
  baseline: MetricValue | undefined,
  baselineNumber: number | undefined,
  input: GateInput,
  judgement: Judgement,
): Verdict {
  if (baseline === undefined) {
    judgement.reasons.push("no baseline value (first run?): the change is not judged");
    return "skipped";
  }
  if (baselineNumber === undefined || !Number.isFinite(baselineNumber)) {
    judgement.reasons.push(
      `baseline value ${formatMetricValue(baseline)} is not a finite number: the change is not judged`,
    );
    return "skipped";
  }
  const sign = gate.direction === "higher" ? 1 : -1;
  const delta = candidate - baselineNumber;
  const improvement = sign * delta;
  const alpha = gate.alpha ?? 0.05;
  const test = input.tests?.[metric];
  const label = labelChange(test, delta, sign, alpha, input.untested?.[metric], judgement);
  const bounds = changeBound(gate, baselineNumber);
  if (!bounds) return label;
  const { relative, absolute } = gate.change ?? {};
  if (absolute !== undefined || relative !== undefined) judgement.methods.add("change-threshold");
  if (relative !== undefined && Math.abs(baselineNumber) < BASELINE_ZERO) {
    judgement.reasons.push(
      `relative change undefined: baseline ${baselineNumber} is ~0 (|baseline| < ${BASELINE_ZERO}); relative bound not applied`,
    );
  }
  if (bounds.undefinedOnly) return "inconclusive";
  const { bound } = bounds;
  const violated = improvement < bound;
  judgement.reasons.push(`improvement ${shown(improvement)} ${violated ? "<" : ">="} bound ${shown(bound)}`);
  const significance = gate.significance ?? "none";
  if (significance === "none") {
    if (violated && test) {
      // The point estimate decides here; say when the test could not confirm it, and how to ask for that.
      const p = test.pValue(sign * bound, SIDE_OF_REGRESSION(sign));
      if (p >= alpha) {
        judgement.reasons.push(
          `${test.method} cannot confirm the violation (one-sided p = ${formatP(p)}): \`significance: regression\` would fail only a confirmed one`,
        );
      }
    }
    return violated ? "failed" : label;
  }
  if (!test) {
    // "regression" only needs evidence to fail; every other test needs it to pass.
    if (significance === "regression" && !violated) return label;
    judgement.reasons.push(`significance "${significance}" needs a test of the change, and there is none`);
    return "inconclusive";
  }
  const d0 = sign * bound;
  const alternative =
    significance === "regression"
      ? SIDE_OF_REGRESSION(sign)
      : significance === "improvement"
        ? SIDE_OF_IMPROVEMENT(sign)
        : "two-sided";
  const p = test.pValue(d0, alternative);
  judgement.evidence = { ...judgement.evidence!, bound: { delta: d0, alternative, pValue: p } };
  const significant = p < alpha;
  const what = `${test.method} p = ${formatP(p)} for the bound ${shown(bound)} (${alternative === "two-sided" ? "two-sided" : "one-sided"}, alpha ${alpha})`;
  if (significance === "regression") {
    if (significant) {
      judgement.reasons.push(`significantly below the bound: ${what}`);
      return "failed";
    }
    if (violated) judgement.reasons.push(`below the bound, but not significantly: ${what}`);
    return label;
  }
  if (significance === "improvement") {
    if (significant) return label;
    judgement.reasons.push(`not shown to clear the bound: ${what}`);
    return violated ? "failed" : "inconclusive";
  }
  if (!significant) {
    judgement.reasons.push(`the test cannot tell the change from the bound: ${what}`);
    return "inconclusive";
  }
  if (violated) {
    judgement.reasons.push(`significantly below the bound: ${what}`);
    return "failed";
  }
  return label;
}

/** improved / regressed only when the change test says the change is real (two-sided, at alpha); else unchanged. */
function labelChange(
  test: ChangeTest | undefined,
  delta: number,
  sign: number,
  alpha: number,
  untested: string | undefined,
  judgement: Judgement,
): Verdict {
  if (!test) {
    const why = untested ?? "no paired predictions and no noise band from the base branch's runs";
    judgement.evidence = { method: "none", alpha, note: why };
    judgement.reasons.push(`change ${shown(delta)} not tested: ${why}`);
    return "unchanged";
  }
  judgement.methods.add(test.method);
  const confidence = 1 - alpha;
  const interval = test.interval(confidence);
  const pValue = test.pValue(0, "two-sided");
  judgement.evidence = {
    method: test.method,
    alpha,
    pValue,
    size: test.size,
    ...(interval
      ? { interval: { low: interval.bounds[0], high: interval.bounds[1], confidence, method: interval.method } }
      : {}),
    ...(test.note ? { note: test.note } : {}),
  };
  const real = pValue < alpha;
  const range = interval
    ? `, ${formatPercent(confidence)} interval [${shown(interval.bounds[0])}, ${shown(interval.bounds[1])}]`
    : "";
  judgement.reasons.push(
    `change ${shown(delta)}: ${test.method} p = ${formatP(pValue)}${range} ${real ? "is a real change" : "cannot tell it from noise"} (alpha ${alpha})`,
  );
  if (!real || delta === 0) return "unchanged";
  return sign * delta > 0 ? "improved" : "regressed";
}

/** Six significant digits: enough to see a change, without float noise such as 0.09999999999999998. */
function shown(value: number): string {
  return String(Number(value.toPrecision(6)));
}

function formatP(p: number): string {
  return p < 1e-4 ? p.toExponential(2) : String(Number(p.toPrecision(4)));
}

function formatPercent(confidence: number): string {
  return `${Number((confidence * 100).toPrecision(4))}%`;
}

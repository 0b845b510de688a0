import { METRIC_VERDICTS_BY_SEVERITY, UserError } from "@ctrain/core";
import type { BootstrapInterval } from "./bootstrap.js";
import { formatMetricValue, numberOf, type MetricMap, type MetricValue } from "./metric-value.js";
import type { DeLongResult, McNemarResult, NoiseBand } from "./significance.js";
import { normalQuantile } from "@ctrain/data";

/**
 * One metric's gate, the shape ctrain.yml's `metrics.<name>` produces.
 * - min / max: value thresholds, inclusive.
 * - change: bounds on the change against the baseline, signed in the direction of improvement for both
 *   directions: a negative bound is a non-inferiority margin ("may get worse by at most this"), a positive
 *   one a required improvement. absolute is in metric units; relative is a fraction of |baseline|.
 * - significance: "regression" fails only a significant regression (else inconclusive); "improvement"
 *   passes only a significant improvement past the bound (else inconclusive); "none" (default) decides on
 *   the point estimate. alpha (default 0.05) is the two-sided level.
 */
export interface MetricGate {
  readonly direction: "higher" | "lower";
  readonly min?: number;
  readonly max?: number;
  readonly change?: { readonly absolute?: number; readonly relative?: number };
  readonly significance?: "none" | "regression" | "improvement";
  readonly alpha?: number;
}

export type Verdict = (typeof METRIC_VERDICTS_BY_SEVERITY)[number];
export type VerdictMethod = "value-threshold" | "change-threshold" | "bootstrap" | "mcnemar" | "delong" | "noise-band";

/** What a significance test found about one metric's change; the gate decides what it means for the bound. */
export type ChangeEvidence =
  | { readonly method: "bootstrap"; readonly result: BootstrapInterval }
  | { readonly method: "mcnemar"; readonly result: McNemarResult }
  | { readonly method: "delong"; readonly result: DeLongResult }
  | { readonly method: "noise-band"; readonly result: NoiseBand };

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
  /** Interval of the delta from the significance evidence, when there was one. */
  readonly interval?: readonly [number, number] | null;
  /** The methods that decided the verdict. */
  readonly methods: readonly VerdictMethod[];
  /** One line per check: which bound, what was found. */
  readonly reasons: readonly string[];
}

export interface GateReport {
  /**
   * failed if any metric failed; else inconclusive if any was; else regressed-within-tolerance if any
   * was; else improved if any improved; else pass; skipped only when every gate was skipped (or none).
   */
  readonly verdict: Verdict;
  readonly metrics: readonly MetricVerdict[];
}

/** Below this |baseline| a relative change is undefined: the gate says so instead of dividing. */
export const BASELINE_ZERO = 1e-12;

export interface GateInput {
  readonly gates: Readonly<Record<string, MetricGate>>;
  readonly candidate: MetricMap;
  /** Absent on the first run: change thresholds are skipped, value thresholds still gate. */
  readonly baseline?: MetricMap;
  /** Significance evidence per metric key. */
  readonly evidence?: Readonly<Record<string, ChangeEvidence>>;
}

export function evaluateGates(input: GateInput): GateReport {
  const metrics = expandGates(input).map(([metric, gateKey, gate]) => judgeMetric(metric, gateKey, gate, input));
  return { verdict: overallVerdict(metrics.map((m) => m.verdict)), metrics };
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
    const regex = new RegExp(`^${pattern.split("*").map(escapeRegExp).join(".*")}$`);
    const matches = known.filter((key) => regex.test(key) && !taken.has(key));
    // A pattern that matches nothing still gets a verdict: the metric it names is missing.
    if (matches.length === 0) expanded.push([pattern, pattern, gate]);
    for (const key of matches) {
      taken.add(key);
      expanded.push([key, pattern, gate]);
    }
  }
  return expanded;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

interface Judgement {
  verdict?: Verdict;
  methods: Set<VerdictMethod>;
  reasons: string[];
  interval?: readonly [number, number] | null;
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
    interval: judgement.interval,
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
  const changeVerdict = judgeChange(
    metric,
    gate,
    candidateNumber,
    baseline,
    baselineNumber,
    input.evidence?.[metric],
    judgement,
  );
  if (valueFailed) return result({ ...judgement, verdict: "failed" });
  if (changeVerdict) return result({ ...judgement, verdict: changeVerdict });
  return result({ ...judgement, verdict: gate.min !== undefined || gate.max !== undefined ? "pass" : "skipped" });
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

function judgeChange(
  metric: string,
  gate: MetricGate,
  candidate: number,
  baseline: MetricValue | undefined,
  baselineNumber: number | undefined,
  evidence: ChangeEvidence | undefined,
  judgement: Judgement,
): Verdict | undefined {
  const significance = gate.significance ?? "none";
  const wantsChange =
    gate.change?.absolute !== undefined || gate.change?.relative !== undefined || significance !== "none";
  if (baseline === undefined) {
    if (wantsChange) judgement.reasons.push("no baseline value (first run?): change thresholds skipped");
    return gate.min === undefined && gate.max === undefined ? undefined : "pass";
  }
  if (baselineNumber === undefined || !Number.isFinite(baselineNumber)) {
    if (wantsChange)
      judgement.reasons.push(
        `baseline value ${formatMetricValue(baseline)} is not a finite number: change thresholds skipped`,
      );
    return gate.min === undefined && gate.max === undefined ? undefined : "pass";
  }
  const sign = gate.direction === "higher" ? 1 : -1;
  const improvement = sign * (candidate - baselineNumber);
  const point = checkChangeBounds(gate, improvement, baselineNumber, judgement);
  const byDirection: Verdict = improvement > 0 ? "improved" : improvement < 0 ? "regressed-within-tolerance" : "pass";
  if (significance === "none") {
    if (point.failed) return "failed";
    if (point.undefinedOnly) return "inconclusive";
    return byDirection;
  }
  if (!evidence && significance === "regression" && !point.failed && !point.undefinedOnly) {
    // Nothing regressed past the bound, so there is nothing whose significance could fail the gate.
    return byDirection;
  }
  if (!evidence) {
    judgement.reasons.push(
      `significance "${significance}" asked for, but no paired predictions or baseline history were available to test it`,
    );
    return point.failed && significance === "improvement" ? "failed" : "inconclusive";
  }
  const test = significanceOf(evidence, sign, point.bound, gate.alpha ?? 0.05, judgement);
  if (significance === "regression") {
    if (test.below) return "failed";
    if (point.failed || point.undefinedOnly) {
      judgement.reasons.push(`not a significant regression past ${point.bound} (${evidence.method}): inconclusive`);
      return "inconclusive";
    }
    return byDirection;
  }
  if (point.failed) return "failed";
  if (!test.above) {
    judgement.reasons.push(`not significantly past ${point.bound} (${evidence.method}): inconclusive`);
    return "inconclusive";
  }
  return byDirection;
}

interface ChangeCheck {
  readonly failed: boolean;
  /** Every change bound set was undefined (a relative bound against a baseline of ~0). */
  readonly undefinedOnly: boolean;
  /** The improvement the bounds ask for, in metric units (0 when none is set), for significance tests. */
  readonly bound: number;
}

function checkChangeBounds(gate: MetricGate, improvement: number, baseline: number, judgement: Judgement): ChangeCheck {
  const { absolute, relative } = gate.change ?? {};
  const bounds: number[] = [];
  let failed = false;
  let defined = 0;
  if (absolute !== undefined) {
    judgement.methods.add("change-threshold");
    defined++;
    bounds.push(absolute);
    const ok = improvement >= absolute;
    failed ||= !ok;
    judgement.reasons.push(`improvement ${improvement} ${ok ? ">=" : "<"} absolute bound ${absolute}`);
  }
  if (relative !== undefined) {
    judgement.methods.add("change-threshold");
    if (Math.abs(baseline) < BASELINE_ZERO) {
      judgement.reasons.push(
        `relative change undefined: baseline ${baseline} is ~0 (|baseline| < ${BASELINE_ZERO}); relative bound not applied`,
      );
    } else {
      defined++;
      const share = improvement / Math.abs(baseline);
      bounds.push(relative * Math.abs(baseline));
      const ok = share >= relative;
      failed ||= !ok;
      judgement.reasons.push(
        `relative improvement ${share} ${ok ? ">=" : "<"} relative bound ${relative} (of |baseline| ${Math.abs(baseline)})`,
      );
    }
  }
  const undefinedOnly = defined === 0 && relative !== undefined;
  return { failed, undefinedOnly, bound: bounds.length ? Math.max(...bounds) : 0 };
}

/**
 * Whether the evidence puts the improvement significantly below or above `bound`. Interval evidence
 * (bootstrap, DeLong's normal interval, the noise band) compares its whole interval with the bound;
 * McNemar tests "no change" only, so it counts when p < alpha and the point estimate lies past the bound.
 */
function significanceOf(
  evidence: ChangeEvidence,
  sign: number,
  bound: number,
  alpha: number,
  judgement: Judgement,
): { below: boolean; above: boolean } {
  judgement.methods.add(evidence.method);
  if (evidence.method === "mcnemar") {
    const improvement = sign * evidence.result.delta;
    const significant = evidence.result.pValue < alpha;
    judgement.reasons.push(
      `McNemar exact p = ${evidence.result.pValue} (${significant ? "<" : ">="} alpha ${alpha}), delta ${evidence.result.delta}`,
    );
    return {
      below: significant && improvement < Math.min(0, bound),
      above: significant && improvement > Math.max(0, bound),
    };
  }
  const interval = deltaInterval(evidence, alpha);
  judgement.interval = interval;
  if (!interval) {
    judgement.reasons.push(`${evidence.method} gave no interval`);
    return { below: false, above: false };
  }
  const [low, high] = sign > 0 ? interval : [-interval[1], -interval[0]];
  const what =
    evidence.method === "noise-band"
      ? `band (median ± ${evidence.result.k} × 1.4826 × MAD)`
      : `${(1 - alpha) * 100}% interval`;
  judgement.reasons.push(`${evidence.method} ${what} of the improvement [${low}, ${high}] vs bound ${bound}`);
  return { below: high < bound, above: low > bound };
}

function deltaInterval(
  evidence: Exclude<ChangeEvidence, { method: "mcnemar" }>,
  alpha: number,
): readonly [number, number] | null {
  switch (evidence.method) {
    case "bootstrap": {
      if (Math.abs(evidence.result.confidence - (1 - alpha)) > 1e-9) {
        throw new Error(
          `bootstrap interval at confidence ${evidence.result.confidence} used for a gate with alpha ${alpha}`,
        );
      }
      return evidence.result.interval;
    }
    case "delong": {
      const z = normalQuantile(1 - alpha / 2);
      return [
        evidence.result.delta - z * evidence.result.standardError,
        evidence.result.delta + z * evidence.result.standardError,
      ];
    }
    case "noise-band":
      return [evidence.result.delta - evidence.result.halfWidth, evidence.result.delta + evidence.result.halfWidth];
  }
}

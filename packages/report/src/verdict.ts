import { METRIC_VERDICTS_BY_SEVERITY, type ComparisonRow, type MetricVerdict, type OverallVerdict } from "@ctrain/core";
import type { ReportInput } from "./input.js";

export const VERDICT_ICON: Record<OverallVerdict, string> = {
  passed: "✅",
  failed: "❌",
  inconclusive: "⚠️",
  skipped: "➖",
  "no-gates": "ℹ️",
};

export const VERDICT_WORDS: Record<OverallVerdict, string> = {
  passed: "passed",
  failed: "failed",
  inconclusive: "inconclusive",
  skipped: "skipped",
  "no-gates": "no gates",
};

const METRIC_VERDICT_LABEL: Record<MetricVerdict, string> = {
  failed: "❌ failed",
  inconclusive: "❔ inconclusive",
  regressed: "🟡 regressed",
  unchanged: "⚪ unchanged",
  improved: "🟢 improved",
  skipped: "➖ no baseline",
};

/** A row's label as the reader needs it: a change nobody tested says so, not "unchanged". */
export function metricVerdictLabel(row: ComparisonRow): string | undefined {
  if (!row.verdict) return undefined;
  if (row.verdict === "unchanged" && row.evidence?.method === "none") return "⚪ not tested";
  return METRIC_VERDICT_LABEL[row.verdict];
}

// Failing rows first: a reader who stops after the first lines has seen what blocks the merge.
export function byVerdict(a: ComparisonRow, b: ComparisonRow): number {
  const rank = (row: ComparisonRow): number =>
    row.verdict === undefined ? METRIC_VERDICTS_BY_SEVERITY.length : METRIC_VERDICTS_BY_SEVERITY.indexOf(row.verdict);
  return rank(a) - rank(b);
}

/**
 * The report's one-word answer: any failure (the run, a data check, the model test, a metric gate) fails it; otherwise an
 * inconclusive comparison leaves it open; otherwise any gate that ran and passed passes it.
 */
export function overallVerdict(input: ReportInput): OverallVerdict {
  const { run, validation, comparison, modelTest } = input;
  if (run && run.status !== "succeeded") return "failed";
  if (modelTest && !modelTest.passed) return "failed";
  if (validation && !validation.success) return "failed";
  if (comparison?.verdict === "failed") return "failed";
  if (comparison?.verdict === "inconclusive") return "inconclusive";
  if (comparison?.verdict === "passed" || validation?.success) return "passed";
  return comparison?.verdict === "skipped" ? "skipped" : "no-gates";
}

export function checkConclusion(verdict: OverallVerdict): "success" | "failure" | "neutral" {
  return verdict === "passed" ? "success" : verdict === "failed" ? "failure" : "neutral";
}

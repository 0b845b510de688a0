import { bootstrapClassifierDelta, bootstrapRegressorDelta, type BootstrapOptions } from "./bootstrap.js";
import type { ChangeEvidence } from "./gates.js";
import type { PairedClassification, PairedRegression } from "./paired.js";
import { deLongTest, mcnemarTest, noiseBand } from "./significance.js";

export interface EvidenceOptions {
  /** The gate's two-sided level; bootstrap intervals are computed at 1 - alpha. Default 0.05. */
  readonly alpha?: number;
  readonly bootstrap?: Omit<BootstrapOptions, "confidence">;
}

/**
 * The test that backs a classifier metric's gate: McNemar's exact test for accuracy, DeLong's for binary
 * ROC AUC, a paired bootstrap interval for every other metric.
 */
export function classifierEvidence(
  paired: PairedClassification,
  metric: string,
  options: EvidenceOptions = {},
): ChangeEvidence {
  if (metric === "accuracy") return { method: "mcnemar", result: mcnemarTest(paired) };
  if (metric === "roc_auc") return { method: "delong", result: deLongTest(paired) };
  const confidence = 1 - (options.alpha ?? 0.05);
  return {
    method: "bootstrap",
    result: bootstrapClassifierDelta(paired, metric, { ...options.bootstrap, confidence }),
  };
}

/** A paired bootstrap interval backs every regression metric's gate. */
export function regressorEvidence(
  paired: PairedRegression,
  metric: string,
  options: EvidenceOptions = {},
): ChangeEvidence {
  const confidence = 1 - (options.alpha ?? 0.05);
  return { method: "bootstrap", result: bootstrapRegressorDelta(paired, metric, { ...options.bootstrap, confidence }) };
}

/** Without predictions: the noise band of earlier runs of the baseline, when there are at least three. */
export function historyEvidence(history: readonly number[], candidate: number): ChangeEvidence | undefined {
  const band = noiseBand(history, candidate);
  return band && { method: "noise-band", result: band };
}

import { bootstrapClassifierDistribution, bootstrapRegressorDistribution, type BootstrapOptions } from "./bootstrap.js";
import {
  bootstrapChangeTest,
  deLongChangeTest,
  mcnemarChangeTest,
  noiseBandChangeTest,
  type ChangeTest,
} from "./change-test.js";
import type { PairedClassification, PairedRegression } from "./paired.js";
import { deLongTest, mcnemarTest, noiseBand } from "./significance.js";

export interface EvidenceOptions {
  readonly bootstrap?: Omit<BootstrapOptions, "confidence">;
  /** The gate tests a change bound other than 0: McNemar cannot, the bootstrap takes over for accuracy. */
  readonly nonZeroBound?: boolean;
}

/**
 * The test behind a classifier metric: McNemar's exact test for accuracy, DeLong's for binary ROC AUC, the paired
 * bootstrap for every other metric (and for accuracy against a bound other than 0).
 */
export function classifierChangeTest(
  paired: PairedClassification,
  metric: string,
  options: EvidenceOptions = {},
): ChangeTest {
  if (metric === "accuracy" && !options.nonZeroBound) return mcnemarChangeTest(mcnemarTest(paired), paired.rows);
  if (metric === "roc_auc") return deLongChangeTest(deLongTest(paired), paired.rows);
  return bootstrapChangeTest(bootstrapClassifierDistribution(paired, metric, options.bootstrap), paired.rows);
}

/** The paired bootstrap backs every regression metric. */
export function regressorChangeTest(
  paired: PairedRegression,
  metric: string,
  options: EvidenceOptions = {},
): ChangeTest {
  return bootstrapChangeTest(bootstrapRegressorDistribution(paired, metric, options.bootstrap), paired.rows);
}

/** Without paired predictions: the change judged against the base branch's run-to-run spread, when it has one. */
export function historyChangeTest(history: readonly number[], delta: number, minRuns?: number): ChangeTest | undefined {
  const band = noiseBand(history, minRuns);
  return band && noiseBandChangeTest(band, delta);
}

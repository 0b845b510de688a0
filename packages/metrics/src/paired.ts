import { UserError } from "@ctrain/core";
import { sortedUniqueLabels, type Label } from "./labels.js";
import {
  checkFiniteColumn,
  checkRowCounts,
  prepareClassification,
  type ClassifierOptions,
  type Predictions,
  type PreparedClassification,
  type RegressionPredictions,
} from "./predictions.js";

/** Baseline and candidate predictions on one test set, encoded against the same classes. */
export interface PairedClassification {
  readonly rows: number;
  readonly classes: readonly Label[];
  readonly baseline: PreparedClassification;
  readonly candidate: PreparedClassification;
}

export interface PairedRegression {
  readonly rows: number;
  readonly yTrue: Float64Array;
  readonly baseline: Float64Array;
  readonly candidate: Float64Array;
}

export function pairClassifiers(
  baseline: Predictions,
  candidate: Predictions,
  options: ClassifierOptions = {},
): PairedClassification {
  checkSameRows(baseline.yTrue, candidate.yTrue, baseline.source, candidate.source);
  // The classes each model sees on its own (y_true with y_pred or its argmax), united.
  const classes =
    options.classes ??
    sortedUniqueLabels(
      [prepareClassification(baseline).classes, prepareClassification(candidate).classes],
      candidate.source ?? "predictions",
    );
  const shared = { ...options, classes };
  const preparedBaseline = prepareClassification(baseline, shared);
  const preparedCandidate = prepareClassification(candidate, shared);
  return { rows: preparedBaseline.rows, classes, baseline: preparedBaseline, candidate: preparedCandidate };
}

export function pairRegressors(baseline: RegressionPredictions, candidate: RegressionPredictions): PairedRegression {
  const source = candidate.source ?? "predictions";
  checkRowCounts(source, {
    baseline: baseline.yTrue,
    candidate: candidate.yTrue,
    "baseline y_pred": baseline.yPred,
    "candidate y_pred": candidate.yPred,
  });
  checkSameRows(Array.from(baseline.yTrue), Array.from(candidate.yTrue), baseline.source, candidate.source);
  return {
    rows: baseline.yTrue.length,
    yTrue: checkFiniteColumn(baseline.yTrue, "y_true", source),
    baseline: checkFiniteColumn(baseline.yPred, "baseline y_pred", baseline.source ?? "baseline predictions"),
    candidate: checkFiniteColumn(candidate.yPred, "y_pred", source),
  };
}

/** Paired tests need one test set: the same y_true, row by row. */
function checkSameRows(
  baseline: readonly unknown[],
  candidate: readonly unknown[],
  baselineSource = "baseline predictions",
  candidateSource = "candidate predictions",
): void {
  const where = `${baselineSource} vs ${candidateSource}`;
  if (baseline.length !== candidate.length) {
    throw new UserError(`not the same test set: baseline has ${baseline.length} rows, candidate ${candidate.length}`, {
      location: where,
      hint: "paired comparisons need both models' predictions on the same rows in the same order",
    });
  }
  const differing = baseline.findIndex((label, row) => label !== candidate[row]);
  if (differing >= 0) {
    throw new UserError(
      `not the same test set: y_true differs at row ${differing + 1} (${JSON.stringify(baseline[differing])} vs ${JSON.stringify(candidate[differing])})`,
      { location: where, hint: "write predictions for the same test rows, in the same order, for both models" },
    );
  }
}

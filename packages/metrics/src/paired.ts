import { sortedUniqueLabels, type Label } from "./labels.js";
import {
  checkFiniteColumn,
  classifierRowCount,
  prepareClassification,
  regressorRowCount,
  selectClassifierRows,
  type ClassifierOptions,
  type Predictions,
  type PreparedClassification,
  type RegressionPredictions,
} from "./predictions.js";
import { alignRows, type RowPairing } from "./row-pairing.js";

/** Baseline and candidate predictions on one test set, encoded against the same classes, row i with row i. */
export interface PairedClassification {
  readonly rows: number;
  readonly classes: readonly Label[];
  readonly baseline: PreparedClassification;
  readonly candidate: PreparedClassification;
  /** How the rows were matched, and the key (and slice) of each paired row. */
  readonly pairing: RowPairing;
}

export interface PairedRegression {
  readonly rows: number;
  readonly yTrue: Float64Array;
  readonly baseline: Float64Array;
  readonly candidate: Float64Array;
  readonly pairing: RowPairing;
}

/**
 * Pairs two classifiers' predictions of one test set: by their key column when both have one (rows only one side
 * scored are left out and counted), else row by row. Throws a UserError saying why when they cannot be paired.
 */
export function pairClassifiers(
  baseline: Predictions,
  candidate: Predictions,
  options: ClassifierOptions = {},
): PairedClassification {
  classifierRowCount(baseline);
  classifierRowCount(candidate);
  const { baselineRows, candidateRows, pairing } = alignRows(baseline, candidate);
  const pairedBaseline = selectClassifierRows(baseline, baselineRows);
  const pairedCandidate = selectClassifierRows(candidate, candidateRows);
  // The classes each model sees on its own (y_true with y_pred or its argmax), united.
  const classes =
    options.classes ??
    sortedUniqueLabels(
      [prepareClassification(pairedBaseline).classes, prepareClassification(pairedCandidate).classes],
      candidate.source ?? "predictions",
    );
  const shared = { ...options, classes };
  const preparedBaseline = prepareClassification(pairedBaseline, shared);
  const preparedCandidate = prepareClassification(pairedCandidate, shared);
  return { rows: pairing.paired, classes, baseline: preparedBaseline, candidate: preparedCandidate, pairing };
}

/** Pairs two regressors' predictions of one test set, as `pairClassifiers` does. */
export function pairRegressors(baseline: RegressionPredictions, candidate: RegressionPredictions): PairedRegression {
  regressorRowCount(baseline);
  regressorRowCount(candidate);
  const baselineSource = baseline.source ?? "baseline predictions";
  const candidateSource = candidate.source ?? "predictions";
  // Checked whole before pairing, so that an error names the row of the file.
  checkFiniteColumn(baseline.yTrue, "baseline y_true", baselineSource);
  const yTrue = checkFiniteColumn(candidate.yTrue, "y_true", candidateSource);
  const baselinePredictions = checkFiniteColumn(baseline.yPred, "baseline y_pred", baselineSource);
  const candidatePredictions = checkFiniteColumn(candidate.yPred, "y_pred", candidateSource);
  const { baselineRows, candidateRows, pairing } = alignRows(baseline, candidate);
  const pick = (column: Float64Array, rows: readonly number[]): Float64Array =>
    Float64Array.from(rows, (row) => column[row]!);
  return {
    rows: pairing.paired,
    yTrue: pick(yTrue, candidateRows),
    baseline: pick(baselinePredictions, baselineRows),
    candidate: pick(candidatePredictions, candidateRows),
    pairing,
  };
}

import { UserError } from "@ctrain/core";
import { compareLabels } from "./labels.js";
import type { PreparedClassification } from "./predictions.js";

/**
 * Metrics of predicted scores and probabilities beyond ROC AUC and log loss, as scikit-learn computes them:
 * average precision, Brier score, the reliability curve with its expected calibration error, top-k accuracy.
 */

/**
 * Average precision (scikit-learn's average_precision_score): the step integral sum (R_n - R_n-1) P_n over the
 * precision-recall curve, one point per distinct score, highest first (tied scores are one threshold).
 */
export function averagePrecision(scores: ArrayLike<number>, isPositive: Uint8Array, where: string): number {
  const order = Array.from({ length: isPositive.length }, (_, row) => row).sort((a, b) => scores[b]! - scores[a]!);
  let positives = 0;
  for (const flag of isPositive) positives += flag;
  if (positives === 0) {
    throw new UserError("average precision is undefined: y_true holds no positive row", {
      location: where,
      hint: "evaluate on a test set that contains the positive class",
    });
  }
  let truePositives = 0;
  let seen = 0;
  let previousRecall = 0;
  let sum = 0;
  for (let i = 0; i < order.length;) {
    const score = scores[order[i]!]!;
    while (i < order.length && scores[order[i]!] === score) {
      truePositives += isPositive[order[i]!]!;
      seen++;
      i++;
    }
    const recall = truePositives / positives;
    sum += (recall - previousRecall) * (truePositives / seen);
    previousRecall = recall;
  }
  return sum;
}

/** Each row's squared error of the positive class's probability (the Brier score is their mean). */
export function rowBrierErrors(prepared: PreparedClassification): Float64Array | undefined {
  const probability = probabilityOfPositive(prepared);
  if (!probability) return undefined;
  return probability.map((p, row) => (prepared.isPositive![row]! - p) ** 2);
}

/** The positive class's score when it is a probability (binary problems only). */
export function probabilityOfPositive(prepared: PreparedClassification): Float64Array | undefined {
  const { positiveScore, isPositive } = prepared;
  if (!positiveScore || !isPositive || positiveScore.some((score) => !(score >= 0 && score <= 1))) return undefined;
  return positiveScore;
}

export const CALIBRATION_BINS = 10;

/** One bin of the reliability curve. */
export interface CalibrationBin {
  /** Edges of the bin: [low, high), the last bin closed at 1; a probability on an inner edge falls in the lower bin. */
  readonly low: number;
  readonly high: number;
  readonly rows: number;
  /** Mean predicted probability of the bin's rows (scikit-learn's prob_pred). */
  readonly meanPredicted: number;
  /** Share of the bin's rows that are positive (scikit-learn's prob_true). */
  readonly fractionPositive: number;
}

/** The reliability curve of a binary classifier and its expected calibration error. */
export interface Calibration {
  readonly strategy: "uniform";
  readonly bins: number;
  readonly positiveLabel: string | number | boolean;
  /** Non-empty bins only, as calibration_curve returns them, with their row counts. */
  readonly curve: readonly CalibrationBin[];
  /** Sum over bins of rows/N * |fractionPositive - meanPredicted|. */
  readonly expectedCalibrationError: number;
}

/**
 * scikit-learn's calibration_curve(strategy="uniform", n_bins=10): edges at i/10, a probability p goes to the
 * bin searchsorted(inner edges, p, side="left") finds, so p = 0.3 lies in [0.2, 0.3].
 */
export function calibrationOf(prepared: PreparedClassification, bins = CALIBRATION_BINS): Calibration | undefined {
  const probability = probabilityOfPositive(prepared);
  if (!probability || prepared.positiveLabel === undefined) return undefined;
  // numpy's linspace(0, 1, bins + 1): i * (1 / bins), the last edge exactly 1.
  const step = 1 / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? 1 : i * step));
  const rows = new Float64Array(bins);
  const predicted = new Float64Array(bins);
  const positive = new Float64Array(bins);
  probability.forEach((p, row) => {
    let bin = 0;
    while (bin < bins - 1 && edges[bin + 1]! < p) bin++;
    rows[bin]! += 1;
    predicted[bin]! += p;
    positive[bin]! += prepared.isPositive![row]!;
  });
  const curve: CalibrationBin[] = [];
  let error = 0;
  for (let bin = 0; bin < bins; bin++) {
    if (rows[bin] === 0) continue;
    const meanPredicted = predicted[bin]! / rows[bin]!;
    const fractionPositive = positive[bin]! / rows[bin]!;
    curve.push({ low: edges[bin]!, high: edges[bin + 1]!, rows: rows[bin]!, meanPredicted, fractionPositive });
    error += (rows[bin]! / probability.length) * Math.abs(fractionPositive - meanPredicted);
  }
  return {
    strategy: "uniform",
    bins,
    positiveLabel: prepared.positiveLabel,
    curve,
    expectedCalibrationError: error,
  };
}

/**
 * 1 where the true class is among the k most probable, as top_k_accuracy_score ranks: columns in sorted label order,
 * a tie between classes going to the greater label (a reversed stable sort).
 */
export function rowTopKHits(prepared: PreparedClassification, k: number): Float64Array | undefined {
  const probabilities = prepared.probabilities;
  if (!probabilities || probabilities.classLabels.length <= 2 || k >= probabilities.classLabels.length)
    return undefined;
  const width = probabilities.classLabels.length;
  const sortedPosition = probabilities.classLabels
    .map((label, column) => ({ label, column }))
    .sort((a, b) => compareLabels(a.label, b.label))
    .reduce((positions, { column }, position) => positions.fill(position, column, column + 1), new Int32Array(width));
  const hits = new Float64Array(prepared.rows);
  for (let row = 0; row < prepared.rows; row++) {
    const truth = probabilities.trueColumn[row]!;
    const truthScore = probabilities.values[row * width + truth]!;
    let ahead = 0;
    for (let column = 0; column < width; column++) {
      const score = probabilities.values[row * width + column]!;
      if (score > truthScore || (score === truthScore && sortedPosition[column]! > sortedPosition[truth]!)) ahead++;
    }
    hits[row] = ahead < k ? 1 : 0;
  }
  return hits;
}

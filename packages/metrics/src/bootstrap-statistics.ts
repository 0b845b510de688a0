import { UserError } from "@ctrain/core";
import {
  accuracyOf,
  averagedScores,
  balancedAccuracy,
  classScores,
  cohenKappa,
  matthewsCorrelation,
  type Average,
  type ConfusionMatrix,
} from "./classification.js";
import { rowLogLosses } from "./log-loss.js";
import { rowBrierErrors, rowTopKHits } from "./probability-metrics.js";
import { regressionScores, rowPercentageErrors } from "./regression.js";
import { compensatedMean } from "./summation.js";
import type { PairedClassification, PairedRegression } from "./paired.js";
import type { PreparedClassification } from "./predictions.js";
import { binaryRocAuc, oneVsRestAucs, placementBelow } from "./roc-auc.js";

/**
 * A metric of both models as a function of how often each test row occurs in a resample, in one of three
 * shapes that the resampler can draw without re-scoring every row:
 * - cells: rows sharing (y_true, baseline y_pred, candidate y_pred) are interchangeable, so a resample is
 *   a multinomial count per cell (label metrics: accuracy, precision, recall, F1, balanced accuracy, Matthews
 *   correlation, Cohen's kappa);
 * - rows: the metric is a function of per-row sums (log loss, Brier score, top-k accuracy, MAE, MSE, RMSE, R2,
 *   MAPE, explained variance); for a mean the one feature is the per-row difference, half the reads of carrying
 *   both models;
 * - auc: ROC AUC, resampled within each class (stratified) and scored by counting through tie groups.
 */
export type PairedStatistic = CellStatistic | RowStatistic | AucStatistic;

export interface CellStatistic {
  readonly kind: "cells";
  readonly cellOfRow: Int32Array;
  readonly cellCount: number;
  evaluate(cellCounts: Float64Array, out: Float64Array): void;
}

export interface RowStatistic {
  readonly kind: "rows";
  /** rows x width, row-major. */
  readonly features: Float64Array;
  readonly width: number;
  /** [baseline, candidate] on the full test set, computed as evaluation computes them. */
  readonly observed: readonly [number, number];
  /** candidate - baseline from the feature sums over `rows` rows (a resample or a leave-one-out set). */
  delta(sums: Float64Array, rows: number): number;
}

export interface AucStatistic {
  readonly kind: "auc";
  /** Stratum (class code) of each row: a resample keeps every class's row count. */
  readonly stratumOfRow: Int32Array;
  readonly strata: number;
  readonly tasks: readonly AucTask[];
  /** Weight of each task in the average (1 for binary; 1/C or prevalence for one-vs-rest). */
  readonly weights: readonly number[];
  /** Weights are class prevalences (roc_auc_ovr_weighted), which change when a row is left out. */
  readonly prevalenceWeighted: boolean;
}

export interface AucTask {
  readonly isPositive: Uint8Array;
  /** Per model (baseline, candidate): scores, and the tie group (rank of the distinct score) of each row. */
  readonly models: readonly [AucModel, AucModel];
}

export interface AucModel {
  readonly scores: Float64Array;
  readonly groupOfRow: Int32Array;
  readonly groups: number;
}

export const LABEL_METRICS = ["accuracy", "precision", "recall", "f1"] as const;
const AVERAGES: readonly Average[] = ["macro", "weighted", "micro"];
/** Metrics of the whole confusion matrix, resampled by cell as the label metrics are. */
const MATRIX_METRICS: Readonly<Record<string, (matrix: ConfusionMatrix) => number>> = {
  balanced_accuracy: balancedAccuracy,
  matthews_corrcoef: matthewsCorrelation,
  cohen_kappa: cohenKappa,
};
/** `top_k_accuracy@k` stands for every cut-off k. */
export const BOOTSTRAP_CLASSIFIER_METRICS = [
  ...LABEL_METRICS,
  ...AVERAGES.flatMap((average) => ["precision", "recall", "f1"].map((name) => `${name}_${average}`)),
  ...Object.keys(MATRIX_METRICS),
  "roc_auc",
  "roc_auc_ovr",
  "roc_auc_ovr_weighted",
  "log_loss",
  "brier_score",
  "top_k_accuracy@k",
];
export const BOOTSTRAP_REGRESSOR_METRICS = ["mae", "mse", "rmse", "r2", "mape", "explained_variance"];

function unsupported(metric: string, supported: readonly string[]): UserError {
  return new UserError(`no paired test for metric "${metric}"`, {
    location: metric,
    hint: `paired bootstrap supports ${supported.join(", ")}`,
  });
}

export function classifierStatistic(paired: PairedClassification, metric: string): PairedStatistic {
  if (metric === "log_loss") return logLossStatistic(paired);
  if (metric === "brier_score") return brierStatistic(paired);
  const topK = /^top_k_accuracy@([1-9]\d*)$/.exec(metric);
  if (topK) return topKStatistic(paired, Number(topK[1]));
  if (metric === "roc_auc") return binaryAucStatistic(paired);
  if (metric === "roc_auc_ovr" || metric === "roc_auc_ovr_weighted")
    return oneVsRestStatistic(paired, metric.endsWith("weighted"));
  const score = labelMetric(paired, metric);
  if (!score) throw unsupported(metric, BOOTSTRAP_CLASSIFIER_METRICS);
  return cellStatistic(paired, score);
}

function labelMetric(paired: PairedClassification, metric: string): ((matrix: ConfusionMatrix) => number) | undefined {
  if (metric === "accuracy") return accuracyOf;
  if (MATRIX_METRICS[metric]) return MATRIX_METRICS[metric];
  const [name, average] = metric.split("_") as [string, string | undefined];
  if (name !== "precision" && name !== "recall" && name !== "f1") return undefined;
  if (average === undefined) {
    const positive = paired.classes.indexOf(paired.baseline.positiveLabel ?? NaN);
    if (positive < 0 || paired.classes.length > 2) {
      throw new UserError(
        `"${metric}" is the binary ${name} of the positive class; this problem has ${paired.classes.length} classes`,
        {
          location: metric,
          hint: `use ${name}_macro, ${name}_weighted or ${name}_micro`,
        },
      );
    }
    return (matrix) => classScores(matrix)[positive]![name];
  }
  if (!(AVERAGES as readonly string[]).includes(average)) return undefined;
  return (matrix) => averagedScores(matrix, average as Average)[name];
}

function requirePredictions(prepared: PreparedClassification, metric: string): Int32Array {
  if (!prepared.predCodes) {
    throw new UserError(`${metric} needs predicted labels (y_pred or probabilities)`, { location: prepared.source });
  }
  return prepared.predCodes;
}

function cellStatistic(paired: PairedClassification, score: (matrix: ConfusionMatrix) => number): CellStatistic {
  const size = paired.classes.length;
  const trueCodes = paired.baseline.trueCodes;
  const baselinePred = requirePredictions(paired.baseline, "this metric");
  const candidatePred = requirePredictions(paired.candidate, "this metric");
  const cellOfKey = new Map<number, number>();
  const keys: number[] = [];
  const cellOfRow = new Int32Array(paired.rows);
  for (let row = 0; row < paired.rows; row++) {
    const key = (trueCodes[row]! * size + baselinePred[row]!) * size + candidatePred[row]!;
    let cell = cellOfKey.get(key);
    if (cell === undefined) {
      cell = keys.length;
      cellOfKey.set(key, cell);
      keys.push(key);
    }
    cellOfRow[row] = cell;
  }
  const baselineMatrix = { size, counts: new Float64Array(size * size) };
  const candidateMatrix = { size, counts: new Float64Array(size * size) };
  return {
    kind: "cells",
    cellOfRow,
    cellCount: keys.length,
    evaluate(cellCounts, out) {
      baselineMatrix.counts.fill(0);
      candidateMatrix.counts.fill(0);
      for (let cell = 0; cell < keys.length; cell++) {
        const key = keys[cell]!;
        const truth = Math.floor(key / (size * size));
        baselineMatrix.counts[truth * size + (Math.floor(key / size) % size)]! += cellCounts[cell]!;
        candidateMatrix.counts[truth * size + (key % size)]! += cellCounts[cell]!;
      }
      out[0] = score(baselineMatrix);
      out[1] = score(candidateMatrix);
    },
  };
}

function logLossStatistic(paired: PairedClassification): RowStatistic {
  const baseline = rowLogLosses(paired.baseline);
  const candidate = rowLogLosses(paired.candidate);
  if (!baseline || !candidate) {
    throw new UserError("log_loss needs probabilities (or a binary score in [0, 1]) from both models", {
      location: paired.candidate.source,
    });
  }
  return meanDifferenceStatistic(baseline, candidate);
}

function brierStatistic(paired: PairedClassification): RowStatistic {
  const baseline = rowBrierErrors(paired.baseline);
  const candidate = rowBrierErrors(paired.candidate);
  if (!baseline || !candidate) {
    throw new UserError(
      "brier_score needs a binary problem with probabilities (or a score in [0, 1]) from both models",
      {
        location: paired.candidate.source,
      },
    );
  }
  return meanDifferenceStatistic(baseline, candidate);
}

function topKStatistic(paired: PairedClassification, k: number): RowStatistic {
  const baseline = rowTopKHits(paired.baseline, k);
  const candidate = rowTopKHits(paired.candidate, k);
  if (!baseline || !candidate) {
    throw new UserError(`top_k_accuracy@${k} needs class probabilities of more than ${k} classes from both models`, {
      location: paired.candidate.source,
    });
  }
  return meanDifferenceStatistic(baseline, candidate);
}

/** A metric that is the mean of a per-row value: the delta's sum needs only the per-row difference. */
function meanDifferenceStatistic(baseline: Float64Array, candidate: Float64Array): RowStatistic {
  return {
    kind: "rows",
    features: candidate.map((value, row) => value - baseline[row]!),
    width: 1,
    observed: [compensatedMean(baseline), compensatedMean(candidate)],
    delta: (sums, rows) => sums[0]! / rows,
  };
}

export function regressorStatistic(paired: PairedRegression, metric: string): RowStatistic {
  const errors = (prediction: Float64Array, map: (error: number) => number): Float64Array =>
    prediction.map((value, row) => map(paired.yTrue[row]! - value));
  const squared = (error: number): number => error * error;
  switch (metric) {
    case "mae":
      return meanDifferenceStatistic(errors(paired.baseline, Math.abs), errors(paired.candidate, Math.abs));
    case "mse":
      return meanDifferenceStatistic(errors(paired.baseline, squared), errors(paired.candidate, squared));
    case "rmse":
      return rootMeanSquaredStatistic(paired, errors(paired.baseline, squared), errors(paired.candidate, squared));
    case "r2":
      return rSquaredStatistic(paired);
    case "mape":
      return meanDifferenceStatistic(
        rowPercentageErrors(paired.yTrue, paired.baseline),
        rowPercentageErrors(paired.yTrue, paired.candidate),
      );
    case "explained_variance":
      return explainedVarianceStatistic(paired);
    default:
      throw unsupported(metric, BOOTSTRAP_REGRESSOR_METRICS);
  }
}

function rootMeanSquaredStatistic(
  paired: PairedRegression,
  baseline: Float64Array,
  candidate: Float64Array,
): RowStatistic {
  const features = new Float64Array(paired.rows * 2);
  for (let row = 0; row < paired.rows; row++) {
    features[2 * row] = baseline[row]!;
    features[2 * row + 1] = candidate[row]!;
  }
  return {
    kind: "rows",
    features,
    width: 2,
    observed: [Math.sqrt(compensatedMean(baseline)), Math.sqrt(compensatedMean(candidate))],
    delta: (sums, rows) => Math.sqrt(sums[1]! / rows) - Math.sqrt(sums[0]! / rows),
  };
}

/** R2 needs the resample's own mean of y: sums of y and y² (centred once, against cancellation) ride along. */
function rSquaredStatistic(paired: PairedRegression): RowStatistic {
  const rows = paired.rows;
  let mean = 0;
  for (const y of paired.yTrue) mean += y / rows;
  const features = new Float64Array(rows * 4);
  for (let row = 0; row < rows; row++) {
    const y = paired.yTrue[row]!;
    features[4 * row] = (y - paired.baseline[row]!) ** 2;
    features[4 * row + 1] = (y - paired.candidate[row]!) ** 2;
    features[4 * row + 2] = y - mean;
    features[4 * row + 3] = (y - mean) ** 2;
  }
  const rSquared = (residual: number, total: number): number =>
    total > 0 ? 1 - residual / total : residual === 0 ? 1 : 0;
  return {
    kind: "rows",
    features,
    width: 4,
    observed: [regressionScores(paired.yTrue, paired.baseline).r2, regressionScores(paired.yTrue, paired.candidate).r2],
    delta(sums, count) {
      const total = sums[3]! - (sums[2]! * sums[2]!) / count;
      return rSquared(sums[1]!, total) - rSquared(sums[0]!, total);
    },
  };
}

/**
 * Explained variance needs each resample's variances of y and of both models' residuals: the sums of each and of
 * its square ride along, every one centred once on its full-sample mean against cancellation.
 */
function explainedVarianceStatistic(paired: PairedRegression): RowStatistic {
  const rows = paired.rows;
  const residuals = [paired.baseline, paired.candidate].map((prediction) =>
    prediction.map((value, row) => paired.yTrue[row]! - value),
  );
  const centred = [paired.yTrue, ...residuals].map((values) => {
    let mean = 0;
    for (const value of values) mean += value / rows;
    return values.map((value) => value - mean);
  });
  const width = 6;
  const features = new Float64Array(rows * width);
  for (let row = 0; row < rows; row++) {
    centred.forEach((values, k) => {
      features[row * width + 2 * k] = values[row]!;
      features[row * width + 2 * k + 1] = values[row]! ** 2;
    });
  }
  const variance = (sums: Float64Array, k: number, count: number): number =>
    Math.max(0, sums[2 * k + 1]! / count - (sums[2 * k]! / count) ** 2);
  const explained = (numerator: number, denominator: number): number =>
    denominator > 0 ? 1 - numerator / denominator : numerator === 0 ? 1 : 0;
  return {
    kind: "rows",
    features,
    width,
    observed: [
      regressionScores(paired.yTrue, paired.baseline).explained_variance,
      regressionScores(paired.yTrue, paired.candidate).explained_variance,
    ],
    delta(sums, count) {
      const denominator = variance(sums, 0, count);
      return explained(variance(sums, 2, count), denominator) - explained(variance(sums, 1, count), denominator);
    },
  };
}

function binaryAucStatistic(paired: PairedClassification): AucStatistic {
  const { baseline, candidate } = paired;
  if (!baseline.isPositive || !baseline.positiveScore || !candidate.positiveScore) {
    throw new UserError("roc_auc needs a binary problem with a score (or probabilities) from both models", {
      location: candidate.source,
      hint: "for multiclass problems use roc_auc_ovr",
    });
  }
  const isPositive = baseline.isPositive;
  // Refuses NaN scores and a one-class test set with the same messages as evaluation.
  binaryRocAuc(baseline.positiveScore, isPositive, `${baseline.source}: ROC AUC`);
  binaryRocAuc(candidate.positiveScore, isPositive, `${candidate.source}: ROC AUC`);
  return {
    kind: "auc",
    stratumOfRow: Int32Array.from(isPositive),
    strata: 2,
    tasks: [{ isPositive, models: [aucModel(baseline.positiveScore), aucModel(candidate.positiveScore)] }],
    weights: [1],
    prevalenceWeighted: false,
  };
}

function oneVsRestStatistic(paired: PairedClassification, weighted: boolean): AucStatistic {
  const baseline = paired.baseline.probabilities;
  const candidate = paired.candidate.probabilities;
  if (!baseline || !candidate) {
    throw new UserError("one-vs-rest ROC AUC needs class probabilities from both models", {
      location: paired.candidate.source,
    });
  }
  oneVsRestAucs(paired.baseline);
  oneVsRestAucs(paired.candidate);
  const labels = baseline.classLabels;
  const strata = labels.length;
  const counts = new Array<number>(strata).fill(0);
  for (const column of baseline.trueColumn) counts[column]!++;
  const column = (probabilities: typeof baseline, label: (typeof labels)[number]): Float64Array => {
    const index = probabilities.classLabels.indexOf(label);
    if (index < 0)
      throw new UserError(`candidate has no probability column for class ${JSON.stringify(label)}`, {
        location: paired.candidate.source,
      });
    const width = probabilities.classLabels.length;
    return Float64Array.from({ length: paired.rows }, (_, row) => probabilities.values[row * width + index]!);
  };
  return {
    kind: "auc",
    stratumOfRow: baseline.trueColumn,
    strata,
    tasks: labels.map((label, k) => ({
      isPositive: Uint8Array.from(baseline.trueColumn, (c) => (c === k ? 1 : 0)),
      models: [aucModel(column(baseline, label)), aucModel(column(candidate, label))] as const,
    })),
    weights: counts.map((count) => (weighted ? count / paired.rows : 1 / strata)),
    prevalenceWeighted: weighted,
  };
}

function aucModel(scores: Float64Array): AucModel {
  const distinct = Float64Array.from(scores).sort();
  let groups = 0;
  for (let i = 0; i < distinct.length; i++)
    if (i === 0 || distinct[i] !== distinct[groups - 1]) distinct[groups++] = distinct[i]!;
  const unique = distinct.subarray(0, groups);
  const groupOfRow = Int32Array.from(scores, (score) => Math.floor(placementBelow(unique, score)));
  return { scores, groupOfRow, groups };
}

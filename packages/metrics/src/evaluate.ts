import { isUserError, UserError } from "@ctrain/core";
import {
  accuracyOf,
  averagedScores,
  balancedAccuracy,
  classScores,
  cohenKappa,
  confusionMatrix,
  matthewsCorrelation,
  type ClassScores,
} from "./classification.js";
import type { Label } from "./labels.js";
import { rowLogLosses } from "./log-loss.js";
import { multilabelScores } from "./multilabel.js";
import {
  checkFiniteColumn,
  checkRowCounts,
  prepareClassification,
  selectClassifierRows,
  type ClassifierOptions,
  type MultilabelPredictions,
  type Predictions,
  type PreparedClassification,
  type QuantilePredictions,
  type RankingPredictions,
  type RegressionPredictions,
} from "./predictions.js";
import {
  averagePrecision,
  calibrationOf,
  rowBrierErrors,
  rowTopKHits,
  type Calibration,
} from "./probability-metrics.js";
import { DEFAULT_RANKING_K, queriesOf, rankingScores } from "./ranking.js";
import { regressionScores, rowPinballLosses } from "./regression.js";
import { binaryRocAuc, oneVsRestAucs } from "./roc-auc.js";
import { DEFAULT_MIN_SLICE_ROWS, evaluateSlices, slicingOf, type SliceEvaluation } from "./slices.js";
import { compensatedMean } from "./summation.js";
import type { TaskPredictions } from "./task-predictions.js";

/**
 * Metric keys follow scikit-learn's scorer names: accuracy, precision / recall / f1 (binary, of the positive
 * label), <metric>_macro, _weighted, _micro, balanced_accuracy, matthews_corrcoef, cohen_kappa, roc_auc (binary),
 * roc_auc_ovr and roc_auc_ovr_weighted (multiclass one-vs-rest), average_precision, log_loss, brier_score,
 * expected_calibration_error, top_k_accuracy@<k>; mse, rmse, mae, r2, mape, median_absolute_error,
 * explained_variance for regression; pinball_loss@<level> for quantiles; ndcg@<k>, map@<k> for ranking;
 * hamming_loss, subset_accuracy, label:<label>/f1 for multilabel; example_count for all.
 * Slice keys are described in slices.ts.
 */
export interface Evaluation {
  readonly metrics: Record<string, number>;
  /** Every slice with its size and metrics, also those too small to gate (they say why). */
  readonly slices: readonly SliceEvaluation[];
  /** Metrics that are undefined (e.g. ROC AUC of a one-class slice) and why; slices left ungated. */
  readonly notes: readonly string[];
}

export interface ClassifierEvaluation extends Evaluation {
  readonly classes: readonly Label[];
  readonly positiveLabel?: Label;
  /** counts[t][p]: rows of true class labels[t] predicted as labels[p]; absent without y_pred. */
  readonly confusionMatrix?: { readonly labels: readonly Label[]; readonly counts: number[][] };
  readonly perClass?: readonly (ClassScores & { readonly label: Label })[];
  /** Binary, with probabilities of the positive class: the reliability curve behind expected_calibration_error. */
  readonly calibration?: Calibration;
}

export type RegressionEvaluation = Evaluation;

export interface EvaluationOptions {
  /** Also write MLflow's default metric keys (accuracy_score, f1_score, mean_squared_error, ...). */
  readonly mlflowAliases?: boolean;
  /** Slices with fewer rows are reported but not gated. Default DEFAULT_MIN_SLICE_ROWS. */
  readonly minSliceRows?: number;
  /** Cut-offs of top-k accuracy (default 3) and of ranking's ndcg@k and map@k (default 10). */
  readonly k?: readonly number[];
}

export const DEFAULT_TOP_K = [3];

export function evaluateClassifier(
  predictions: Predictions,
  options: ClassifierOptions & EvaluationOptions = {},
): ClassifierEvaluation {
  const prepared = prepareClassification(predictions, options);
  const topK = options.k ?? DEFAULT_TOP_K;
  const top = classifierMetrics(prepared, topK, true);
  const matrix = prepared.predCodes && confusionMatrix(prepared.trueCodes, prepared.predCodes, prepared.classes.length);
  // A binary slice keeps both classes so that its positive label exists even where the slice holds only one.
  const sliceOptions =
    prepared.classes.length === 2 || options.classes ? { ...options, classes: prepared.classes } : options;
  const notes = [...top.notes];
  const sliced = evaluateSlices(slicingOf(predictions), options.minSliceRows ?? DEFAULT_MIN_SLICE_ROWS, (rows, key) => {
    const slice = classifierMetrics(
      prepareClassification(selectClassifierRows(predictions, rows), sliceOptions),
      topK,
      false,
    );
    notes.push(...slice.notes.map((note) => `slice:${key}: ${note}`));
    return slice.metrics;
  });
  const metrics = { ...top.metrics, ...sliced.metrics };
  return {
    metrics: options.mlflowAliases ? withMlflowAliases(metrics, prepared.classes.length <= 2) : metrics,
    slices: sliced.slices,
    classes: prepared.classes,
    positiveLabel: prepared.positiveLabel,
    confusionMatrix: matrix && {
      labels: prepared.classes,
      counts: prepared.classes.map((_, t) =>
        Array.from(matrix.counts.subarray(t * matrix.size, (t + 1) * matrix.size)),
      ),
    },
    perClass: matrix && classScores(matrix).map((scores, k) => ({ label: prepared.classes[k]!, ...scores })),
    calibration: top.calibration,
    notes: [...notes, ...sliced.notes],
  };
}

/**
 * Metrics of one prepared set. A metric the data leaves undefined is noted and left out; with `strict` (the whole
 * test set, not a slice) an undefined ROC AUC is an error instead, as scikit-learn raises it.
 */
function classifierMetrics(
  prepared: PreparedClassification,
  topK: readonly number[],
  strict: boolean,
): { metrics: Record<string, number>; notes: string[]; calibration?: Calibration } {
  const metrics: Record<string, number> = { example_count: prepared.rows };
  const notes: string[] = [];
  const attempt = (compute: () => Record<string, number>, rethrow: boolean): void => {
    try {
      Object.assign(metrics, compute());
    } catch (error) {
      if (!isUserError(error) || rethrow) throw error;
      notes.push(error.message);
    }
  };
  if (prepared.predCodes) {
    const matrix = confusionMatrix(prepared.trueCodes, prepared.predCodes, prepared.classes.length);
    metrics.accuracy = accuracyOf(matrix);
    if (prepared.positiveLabel !== undefined) {
      const positive = classScores(matrix)[prepared.classes.indexOf(prepared.positiveLabel)]!;
      Object.assign(metrics, { precision: positive.precision, recall: positive.recall, f1: positive.f1 });
    }
    for (const average of ["macro", "weighted", "micro"] as const) {
      const scores = averagedScores(matrix, average);
      metrics[`precision_${average}`] = scores.precision;
      metrics[`recall_${average}`] = scores.recall;
      metrics[`f1_${average}`] = scores.f1;
    }
    metrics.balanced_accuracy = balancedAccuracy(matrix);
    metrics.matthews_corrcoef = matthewsCorrelation(matrix);
    const kappa = cohenKappa(matrix);
    if (Number.isNaN(kappa)) notes.push("cohen_kappa is undefined: y_true and y_pred hold one and the same class");
    else metrics.cohen_kappa = kappa;
  }
  attempt(() => rocAucMetrics(prepared), strict);
  if (prepared.positiveScore && prepared.isPositive) {
    const { positiveScore, isPositive, source } = prepared;
    attempt(
      () => ({ average_precision: averagePrecision(positiveScore, isPositive, `${source}: average precision`) }),
      false,
    );
  }
  const outside = prepared.positiveScore?.findIndex((score) => !(score >= 0 && score <= 1)) ?? -1;
  if (outside >= 0 && !prepared.probabilities) {
    notes.push(
      `${prepared.source}: row ${outside + 1} has the score ${prepared.positiveScore![outside]}, outside [0, 1]: the scores are not probabilities, so log_loss, brier_score and expected_calibration_error are not computed`,
    );
  }
  const losses = rowLogLosses(prepared);
  if (losses) metrics.log_loss = compensatedMean(losses);
  const brier = rowBrierErrors(prepared);
  if (brier) metrics.brier_score = compensatedMean(brier);
  const calibration = calibrationOf(prepared);
  if (calibration) metrics.expected_calibration_error = calibration.expectedCalibrationError;
  for (const k of topK) {
    const hits = rowTopKHits(prepared, k);
    if (hits) metrics[`top_k_accuracy@${k}`] = compensatedMean(hits);
  }
  return { metrics, notes, calibration };
}

export function rocAucMetrics(prepared: PreparedClassification): Record<string, number> {
  if (prepared.positiveScore && prepared.isPositive) {
    return { roc_auc: binaryRocAuc(prepared.positiveScore, prepared.isPositive, `${prepared.source}: ROC AUC`) };
  }
  const probabilities = prepared.probabilities;
  if (!probabilities || prepared.classes.length <= 2) return {};
  const perClass = oneVsRestAucs(prepared);
  const counts = probabilities.classLabels.map(
    (_, column) => probabilities.trueColumn.filter((c) => c === column).length,
  );
  const macro = perClass.reduce((sum, auc) => sum + auc, 0) / perClass.length;
  const weighted = perClass.reduce((sum, auc, k) => sum + auc * counts[k]!, 0) / prepared.rows;
  return { roc_auc_ovr: macro, roc_auc_ovr_weighted: weighted };
}

export function evaluateRegressor(
  predictions: RegressionPredictions,
  options: EvaluationOptions = {},
): RegressionEvaluation {
  const metrics = regressionMetrics(predictions);
  const sliced = evaluateSlices(slicingOf(predictions), options.minSliceRows ?? DEFAULT_MIN_SLICE_ROWS, (rows) =>
    regressionMetrics({
      yTrue: pick(predictions.yTrue, rows),
      yPred: pick(predictions.yPred, rows),
      source: predictions.source,
    }),
  );
  const all = { ...metrics, ...sliced.metrics };
  return {
    metrics: options.mlflowAliases ? withMlflowAliases(all, false) : all,
    slices: sliced.slices,
    notes: sliced.notes,
  };
}

function pick(column: ArrayLike<number>, rows: readonly number[]): number[] {
  return rows.map((row) => column[row]!);
}

function regressionMetrics(predictions: RegressionPredictions): Record<string, number> {
  const source = predictions.source ?? "predictions";
  checkRowCounts(source, { y_true: predictions.yTrue, y_pred: predictions.yPred, slice: predictions.slice?.values });
  const yTrue = checkFiniteColumn(predictions.yTrue, "y_true", source);
  const yPred = checkFiniteColumn(predictions.yPred, "y_pred", source);
  return { example_count: yTrue.length, ...regressionScores(yTrue, yPred) };
}

/** Pinball loss per quantile level (`pinball_loss@0.9`) and their mean; the regression metrics too with y_pred. */
export function evaluateQuantiles(predictions: QuantilePredictions, options: EvaluationOptions = {}): Evaluation {
  const metricsOf = (rows: readonly number[] | undefined): Record<string, number> => {
    const select = (column: ArrayLike<number>): ArrayLike<number> => (rows ? pick(column, rows) : column);
    const source = predictions.source ?? "predictions";
    const yTrue = checkFiniteColumn(select(predictions.yTrue), "y_true", source);
    const metrics: Record<string, number> = { example_count: yTrue.length };
    if (predictions.yPred)
      Object.assign(metrics, regressionMetrics({ yTrue, yPred: select(predictions.yPred), source }));
    const levels = predictions.quantiles.levels;
    let sum = 0;
    levels.forEach((level, k) => {
      const quantile = checkFiniteColumn(select(predictions.quantiles.values[k]!), `quantile ${level}`, source);
      const loss = compensatedMean(rowPinballLosses(yTrue, quantile, level));
      metrics[`pinball_loss@${level}`] = loss;
      sum += loss;
    });
    metrics.pinball_loss = sum / levels.length;
    return metrics;
  };
  checkRowCounts(predictions.source ?? "predictions", {
    y_true: predictions.yTrue,
    y_pred: predictions.yPred,
    ...Object.fromEntries(
      predictions.quantiles.levels.map((level, k) => [`quantile ${level}`, predictions.quantiles.values[k]]),
    ),
  });
  return withSlices(metricsOf(undefined), predictions, options, metricsOf);
}

export function evaluateMultilabel(predictions: MultilabelPredictions, options: EvaluationOptions = {}): Evaluation {
  const source = predictions.source ?? "predictions";
  const width = predictions.labels.length;
  const rowCount = checkRowCounts(source, {
    ...Object.fromEntries(predictions.labels.map((label, k) => [`y_true of ${String(label)}`, predictions.yTrue[k]])),
    ...Object.fromEntries(predictions.labels.map((label, k) => [`y_pred of ${String(label)}`, predictions.yPred[k]])),
  });
  const indicators = (columns: readonly ArrayLike<number>[], side: string): Uint8Array => {
    const matrix = new Uint8Array(rowCount * width);
    columns.forEach((column, label) => {
      for (let row = 0; row < rowCount; row++) {
        const value = column[row]!;
        if (value !== 0 && value !== 1) {
          throw new UserError(`${side} of label ${String(predictions.labels[label])} is ${value} at row ${row + 1}`, {
            location: source,
            hint: "multilabel columns hold 0 or 1 (the label does not or does apply)",
          });
        }
        matrix[row * width + label] = value;
      }
    });
    return matrix;
  };
  const yTrue = indicators(predictions.yTrue, "y_true");
  const yPred = indicators(predictions.yPred, "y_pred");
  const metricsOf = (rows: readonly number[] | undefined): Record<string, number> => {
    if (!rows) return multilabelScores({ labels: predictions.labels, yTrue, yPred });
    const select = (matrix: Uint8Array): Uint8Array => {
      const out = new Uint8Array(rows.length * width);
      rows.forEach((row, i) => out.set(matrix.subarray(row * width, (row + 1) * width), i * width));
      return out;
    };
    return multilabelScores({ labels: predictions.labels, yTrue: select(yTrue), yPred: select(yPred) });
  };
  return withSlices(metricsOf(undefined), predictions, options, metricsOf);
}

export function evaluateRanking(predictions: RankingPredictions, options: EvaluationOptions = {}): Evaluation {
  const source = predictions.source ?? "predictions";
  checkRowCounts(source, {
    [predictions.group.column]: predictions.group.values,
    relevance: predictions.relevance,
    score: predictions.score,
  });
  const ks = options.k ?? DEFAULT_RANKING_K;
  const metricsOf = (rows: readonly number[] | undefined): Record<string, number> => {
    const all = rows ?? predictions.group.values.map((_, row) => row);
    const queries = queriesOf(
      all.map((row) => predictions.group.values[row]!),
      pick(predictions.relevance, all),
      pick(predictions.score, all),
      source,
    );
    return { example_count: all.length, ...rankingScores(queries, ks) };
  };
  return withSlices(metricsOf(undefined), predictions, options, metricsOf);
}

function withSlices(
  metrics: Record<string, number>,
  predictions: Pick<QuantilePredictions, "slicing">,
  options: EvaluationOptions,
  metricsOf: (rows: readonly number[]) => Record<string, number>,
): Evaluation {
  const sliced = evaluateSlices(predictions.slicing, options.minSliceRows ?? DEFAULT_MIN_SLICE_ROWS, metricsOf);
  return { metrics: { ...metrics, ...sliced.metrics }, slices: sliced.slices, notes: sliced.notes };
}

/** Evaluates predictions by their task; binary and multiclass give a ClassifierEvaluation. */
export function evaluatePredictions(
  loaded: TaskPredictions,
  options: ClassifierOptions & EvaluationOptions = {},
): Evaluation | ClassifierEvaluation {
  switch (loaded.task) {
    case "binary":
    case "multiclass":
      return evaluateClassifier(loaded.predictions, options);
    case "regression":
      return evaluateRegressor(loaded.predictions, options);
    case "quantile":
      return evaluateQuantiles(loaded.predictions, options);
    case "multilabel":
      return evaluateMultilabel(loaded.predictions, options);
    case "ranking":
      return evaluateRanking(loaded.predictions, options);
  }
}

/** MLflow's default evaluator keys; its precision/recall/F1 are binary, or weighted for multiclass. */
function withMlflowAliases(metrics: Record<string, number>, binary: boolean): Record<string, number> {
  const aliases: Record<string, string> = {
    accuracy_score: "accuracy",
    precision_score: binary ? "precision" : "precision_weighted",
    recall_score: binary ? "recall" : "recall_weighted",
    f1_score: binary ? "f1" : "f1_weighted",
    mean_squared_error: "mse",
    root_mean_squared_error: "rmse",
    mean_absolute_error: "mae",
    r2_score: "r2",
  };
  const out = { ...metrics };
  for (const [alias, name] of Object.entries(aliases)) if (metrics[name] !== undefined) out[alias] = metrics[name];
  return out;
}

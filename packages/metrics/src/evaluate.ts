import { isUserError, type UserError } from "@ctrain/core";
import { accuracyOf, averagedScores, classScores, confusionMatrix, type ClassScores } from "./classification.js";
import { compareLabels, type Label } from "./labels.js";
import { rowLogLosses } from "./log-loss.js";
import {
  checkFiniteColumn,
  checkRowCounts,
  prepareClassification,
  selectClassifierRows,
  type ClassifierOptions,
  type Predictions,
  type PreparedClassification,
  type RegressionPredictions,
  type SliceColumn,
} from "./predictions.js";
import { regressionScores } from "./regression.js";
import { binaryRocAuc, oneVsRestAucs } from "./roc-auc.js";
import { compensatedMean } from "./summation.js";

/**
 * Metric keys follow scikit-learn's scorer names: accuracy, precision / recall / f1 (binary, of the positive
 * label), <metric>_macro, _weighted, _micro, roc_auc (binary), roc_auc_ovr and roc_auc_ovr_weighted
 * (multiclass one-vs-rest), log_loss; mse, rmse, mae, r2 for regression; example_count for both.
 * Per-slice metrics are `slice:<column>=<value>/<metric>` (the metric name follows the last "/").
 */
export interface ClassifierEvaluation {
  readonly metrics: Record<string, number>;
  readonly classes: readonly Label[];
  readonly positiveLabel?: Label;
  /** counts[t][p]: rows of true class labels[t] predicted as labels[p]; absent without y_pred. */
  readonly confusionMatrix?: { readonly labels: readonly Label[]; readonly counts: number[][] };
  readonly perClass?: readonly (ClassScores & { readonly label: Label })[];
  /** Metrics that are undefined for a slice (e.g. ROC AUC of a one-class slice) and why. */
  readonly notes: readonly string[];
}

export interface RegressionEvaluation {
  readonly metrics: Record<string, number>;
}

export interface EvaluationOptions {
  /** Also write MLflow's default metric keys (accuracy_score, f1_score, mean_squared_error, ...). */
  readonly mlflowAliases?: boolean;
}

export function sliceMetricKey(column: string, value: string, metric: string): string {
  return `slice:${column}=${value}/${metric}`;
}

export function evaluateClassifier(
  predictions: Predictions,
  options: ClassifierOptions & EvaluationOptions = {},
): ClassifierEvaluation {
  const prepared = prepareClassification(predictions, options);
  const notes: string[] = [];
  const metrics = classifierMetrics(prepared, (error) => {
    throw error;
  });
  const matrix = prepared.predCodes && confusionMatrix(prepared.trueCodes, prepared.predCodes, prepared.classes.length);
  // A binary slice keeps both classes so that its positive label exists even where the slice holds only one.
  const sliceOptions =
    prepared.classes.length === 2 || options.classes ? { ...options, classes: prepared.classes } : options;
  forEachSlice(predictions.slice, (column, value, rows) => {
    const slicePrepared = prepareClassification(selectClassifierRows(predictions, rows), sliceOptions);
    const sliceMetrics = classifierMetrics(slicePrepared, (error) =>
      notes.push(`${sliceMetricKey(column, value, "")}: ${error.message}`),
    );
    for (const [name, metric] of Object.entries(sliceMetrics)) metrics[sliceMetricKey(column, value, name)] = metric;
  });
  return {
    metrics: options.mlflowAliases ? withMlflowAliases(metrics, prepared.classes.length <= 2) : metrics,
    classes: prepared.classes,
    positiveLabel: prepared.positiveLabel,
    confusionMatrix: matrix && {
      labels: prepared.classes,
      counts: prepared.classes.map((_, t) =>
        Array.from(matrix.counts.subarray(t * matrix.size, (t + 1) * matrix.size)),
      ),
    },
    perClass: matrix && classScores(matrix).map((scores, k) => ({ label: prepared.classes[k]!, ...scores })),
    notes,
  };
}

/** Metrics of one prepared set; an undefined metric goes to `undefinedMetric` (throw at top level, note in a slice). */
function classifierMetrics(
  prepared: PreparedClassification,
  undefinedMetric: (error: UserError) => void,
): Record<string, number> {
  const metrics: Record<string, number> = { example_count: prepared.rows };
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
  }
  try {
    Object.assign(metrics, rocAucMetrics(prepared));
  } catch (error) {
    if (!isUserError(error)) throw error;
    undefinedMetric(error);
  }
  const losses = rowLogLosses(prepared);
  if (losses) metrics.log_loss = compensatedMean(losses);
  return metrics;
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
  forEachSlice(predictions.slice, (column, value, rows) => {
    const slice = {
      yTrue: rows.map((row) => predictions.yTrue[row]!),
      yPred: rows.map((row) => predictions.yPred[row]!),
      source: predictions.source,
    };
    for (const [name, metric] of Object.entries(regressionMetrics(slice)))
      metrics[sliceMetricKey(column, value, name)] = metric;
  });
  return { metrics: options.mlflowAliases ? withMlflowAliases(metrics, false) : metrics };
}

function regressionMetrics(predictions: RegressionPredictions): Record<string, number> {
  const source = predictions.source ?? "predictions";
  checkRowCounts(source, { y_true: predictions.yTrue, y_pred: predictions.yPred, slice: predictions.slice?.values });
  const yTrue = checkFiniteColumn(predictions.yTrue, "y_true", source);
  const yPred = checkFiniteColumn(predictions.yPred, "y_pred", source);
  return { example_count: yTrue.length, ...regressionScores(yTrue, yPred) };
}

/** Calls `visit` per distinct slice value (as text, sorted) with the rows that hold it. */
function forEachSlice(
  slice: SliceColumn | undefined,
  visit: (column: string, value: string, rows: number[]) => void,
): void {
  if (!slice) return;
  const groups = new Map<string, number[]>();
  slice.values.forEach((value, row) => {
    const key = String(value);
    const rows = groups.get(key) ?? [];
    rows.push(row);
    groups.set(key, rows);
  });
  for (const value of [...groups.keys()].sort(compareLabels)) visit(slice.column, value, groups.get(value)!);
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

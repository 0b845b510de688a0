import { UserError } from "@ctrain/core";
import { checkLabelKinds, encodeLabels, sortedUniqueLabels, type Label } from "./labels.js";

/** Rows of one model's predictions on a test set, column by column. */
export interface Predictions {
  readonly yTrue: readonly Label[];
  readonly yPred?: readonly Label[];
  /** Binary only: a score that grows with the positive class (a probability or a decision value). */
  readonly score?: ArrayLike<number>;
  /** Class probabilities: one row per prediction, one column per entry of classLabels. */
  readonly probabilities?: { readonly classLabels: readonly Label[]; readonly matrix: readonly ArrayLike<number>[] };
  /** The first slice column: the one shown beside paired examples. Alone, it is also the one slice evaluated. */
  readonly slice?: SliceColumn;
  /** Every slice column and how they are grouped (alone or crossed); evaluation slices by these when present. */
  readonly slicing?: Slicing;
  /** The column naming each row: the baseline's and the candidate's rows pair by it, whatever their order. */
  readonly key?: KeyColumn;
  /** Where the rows came from (a file path), for error messages. */
  readonly source?: string;
}

export interface RegressionPredictions {
  readonly yTrue: ArrayLike<number>;
  readonly yPred: ArrayLike<number>;
  readonly slice?: SliceColumn;
  readonly slicing?: Slicing;
  readonly key?: KeyColumn;
  readonly source?: string;
}

/** Quantile regression: one predicted quantile per level and row, and optionally a point prediction. */
export interface QuantilePredictions {
  readonly yTrue: ArrayLike<number>;
  /** Quantile levels in (0, 1), ascending; values[level][row]. */
  readonly quantiles: { readonly levels: readonly number[]; readonly values: readonly ArrayLike<number>[] };
  readonly yPred?: ArrayLike<number>;
  readonly slicing?: Slicing;
  readonly key?: KeyColumn;
  readonly source?: string;
}

/** Multilabel classification: per label, 0/1 of y_true and y_pred (scikit-learn's indicator arrays). */
export interface MultilabelPredictions {
  readonly labels: readonly Label[];
  /** yTrue[label][row], 0 or 1. */
  readonly yTrue: readonly ArrayLike<number>[];
  readonly yPred: readonly ArrayLike<number>[];
  readonly slicing?: Slicing;
  readonly key?: KeyColumn;
  readonly source?: string;
}

/** Ranking: rows are documents of a query (group), with a graded relevance (y_true) and the model's score. */
export interface RankingPredictions {
  readonly group: { readonly column: string; readonly values: readonly string[] };
  readonly relevance: ArrayLike<number>;
  readonly score: ArrayLike<number>;
  readonly slicing?: Slicing;
  readonly key?: KeyColumn;
  readonly source?: string;
}

export interface SliceColumn {
  readonly column: string;
  readonly values: readonly (Label | null)[];
}

/** Slice columns, and the groupings to evaluate: one column alone, or several crossed (`country x plan`). */
export interface Slicing {
  readonly columns: readonly SliceColumn[];
  readonly groupings: readonly (readonly string[])[];
}

export interface KeyColumn {
  readonly column: string;
  /** One key per row, as text (the key 17 and "17" are one key); null where the cell is empty. */
  readonly values: readonly (string | null)[];
  /** The line of each row in `source`, for errors; row numbers stand in when absent. */
  readonly lines?: readonly number[];
}

export interface ClassifierOptions {
  /** The classes the model may predict; a label outside them is an error. Default: labels seen in y_true and y_pred. */
  readonly classes?: readonly Label[];
  /** The positive class of a binary problem. Default: the greater of the two labels (1 for 0/1, "yes" for no/yes). */
  readonly positiveLabel?: Label;
}

/** A row of probabilities may miss 1 by this much (relative to 1) before it is an error. */
export const PROBABILITY_SUM_TOLERANCE = 1e-6;

/** Predictions checked and encoded once, shared by the metrics, the significance tests and the bootstrap. */
export interface PreparedClassification {
  readonly source: string;
  readonly rows: number;
  readonly classes: readonly Label[];
  readonly trueCodes: Int32Array;
  /** Codes of y_pred into `classes`; from argmax of the probabilities when y_pred is absent. */
  readonly predCodes?: Int32Array;
  readonly positiveLabel?: Label;
  /** Binary: 1 where y_true is the positive label. */
  readonly isPositive?: Uint8Array;
  /** Binary: the score of the positive class per row. */
  readonly positiveScore?: Float64Array;
  readonly probabilities?: PreparedProbabilities;
}

export interface PreparedProbabilities {
  readonly classLabels: readonly Label[];
  /** rows x classLabels.length, row-major. */
  readonly values: Float64Array;
  /** Column of each row's true label. */
  readonly trueColumn: Int32Array;
}

export function checkRowCounts(source: string, columns: Record<string, { length: number } | undefined>): number {
  const present = Object.entries(columns).filter((entry): entry is [string, { length: number }] => !!entry[1]);
  const [first] = present;
  if (!first || first[1].length === 0) {
    throw new UserError("no prediction rows", { location: source, hint: "write at least one row of predictions" });
  }
  for (const [name, column] of present) {
    if (column.length !== first[1].length) {
      throw new UserError(`mismatched lengths: ${first[0]} has ${first[1].length} rows, ${name} has ${column.length}`, {
        location: source,
        hint: "every column must hold one value per test row",
      });
    }
  }
  return first[1].length;
}

/** The number of rows, once every column of a classifier's predictions is checked to hold one value per row. */
export function classifierRowCount(predictions: Predictions): number {
  return checkRowCounts(predictions.source ?? "predictions", {
    y_true: predictions.yTrue,
    y_pred: predictions.yPred,
    score: predictions.score,
    probabilities: predictions.probabilities?.matrix,
    [`slice column ${predictions.slice?.column ?? ""}`]: predictions.slice?.values,
    [`key column ${predictions.key?.column ?? ""}`]: predictions.key?.values,
  });
}

export function regressorRowCount(predictions: RegressionPredictions): number {
  return checkRowCounts(predictions.source ?? "predictions", {
    y_true: predictions.yTrue,
    y_pred: predictions.yPred,
    [`slice column ${predictions.slice?.column ?? ""}`]: predictions.slice?.values,
    [`key column ${predictions.key?.column ?? ""}`]: predictions.key?.values,
  });
}

/** The given rows of a classifier's predictions, in the given order (key and slice dropped: they describe rows). */
export function selectClassifierRows(predictions: Predictions, rows: readonly number[]): Predictions {
  const pick = <T>(column: ArrayLike<T>): T[] => rows.map((row) => column[row]!);
  return {
    source: predictions.source,
    yTrue: pick(predictions.yTrue),
    yPred: predictions.yPred && pick(predictions.yPred),
    score: predictions.score && pick(predictions.score),
    probabilities: predictions.probabilities && {
      classLabels: predictions.probabilities.classLabels,
      matrix: pick(predictions.probabilities.matrix),
    },
  };
}

export function prepareClassification(
  predictions: Predictions,
  options: ClassifierOptions = {},
): PreparedClassification {
  const source = predictions.source ?? "predictions";
  const rows = classifierRowCount(predictions);
  const probabilities =
    predictions.probabilities && prepareProbabilities(predictions.probabilities, predictions.yTrue, source);
  const yPred = predictions.yPred ?? (probabilities && argmaxLabels(probabilities));
  const classes = options.classes
    ? [...options.classes]
    : sortedUniqueLabels(yPred ? [predictions.yTrue, yPred] : [predictions.yTrue], source);
  checkLabelKinds([...classes, ...(options.positiveLabel === undefined ? [] : [options.positiveLabel])], source);
  const trueCodes = encodeLabels(predictions.yTrue, classes, `${source}: y_true`);
  const predCodes = yPred && encodeLabels(yPred, classes, `${source}: y_pred`);
  const binary = binaryView(predictions, classes, trueCodes, probabilities, options.positiveLabel, source);
  return { source, rows, classes, trueCodes, predCodes, probabilities, ...binary };
}

function binaryView(
  predictions: Predictions,
  classes: readonly Label[],
  trueCodes: Int32Array,
  probabilities: PreparedProbabilities | undefined,
  requested: Label | undefined,
  source: string,
): Pick<PreparedClassification, "positiveLabel" | "isPositive" | "positiveScore"> {
  if (classes.length > 2) {
    if (predictions.score) {
      throw new UserError(`a single score column needs a binary problem; found ${classes.length} classes`, {
        location: source,
        hint: "give one probability column per class (proba_<class>) for multiclass predictions",
      });
    }
    return {};
  }
  const positiveLabel = requested ?? classes.at(-1);
  if (positiveLabel === undefined) return {};
  const positiveIndex = classes.indexOf(positiveLabel);
  if (requested !== undefined && positiveIndex < 0) {
    throw new UserError(
      `positive label ${JSON.stringify(requested)} is not one of the classes ${JSON.stringify(classes)}`,
      {
        location: source,
        hint: "set the positive label to one of the labels in y_true",
      },
    );
  }
  const isPositive = new Uint8Array(trueCodes.length);
  for (let row = 0; row < trueCodes.length; row++) isPositive[row] = trueCodes[row] === positiveIndex ? 1 : 0;
  return {
    positiveLabel,
    isPositive,
    positiveScore: positiveScores(predictions, probabilities, positiveLabel, source),
  };
}

function positiveScores(
  predictions: Predictions,
  probabilities: PreparedProbabilities | undefined,
  positiveLabel: Label,
  source: string,
): Float64Array | undefined {
  if (predictions.score) return Float64Array.from(predictions.score);
  if (!probabilities) return undefined;
  const column = probabilities.classLabels.indexOf(positiveLabel);
  if (column < 0) {
    throw new UserError(`no probability column for the positive label ${JSON.stringify(positiveLabel)}`, {
      location: source,
      hint: "add a probability column for every class",
    });
  }
  const width = probabilities.classLabels.length;
  const rows = probabilities.trueColumn.length;
  const scores = new Float64Array(rows);
  for (let row = 0; row < rows; row++) scores[row] = probabilities.values[row * width + column]!;
  return scores;
}

function prepareProbabilities(
  probabilities: NonNullable<Predictions["probabilities"]>,
  yTrue: readonly Label[],
  source: string,
): PreparedProbabilities {
  const classLabels = [...probabilities.classLabels];
  checkLabelKinds(classLabels, source);
  if (new Set(classLabels).size !== classLabels.length || classLabels.length < 2) {
    throw new UserError(`probability columns need two or more distinct classes, found ${JSON.stringify(classLabels)}`, {
      location: source,
      hint: "write one probability column per class, each class once",
    });
  }
  const width = classLabels.length;
  const values = new Float64Array(probabilities.matrix.length * width);
  probabilities.matrix.forEach((row, index) => {
    if (row.length !== width) {
      throw new UserError(`row ${index + 1} has ${row.length} probabilities, expected ${width}`, { location: source });
    }
    let sum = 0;
    for (let column = 0; column < width; column++) {
      const value = row[column]!;
      if (!(value >= 0 && value <= 1 + PROBABILITY_SUM_TOLERANCE)) {
        throw new UserError(
          `probability ${value} of class ${JSON.stringify(classLabels[column])} at row ${index + 1}`,
          {
            location: source,
            hint: "probabilities must be numbers between 0 and 1",
          },
        );
      }
      values[index * width + column] = value;
      sum += value;
    }
    if (Math.abs(sum - 1) > PROBABILITY_SUM_TOLERANCE) {
      throw new UserError(
        `probabilities at row ${index + 1} sum to ${sum}, not 1 (tolerance ${PROBABILITY_SUM_TOLERANCE} relative)`,
        {
          location: source,
          hint: "write normalized class probabilities (e.g. predict_proba), not raw scores or logits",
        },
      );
    }
  });
  const trueColumn = encodeLabels(yTrue, classLabels, `${source}: y_true`, "add a probability column for that class");
  return { classLabels, values, trueColumn };
}

/** The most probable class per row, the first column on ties (numpy's argmax). */
function argmaxLabels(probabilities: PreparedProbabilities): Label[] {
  const width = probabilities.classLabels.length;
  const labels: Label[] = [];
  for (let row = 0; row < probabilities.trueColumn.length; row++) {
    let best = 0;
    for (let column = 1; column < width; column++) {
      if (probabilities.values[row * width + column]! > probabilities.values[row * width + best]!) best = column;
    }
    labels.push(probabilities.classLabels[best]!);
  }
  return labels;
}

export function checkFiniteColumn(values: ArrayLike<number>, column: string, source: string): Float64Array {
  const out = Float64Array.from(values);
  const bad = out.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) {
    throw new UserError(`${column} is ${out[bad]} at row ${bad + 1}`, {
      location: source,
      hint: `${column} must hold finite numbers; fix or drop that row`,
    });
  }
  return out;
}

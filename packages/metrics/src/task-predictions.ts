import { UserError } from "@ctrain/core";
import { parseCell, readRecords, type DataRecord } from "@ctrain/readers";
import type { Label } from "./labels.js";
import {
  cellOf,
  DescribedRows,
  labelOf,
  cellNumberOf,
  readClassifierPredictions,
  readRegressorPredictions,
  requireColumns,
  resolveColumns,
  type PredictionFileOptions,
  type ResolvedColumns,
} from "./predictions-file.js";
import type {
  MultilabelPredictions,
  Predictions,
  QuantilePredictions,
  RankingPredictions,
  RegressionPredictions,
} from "./predictions.js";

/**
 * The task a predictions file is evaluated as, and so which metrics it gets. File shapes (column names as configured):
 * - binary / multiclass: y_true, and y_pred, score (binary) or proba_<class> columns;
 * - regression: numeric y_true and y_pred;
 * - quantile: numeric y_true and quantile_<level> columns (quantile_0.1, quantile_0.9), y_pred optional;
 * - multilabel: 0/1 columns y_true_<label> and y_pred_<label> (no plain y_true column);
 * - ranking: query_id (the query, or group, of each row), y_true (relevance >= 0) and score.
 */
export const PREDICTION_TASKS = ["binary", "multiclass", "multilabel", "regression", "quantile", "ranking"] as const;
export type PredictionTask = (typeof PREDICTION_TASKS)[number];
/** What config may declare: a task, `classification` (binary or multiclass by the labels), or `auto`. */
export type DeclaredTask = PredictionTask | "classification" | "auto";

export type TaskPredictions =
  | { readonly task: "binary" | "multiclass"; readonly predictions: Predictions }
  | { readonly task: "regression"; readonly predictions: RegressionPredictions }
  | { readonly task: "quantile"; readonly predictions: QuantilePredictions }
  | { readonly task: "multilabel"; readonly predictions: MultilabelPredictions }
  | { readonly task: "ranking"; readonly predictions: RankingPredictions };

/**
 * Which task the header implies with `auto`: y_true_<label> columns without y_true mean multilabel, a query column
 * ranking, quantile_<level> columns quantile; otherwise undefined (classification or regression, by the values).
 */
export function taskOfColumns(names: readonly string[], columns: ResolvedColumns): PredictionTask | undefined {
  if (!names.includes(columns.yTrue) && names.some((name) => multilabelSuffix(name, columns.yTrue) !== undefined))
    return "multilabel";
  if (names.includes(columns.group)) return "ranking";
  if (names.some((name) => name.startsWith(columns.quantilePrefix) && name.length > columns.quantilePrefix.length))
    return "quantile";
  return undefined;
}

function multilabelSuffix(name: string, prefix: string): string | undefined {
  return name.startsWith(`${prefix}_`) && name.length > prefix.length + 1 ? name.slice(prefix.length + 1) : undefined;
}

/**
 * Reads a predictions file as the declared task, or as the task its columns and values imply (`auto`): scores or
 * class probabilities mean classification, and so do whole-number labels; fractional true values mean regression.
 * Two labels (or fewer) make a classification binary, more make it multiclass.
 */
export async function readPredictions(
  sources: string | readonly string[],
  options: PredictionFileOptions & { readonly task?: DeclaredTask } = {},
): Promise<TaskPredictions> {
  const declared = options.task ?? "auto";
  const columns = resolveColumns(options.columns);
  let task: PredictionTask | "classification" | undefined = declared === "auto" ? undefined : declared;
  if (!task) {
    for await (const record of readRecords(sources, options.read)) {
      task = taskOfColumns(Object.keys(record.values), columns);
      break;
    }
  }
  switch (task) {
    case "regression":
      return { task, predictions: await readRegressorPredictions(sources, options) };
    case "quantile":
      return { task, predictions: await readQuantilePredictions(sources, options) };
    case "multilabel":
      return { task, predictions: await readMultilabelPredictions(sources, options) };
    case "ranking":
      return { task, predictions: await readRankingPredictions(sources, options) };
    case "binary":
    case "multiclass":
    case "classification":
    case undefined:
      break; // a classification: the labels below tell binary from multiclass
  }
  const predictions = await readClassifierPredictions(sources, options);
  const continuous =
    task === undefined &&
    !predictions.score &&
    !predictions.probabilities &&
    predictions.yTrue.some((label) => typeof label === "number" && !Number.isInteger(label));
  if (continuous) return { task: "regression", predictions: await readRegressorPredictions(sources, options) };
  const labels = new Set<Label>([
    ...predictions.yTrue,
    ...(predictions.yPred ?? []),
    ...(predictions.probabilities?.classLabels ?? []),
  ]);
  if (task === "binary" && labels.size > 2) {
    throw new UserError(`task is binary but the predictions hold ${labels.size} classes`, {
      location: predictions.source ?? String(sources),
      hint: "set compare.predictions.task to multiclass, or fix the labels",
    });
  }
  const kind = task === "multiclass" || (task !== "binary" && labels.size > 2) ? "multiclass" : "binary";
  return { task: kind, predictions };
}

/** Reads every record once: `start` sees the first record, `add` each one. */
async function readEach(
  sources: string | readonly string[],
  options: PredictionFileOptions,
  start: (names: string[], record: DataRecord) => void,
  add: (record: DataRecord) => void,
): Promise<string> {
  let source: string | undefined;
  for await (const record of readRecords(sources, options.read)) {
    if (source === undefined) {
      source = record.file;
      start(Object.keys(record.values), record);
    }
    add(record);
  }
  if (source === undefined) {
    throw new UserError("predictions file has no rows", {
      location: String(sources),
      hint: "write a header and one row per test example",
    });
  }
  return source;
}

export async function readQuantilePredictions(
  sources: string | readonly string[],
  options: PredictionFileOptions = {},
): Promise<QuantilePredictions> {
  const columns = resolveColumns(options.columns);
  const described = new DescribedRows(columns);
  const yTrue: number[] = [];
  const yPred: number[] = [];
  let withPrediction = false;
  let quantiles: { column: string; level: number; values: number[] }[] = [];
  const source = await readEach(
    sources,
    options,
    (names, record) => {
      requireColumns(record, [columns.yTrue], names);
      described.start(names);
      withPrediction = names.includes(columns.yPred);
      quantiles = names
        .filter((name) => name.startsWith(columns.quantilePrefix) && name.length > columns.quantilePrefix.length)
        .map((column) => ({ column, level: quantileLevel(column, columns.quantilePrefix, record), values: [] }))
        .sort((a, b) => a.level - b.level);
      if (quantiles.length === 0) {
        throw new UserError(`no quantile column: expected "${columns.quantilePrefix}<level>" columns`, {
          location: `${record.file}:${record.line}`,
          hint: `write one column per predicted quantile, e.g. ${columns.quantilePrefix}0.1 and ${columns.quantilePrefix}0.9`,
        });
      }
    },
    (record) => {
      yTrue.push(cellNumberOf(record, columns.yTrue, options.read));
      if (withPrediction) yPred.push(cellNumberOf(record, columns.yPred, options.read));
      for (const quantile of quantiles) quantile.values.push(cellNumberOf(record, quantile.column, options.read));
      described.add(record, options.read);
    },
  );
  const { slicing, key } = described.columns();
  return {
    source,
    yTrue,
    quantiles: { levels: quantiles.map((q) => q.level), values: quantiles.map((q) => q.values) },
    yPred: withPrediction ? yPred : undefined,
    slicing,
    key,
  };
}

function quantileLevel(column: string, prefix: string, record: DataRecord): number {
  const level = Number(column.slice(prefix.length));
  if (!(level > 0 && level < 1)) {
    throw new UserError(
      `column ${column} names quantile level ${column.slice(prefix.length)}, not a number in (0, 1)`,
      {
        location: `${record.file}:${record.line}`,
        hint: `name quantile columns by their level, e.g. ${prefix}0.9 for the 90th percentile`,
      },
    );
  }
  return level;
}

export async function readMultilabelPredictions(
  sources: string | readonly string[],
  options: PredictionFileOptions = {},
): Promise<MultilabelPredictions> {
  const columns = resolveColumns(options.columns);
  const described = new DescribedRows(columns);
  let labels: { label: Label; truth: string; prediction: string; yTrue: number[]; yPred: number[] }[] = [];
  const source = await readEach(
    sources,
    options,
    (names, record) => {
      described.start(names);
      labels = names.flatMap((name) => {
        const suffix = multilabelSuffix(name, columns.yTrue);
        if (suffix === undefined) return [];
        const label = labelOf(parseCell(suffix), record, name);
        return [{ label, truth: name, prediction: `${columns.yPred}_${suffix}`, yTrue: [], yPred: [] }];
      });
      if (labels.length === 0) {
        throw new UserError(
          `no multilabel columns: expected "${columns.yTrue}_<label>" and "${columns.yPred}_<label>"`,
          {
            location: `${record.file}:${record.line}`,
            hint: "write one 0/1 column per label for the truth and one for the prediction",
          },
        );
      }
      requireColumns(
        record,
        labels.map((label) => label.prediction),
        names,
      );
    },
    (record) => {
      for (const label of labels) {
        label.yTrue.push(indicatorOf(record, label.truth, options));
        label.yPred.push(indicatorOf(record, label.prediction, options));
      }
      described.add(record, options.read);
    },
  );
  const { slicing, key } = described.columns();
  return {
    source,
    labels: labels.map((l) => l.label),
    yTrue: labels.map((l) => l.yTrue),
    yPred: labels.map((l) => l.yPred),
    slicing,
    key,
  };
}

/** 0/1 from a number or a boolean cell. */
function indicatorOf(record: DataRecord, column: string, options: PredictionFileOptions): number {
  const value = cellOf(record, column, options.read);
  return typeof value === "boolean" ? Number(value) : cellNumberOf(record, column, options.read);
}

export async function readRankingPredictions(
  sources: string | readonly string[],
  options: PredictionFileOptions = {},
): Promise<RankingPredictions> {
  const columns = resolveColumns(options.columns);
  const described = new DescribedRows(columns);
  const groups: string[] = [];
  const relevance: number[] = [];
  const score: number[] = [];
  const source = await readEach(
    sources,
    options,
    (names, record) => {
      requireColumns(record, [columns.group, columns.yTrue, columns.score], names);
      described.start(names);
    },
    (record) => {
      const group = record.values[columns.group];
      if (group === null || group === undefined || group === "") {
        throw new UserError(`${columns.group} is empty`, {
          location: `${record.file}:${record.line}`,
          hint: "every row needs the query it belongs to",
        });
      }
      groups.push(String(group as string | number));
      relevance.push(cellNumberOf(record, columns.yTrue, options.read));
      score.push(cellNumberOf(record, columns.score, options.read));
      described.add(record, options.read);
    },
  );
  const { slicing, key } = described.columns();
  return { source, group: { column: columns.group, values: groups }, relevance, score, slicing, key };
}

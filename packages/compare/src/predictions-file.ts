import { UserError, type CompareConfig } from "@ctrain/core";
import { parseCell, readRecords } from "@ctrain/data";
import type { Label, Predictions, RegressionPredictions } from "@ctrain/metrics";

export type LoadedPredictions =
  { task: "classification"; predictions: Predictions } | { task: "regression"; predictions: RegressionPredictions };

type PredictionColumns = CompareConfig["predictions"];

/** CSV cells arrive as text; JSON Lines and Parquet values are typed already. */
function typed(value: unknown): unknown {
  return typeof value === "string" ? parseCell(value) : value;
}

function asLabel(value: unknown, column: string, where: string): Label {
  const cell = typed(value);
  if (typeof cell === "number" || typeof cell === "string") return cell;
  if (typeof cell === "boolean") return cell ? 1 : 0;
  throw new UserError(`${column} is empty or not a label (${JSON.stringify(value)})`, {
    location: where,
    hint: "every row needs a true label and a prediction",
  });
}

function asNumber(value: unknown, column: string, where: string): number {
  const cell = typed(value);
  if (typeof cell === "number") return cell;
  throw new UserError(`${column} must be a number, got ${JSON.stringify(value)}`, { location: where });
}

/**
 * Reads a predictions file (CSV, JSON Lines or Parquet) into the columns the evaluator takes: y_true, y_pred, a
 * binary score or `proba_<class>` probabilities, and slice columns.
 */
export async function loadPredictionsFile(path: string, columns: PredictionColumns): Promise<LoadedPredictions> {
  const yTrue: unknown[] = [];
  const yPred: unknown[] = [];
  const score: number[] = [];
  const probabilities: number[][] = [];
  const slices = new Map<string, (Label | null)[]>(columns.slices.map((column) => [column, []]));
  let probabilityColumns: { column: string; label: Label }[] | undefined;
  let hasPred = false;
  let hasScore = false;

  for await (const record of readRecords(path)) {
    const where = `${record.file}:${record.line}`;
    const values = record.values;
    if (probabilityColumns === undefined) {
      const keys = Object.keys(values);
      if (!keys.includes(columns["y-true"])) {
        throw new UserError(`no "${columns["y-true"]}" column (found: ${keys.join(", ")})`, {
          location: record.file,
          hint: "name the true-label column with compare.predictions.y-true",
        });
      }
      hasPred = keys.includes(columns["y-pred"]);
      hasScore = keys.includes(columns.score);
      probabilityColumns = keys
        .filter((key) => key.startsWith(columns["proba-prefix"]))
        .map((column) => ({ column, label: typed(column.slice(columns["proba-prefix"].length)) as Label }));
      for (const slice of columns.slices) {
        if (!keys.includes(slice))
          throw new UserError(`no slice column "${slice}"`, {
            location: record.file,
            hint: "fix compare.predictions.slices",
          });
      }
      if (!hasPred && !hasScore && probabilityColumns.length === 0) {
        throw new UserError(
          `no "${columns["y-pred"]}", "${columns.score}" or "${columns["proba-prefix"]}<class>" column`,
          {
            location: record.file,
            hint: "write predictions, scores or class probabilities next to y_true",
          },
        );
      }
    }
    yTrue.push(values[columns["y-true"]]);
    if (hasPred) yPred.push(values[columns["y-pred"]]);
    if (hasScore) score.push(asNumber(values[columns.score], columns.score, where));
    if (probabilityColumns.length)
      probabilities.push(probabilityColumns.map(({ column }) => asNumber(values[column], column, where)));
    for (const [column, list] of slices) {
      const cell = typed(values[column]);
      list.push(
        cell === null || cell === undefined ? null : typeof cell === "boolean" ? String(cell) : (cell as Label),
      );
    }
  }
  if (yTrue.length === 0) throw new UserError("the predictions file has no rows", { location: path });

  const slice = columns.slices.length
    ? { column: columns.slices[0]!, values: slices.get(columns.slices[0]!)! }
    : undefined;
  const looksContinuous = yTrue.some((value) => {
    const cell = typed(value);
    return typeof cell === "number" && !Number.isInteger(cell);
  });
  const task =
    columns.task === "auto"
      ? !hasScore && !probabilityColumns?.length && looksContinuous
        ? "regression"
        : "classification"
      : columns.task;
  if (task === "regression") {
    if (!hasPred)
      throw new UserError(`regression predictions need a "${columns["y-pred"]}" column`, { location: path });
    return {
      task,
      predictions: {
        yTrue: Float64Array.from(yTrue, (value, row) => asNumber(value, columns["y-true"], `${path}: row ${row + 1}`)),
        yPred: Float64Array.from(yPred, (value, row) => asNumber(value, columns["y-pred"], `${path}: row ${row + 1}`)),
        slice,
        source: path,
      },
    };
  }
  return {
    task,
    predictions: {
      yTrue: yTrue.map((value, row) => asLabel(value, columns["y-true"], `${path}: row ${row + 1}`)),
      yPred: hasPred
        ? yPred.map((value, row) => asLabel(value, columns["y-pred"], `${path}: row ${row + 1}`))
        : undefined,
      score: hasScore ? Float64Array.from(score) : undefined,
      probabilities: probabilityColumns?.length
        ? { classLabels: probabilityColumns.map(({ label }) => label), matrix: probabilities }
        : undefined,
      slice,
      source: path,
    },
  };
}

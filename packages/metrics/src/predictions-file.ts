import { UserError } from "@ctrain/core";
import { parseCell, readRecords, type DataRecord, type ReadOptions } from "@ctrain/readers";
import type { Label } from "./labels.js";
import type { KeyColumn, Predictions, RegressionPredictions, SliceColumn, Slicing } from "./predictions.js";

/** Column names in a predictions file; every one can be renamed. */
export interface PredictionColumns {
  /** Default "y_true". */
  readonly yTrue?: string;
  /** Default "y_pred". */
  readonly yPred?: string;
  /** Binary score column; default "score". */
  readonly score?: string;
  /** Class probability columns are `<prefix><class>`; default "proba_" (proba_0, proba_cat, ...). */
  readonly probabilityPrefix?: string;
  /**
   * Columns to compute per-slice metrics by, when the file has them; none by default. An entry that is a list
   * crosses its columns (`[country, plan]` slices by each pair of values).
   */
  readonly slice?: string | readonly (string | readonly string[])[];
  /** Column naming each row, to pair two runs' rows by, when the file has it; default "id". */
  readonly key?: string;
  /** Ranking: the column naming each row's query; default "query_id". */
  readonly group?: string;
  /** Quantile regression: columns `<prefix><level>`; default "quantile_" (quantile_0.1, quantile_0.9). */
  readonly quantilePrefix?: string;
}

export interface PredictionFileOptions {
  readonly columns?: PredictionColumns;
  /** Passed to @ctrain/readers' reader (format, delimiter, cwd, progress). */
  readonly read?: ReadOptions;
}

export interface ResolvedColumns {
  readonly yTrue: string;
  readonly yPred: string;
  readonly score: string;
  readonly probabilityPrefix: string;
  /** Each grouping: one column, or crossed columns. */
  readonly slice: readonly (readonly string[])[];
  readonly key: string;
  readonly group: string;
  readonly quantilePrefix: string;
}

export function resolveColumns(columns: PredictionColumns = {}): ResolvedColumns {
  const slice = columns.slice === undefined ? [] : typeof columns.slice === "string" ? [columns.slice] : columns.slice;
  return {
    yTrue: columns.yTrue ?? "y_true",
    yPred: columns.yPred ?? "y_pred",
    score: columns.score ?? "score",
    probabilityPrefix: columns.probabilityPrefix ?? "proba_",
    slice: slice.map((grouping) => (typeof grouping === "string" ? [grouping] : grouping)),
    key: columns.key ?? "id",
    group: columns.group ?? "query_id",
    quantilePrefix: columns.quantilePrefix ?? "quantile_",
  };
}

/**
 * Reads a classifier's predictions (CSV/TSV, JSON Lines or Parquet; one path, a directory or a glob) into
 * columns: y_true, and any of y_pred, score, proba_<class>, plus the slice and key columns. CSV cells are typed
 * as pandas reads them, so "1" is the label 1 and "cat" the label "cat". Other columns are ignored, and the slice
 * and key columns are read when the file has them: a run from before they were added still pairs and evaluates.
 */
export async function readClassifierPredictions(
  sources: string | readonly string[],
  options: PredictionFileOptions = {},
): Promise<Predictions> {
  const columns = resolveColumns(options.columns);
  const yTrue: Label[] = [];
  const yPred: Label[] = [];
  const score: number[] = [];
  const matrix: number[][] = [];
  const described = new DescribedRows(columns);
  let layout: { yPred: boolean; score: boolean; probabilities: { column: string; label: Label }[] } | undefined;
  let source = String(sources);
  for await (const record of readRecords(sources, options.read)) {
    if (!layout) {
      source = record.file;
      const names = Object.keys(record.values);
      requireColumns(record, [columns.yTrue], names);
      described.start(names);
      const probabilities = names
        .filter((name) => name.startsWith(columns.probabilityPrefix) && name.length > columns.probabilityPrefix.length)
        .map((column) => ({
          column,
          label: labelOf(parseCell(column.slice(columns.probabilityPrefix.length)), record, column),
        }));
      layout = { yPred: names.includes(columns.yPred), score: names.includes(columns.score), probabilities };
      if (!layout.yPred && !layout.score && probabilities.length === 0) {
        throw new UserError(
          `no prediction column: expected "${columns.yPred}", "${columns.score}" or "${columns.probabilityPrefix}<class>" columns; found ${names.join(", ")}`,
          {
            location: `${record.file}:${record.line}`,
            hint: "write predicted labels, a score or class probabilities, or set the column names in ctrain.yml",
          },
        );
      }
    }
    yTrue.push(labelOf(cellOf(record, columns.yTrue, options.read), record, columns.yTrue));
    if (layout.yPred) yPred.push(labelOf(cellOf(record, columns.yPred, options.read), record, columns.yPred));
    if (layout.score) score.push(cellNumberOf(record, columns.score, options.read));
    if (layout.probabilities.length)
      matrix.push(layout.probabilities.map(({ column }) => cellNumberOf(record, column, options.read)));
    described.add(record, options.read);
  }
  if (!layout)
    throw new UserError("predictions file has no rows", {
      location: source,
      hint: "write a header and one row per test example",
    });
  return {
    source,
    yTrue,
    yPred: layout.yPred ? yPred : undefined,
    score: layout.score ? score : undefined,
    probabilities: layout.probabilities.length
      ? { classLabels: layout.probabilities.map(({ label }) => label), matrix }
      : undefined,
    ...described.columns(),
  };
}

/** Reads a regressor's predictions: numeric y_true and y_pred columns, plus the slice and key columns. */
export async function readRegressorPredictions(
  sources: string | readonly string[],
  options: PredictionFileOptions = {},
): Promise<RegressionPredictions> {
  const columns = resolveColumns(options.columns);
  const yTrue: number[] = [];
  const yPred: number[] = [];
  const described = new DescribedRows(columns);
  let source: string | undefined;
  for await (const record of readRecords(sources, options.read)) {
    if (source === undefined) {
      source = record.file;
      const names = Object.keys(record.values);
      requireColumns(record, [columns.yTrue, columns.yPred], names);
      described.start(names);
    }
    yTrue.push(cellNumberOf(record, columns.yTrue, options.read));
    yPred.push(cellNumberOf(record, columns.yPred, options.read));
    described.add(record, options.read);
  }
  if (source === undefined)
    throw new UserError("predictions file has no rows", {
      location: String(sources),
      hint: "write a header and one row per test example",
    });
  return { source, yTrue, yPred, ...described.columns() };
}

/** The columns that say which example a row is (its slices, its key), gathered when the file has them. */
export class DescribedRows {
  private slices: { column: string; values: (Label | null)[] }[] = [];
  private key?: { column: string; values: (string | null)[]; lines: number[] };

  constructor(private readonly names: ResolvedColumns) {}

  /** Called with the first record's column names. */
  start(columns: readonly string[]): void {
    const { slice, key } = this.names;
    const named = [...new Set(slice.flat())];
    this.slices = named.filter((column) => columns.includes(column)).map((column) => ({ column, values: [] }));
    if (columns.includes(key)) this.key = { column: key, values: [], lines: [] };
  }

  add(record: DataRecord, read: ReadOptions | undefined): void {
    for (const slice of this.slices) slice.values.push(sliceValueOf(cellOf(record, slice.column, read)));
    if (this.key) {
      this.key.values.push(keyValueOf(record.values[this.key.column]));
      this.key.lines.push(record.line);
    }
  }

  /** `slice` is the first slice column found; `slicing` all of them, with every configured grouping. */
  columns(): { slice?: SliceColumn; slicing?: Slicing; key?: KeyColumn } {
    const slicing = this.slices.length ? { columns: this.slices, groupings: this.names.slice } : undefined;
    return { slice: this.slices[0], slicing, key: this.key };
  }
}

export function requireColumns(record: DataRecord, required: readonly string[], names: readonly string[]): void {
  const missing = required.filter((column) => !names.includes(column));
  if (missing.length) {
    throw new UserError(`missing column ${missing.map((c) => `"${c}"`).join(", ")}; found ${names.join(", ")}`, {
      location: `${record.file}:${record.line}`,
      hint: "rename the columns in the file, or set the column names in ctrain.yml",
    });
  }
}

/** CSV cells are text: type them as pandas would; JSON Lines and Parquet values are typed already. */
export function cellOf(record: DataRecord, column: string, read: ReadOptions | undefined): unknown {
  const value = record.values[column];
  const csv = read?.format ? read.format === "csv" : /\.(csv|tsv)$/i.test(record.file);
  return typeof value === "string" && csv ? parseCell(value) : value;
}

export function labelOf(value: unknown, record: DataRecord, column: string): Label {
  if (typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value)))
    return value;
  if (typeof value === "bigint") return Number(value);
  throw new UserError(
    `${column} is ${value === null || value === undefined ? "empty" : JSON.stringify(value)}, expected a class label`,
    {
      location: `${record.file}:${record.line}`,
      hint: "every row needs a label; drop rows without one",
    },
  );
}

export function cellNumberOf(record: DataRecord, column: string, read: ReadOptions | undefined): number {
  const value = cellOf(record, column, read);
  if (typeof value === "number" && !Number.isNaN(value)) return value;
  if (typeof value === "bigint") return Number(value);
  throw new UserError(
    `${column} is ${value === null || value === undefined ? "empty" : JSON.stringify(value)}, expected a number`,
    {
      location: `${record.file}:${record.line}`,
      hint: `fill ${column} with numbers, or drop rows without one`,
    },
  );
}

/** A key as text, exactly as written (CSV cells are not typed, so "007" stays "007"); null when empty. */
function keyValueOf(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "number" && !Number.isFinite(value)) return null;
  return typeof value === "object" ? JSON.stringify(value) : String(value as string | number | boolean | bigint);
}

function sliceValueOf(value: unknown): Label | null {
  if (value === null || value === undefined) return null;
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? value : String(value);
}

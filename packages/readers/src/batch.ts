import { classifyValue } from "./cell-kinds.js";
import type { DataFormat } from "./options.js";

/**
 * A column's cell kinds (`CellKind` values), and its numbers where cells are integer or float, 1 or 0 where they
 * are booleans (true or false), NaN elsewhere.
 */
export interface ClassifiedColumn {
  kinds: Uint8Array;
  numbers: Float64Array;
}

/**
 * Where a text batch's cells lie in its input, for hot loops: cell (row, col) is `bytes[starts[i], ends[i])` with
 * i = row * width + col. Those bytes are the cell's UTF-8 text when `flags[i]` is 0 (ASCII) or `CELL_NON_ASCII`;
 * any other flag means the text differs from them (doubled quotes, text after a closing quote): read it with `cell`.
 */
export interface CellRanges {
  bytes: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  flags: Uint8Array;
  width: number;
  /** The byte between a record's fields (`,` or a tab). */
  delimiter: number;
}

/** A `CellRanges` flag: the cell's bytes hold non-ASCII UTF-8, and are still its text. */
export const CELL_NON_ASCII = 1;
/** A `CellRanges` flag: a quoted cell whose bytes hold doubled quotes (`""`), each one quote of its text. */
export const CELL_DOUBLED_QUOTES = 2;

/** What every batch offers, whatever the file format. */
interface BatchBase {
  /** The file the rows come from, as messages show it. */
  readonly file: string;
  readonly format: DataFormat;
  /** Column names, in file order. */
  readonly columns: readonly string[];
  readonly rows: number;
  /** `lineOf(0)`, or the next line if the batch is empty. */
  readonly firstLine: number;
  /** Parquet row group (0-based) the rows come from; undefined for text formats. */
  readonly rowGroup: number | undefined;
  /** CSV records whose field count differed from the header (only when `raggedRows: "count"`). */
  readonly raggedRows: number;
  /**
   * Where a row starts: the 1-based physical line for CSV and JSON Lines (a quoted field may span
   * lines, and blank lines are skipped), the 1-based row number within the file for Parquet.
   */
  lineOf(row: number): number;
  /** One row as an object keyed by column name (allocates; prefer `column` in hot loops). */
  record(row: number): Record<string, unknown>;
  /**
   * Every cell's kind and number, by the rules of `classifyCell` (text) or `classifyValue` (typed
   * values). A CSV batch reads them from its input bytes without making strings: the fast path for
   * numeric columns. Cached by the batch.
   */
  classifyColumn(col: number): ClassifiedColumn;
}

/**
 * A batch of CSV rows: every cell is its raw text, without quotes (an empty field is `""`).
 * Use `classifyCell`/`parseCell` or `ColumnTypeInference` to type it.
 */
export interface TextBatch extends BatchBase {
  readonly kind: "text";
  /** The column's cells as strings; made on first call, then cached by the batch. */
  column(col: number): readonly string[];
  cell(row: number, col: number): string;
  /** Where the cells lie in the input, to read them without making strings. */
  cellRanges(): CellRanges;
}

/**
 * A batch of typed values (JSON Lines, Parquet). A missing key or a null is `null`; Parquet INT64
 * values are numbers when exact (|v| <= 2^53 - 1), else bigint; timestamps are `Date`s.
 */
export interface ValueBatch extends BatchBase {
  readonly kind: "values";
  column(col: number): ArrayLike<unknown>;
  cell(row: number, col: number): unknown;
}

/**
 * A block of consecutive rows from one file, stored by column so that consumers (the validator and
 * the profiler) walk arrays instead of allocating an object per row. A CSV batch covers about
 * `chunkBytes` of input; a Parquet batch is one row group.
 */
export type RecordBatch = TextBatch | ValueBatch;

/** Throws unless `row` is a row of the batch. */
export function checkRow(batch: RecordBatch, row: number): void {
  if (!(Number.isInteger(row) && row >= 0 && row < batch.rows)) {
    throw new RangeError(`row ${row} is outside a batch of ${batch.rows} rows`);
  }
}

/** Throws unless `col` is a column of the batch. */
export function checkColumn(batch: RecordBatch, col: number): void {
  if (!(Number.isInteger(col) && col >= 0 && col < batch.columns.length)) {
    throw new RangeError(`column ${col} is outside a batch of ${batch.columns.length} columns`);
  }
}

/** Sets a field on a row object; a column named `__proto__` becomes an own field instead of the prototype. */
export function setField(values: Record<string, unknown>, name: string, value: unknown): void {
  if (name === "__proto__")
    Object.defineProperty(values, name, { value, enumerable: true, writable: true, configurable: true });
  else values[name] = value;
}

/** Kinds and numbers of typed values. */
export function classifyValues(values: ArrayLike<unknown>): ClassifiedColumn {
  const kinds = new Uint8Array(values.length);
  const numbers = new Float64Array(values.length).fill(NaN);
  for (let row = 0; row < values.length; row++) {
    const value = values[row];
    kinds[row] = classifyValue(value);
    if (typeof value === "number") numbers[row] = value;
    else if (typeof value === "bigint") numbers[row] = Number(value);
    else if (typeof value === "boolean") numbers[row] = value ? 1 : 0;
  }
  return { kinds, numbers };
}

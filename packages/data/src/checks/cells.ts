import type { RecordedValue } from "@ctrain/core";
import { classifyCell, classifyValue, type CellKind, type RecordBatch, type TextBatch } from "@ctrain/readers";
import type { KeyHasher } from "./key-hasher.js";

/**
 * A float NaN in a typed file (Parquet, JSON Lines' NaN never parses). The readers count it as null, as pandas does;
 * the NaN check needs to tell it apart. In CSV, NaN spellings are nulls (pandas' `na_values`).
 */
export const NAN_KIND = 6;
export type CheckedKind = CellKind | typeof NAN_KIND;

/** The kind of a cell: raw CSV text or a typed value. */
export function kindOf(value: unknown, text: boolean): CheckedKind {
  if (text) return classifyCell(value as string);
  if (typeof value === "number" && value !== value) return NAN_KIND;
  return classifyValue(value);
}

/** The text a cell shows: CSV text as it is, typed values as JSON would write them (timestamps in ISO 8601). */
export function textOf(value: unknown, text: boolean): string {
  if (text || typeof value === "string") return value as string;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  if (typeof value === "object" && value !== null) {
    return JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? item.toString() : item));
  }
  return String(value);
}

/** A cell as a document records it (bigint and dates as text, NaN and infinities as numbers). */
export function recordedValue(value: unknown, text: boolean): RecordedValue {
  if (text || value === null || typeof value === "number" || typeof value === "boolean" || typeof value === "string") {
    return value as RecordedValue;
  }
  if (value === undefined) return null;
  return textOf(value, false);
}

/** Where a batch's rows are, as documents record it: the file path and its index among the dataset's files. */
export interface BatchPlace {
  batch: RecordBatch;
  /** Relative path for documents and annotations; undefined when the file lies outside the working directory. */
  file: string | undefined;
  fileIndex: number;
}

/** Columns of a batch, in order, and the same as runs of adjacent columns: first, column after the last, ... */
export interface ColumnRuns {
  cols: Int32Array;
  runs: Int32Array;
}

/** `cols` (ascending) with their runs of adjacent columns. */
export function columnRuns(cols: Int32Array): ColumnRuns {
  const runs: number[] = [];
  for (let c = 0; c < cols.length; c++) {
    if (c > 0 && cols[c] === cols[c - 1]! + 1) runs[runs.length - 1] = cols[c]! + 1;
    else runs.push(cols[c]!, cols[c]! + 1);
  }
  return { cols, runs: Int32Array.from(runs) };
}

/**
 * Adds cells of one batch to row hashes: CSV text by its UTF-8 bytes where it lies in the input (no string made),
 * typed values by kind (1, "1" and true differ). An empty CSV field, null and undefined add nothing.
 */
export class CellHashing {
  private batch?: RecordBatch;
  private values: (ArrayLike<unknown> | undefined)[] = [];
  private readonly column = new Int32Array(1);
  private readonly marker = new Int32Array(1);

  use(batch: RecordBatch): void {
    this.batch = batch;
    this.values = [];
  }

  /** Adds cells `cols` of a row, each after a marker (`markers[c]`, by default its column). */
  addAll(hasher: KeyHasher, row: number, cols: Int32Array, markers: Int32Array = cols): void {
    const batch = this.batch!;
    if (batch.kind === "text") {
      hasher.addTextCells(batch, row, cols, markers);
      return;
    }
    for (let c = 0; c < cols.length; c++) {
      const col = cols[c]!;
      const value = (this.values[col] ??= batch.column(col))[row];
      if (value !== null && value !== undefined) hasher.addColumn(markers[c]!).addValue(value);
    }
  }

  /**
   * Adds the cells of a row's columns `columns.cols`, which `columns.runs` holds as runs of adjacent columns: text by
   * `KeyHasher.addTextRuns`, typed values as `addAll` does.
   */
  addColumns(hasher: KeyHasher, row: number, columns: ColumnRuns): void {
    if (this.batch!.kind === "text") hasher.addTextRuns(this.batch as TextBatch, row, columns.runs);
    else this.addAll(hasher, row, columns.cols);
  }

  /** Adds cell (row, col) after a marker of `position`, unless it is null. */
  add(hasher: KeyHasher, row: number, col: number, position: number): void {
    this.column[0] = col;
    this.marker[0] = position;
    this.addAll(hasher, row, this.column, this.marker);
  }
}

import type { RecordedValue } from "@ctrain/core";
import { classifyCell, classifyValue, type CellKind } from "../readers/index.js";
import type { RecordBatch } from "../readers/index.js";

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

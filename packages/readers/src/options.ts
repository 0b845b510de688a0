import { UserError } from "@ctrain/core";
import type { ReadProgress } from "./progress.js";

/** The file formats the readers understand; `.tsv` files are CSV with a tab delimiter. */
export type DataFormat = "csv" | "jsonl" | "parquet";

/** How to read a dataset. Every field is optional; defaults suit a UTF-8 CSV with a header row. */
export interface ReadOptions {
  /** Reads every file in this format instead of guessing it from the extension. */
  format?: DataFormat;
  /** CSV field delimiter: one ASCII character. Default `,`, or a tab for `.tsv` files. */
  delimiter?: string;
  /**
   * CSV header: `true` (default) takes the column names from the first record; `false` reads the first
   * record as data and names columns `column_1`, `column_2`, ...; an array names the columns itself.
   */
  header?: boolean | readonly string[];
  /** Bytes that are not valid UTF-8: `"error"` (default) stops with file:line, `"replace"` reads them as U+FFFD. */
  encodingErrors?: "error" | "replace";
  /**
   * NUL bytes (0x00): `"error"` (default) stops with file:line, since text data holds none; `"keep"` reads them
   * as part of a CSV cell (JSON never holds a raw NUL, so a JSON Lines file with one stays an error).
   */
  nulBytes?: "error" | "keep";
  /** A record (CSV) or line (JSON Lines) longer than this many bytes is an error, so one huge line cannot exhaust memory. Default 1 MiB. */
  maxLineBytes?: number;
  /**
   * CSV records whose field count differs from the header: `"error"` (default) stops at the first one;
   * `"count"` pads short records with empty cells, drops extra fields, and counts them in `RecordBatch.raggedRows`.
   */
  raggedRows?: "error" | "count";
  /** Bytes of input per CSV or JSON Lines batch (default 64 KiB: small batches keep garbage young and memory flat). */
  chunkBytes?: number;
  /** Cells (rows times columns) per Parquet batch at most, whatever the row-group size (default 1,048,576). */
  batchCells?: number;
  /** Directory that relative paths and globs are resolved against. Default `process.cwd()`. */
  cwd?: string;
  /** Called after every batch, for progress logs (rows read, MB/s, ETA: see `describeProgress`). */
  onProgress?: (progress: ReadProgress) => void;
}

/** Options after defaults and checks; readers take these. */
export interface ResolvedReadOptions {
  format: DataFormat | undefined;
  delimiter: number | undefined;
  header: boolean | readonly string[];
  encodingErrors: "error" | "replace";
  nulBytes: "error" | "keep";
  maxLineBytes: number;
  raggedRows: "error" | "count";
  chunkBytes: number;
  batchCells: number;
  cwd: string;
  onProgress: ((progress: ReadProgress) => void) | undefined;
}

const MIB = 1024 * 1024;

export function resolveReadOptions(options: ReadOptions = {}): ResolvedReadOptions {
  return {
    format: options.format,
    delimiter: options.delimiter === undefined ? undefined : delimiterByte(options.delimiter),
    header: options.header ?? true,
    encodingErrors: options.encodingErrors ?? "error",
    nulBytes: options.nulBytes ?? "error",
    maxLineBytes: positiveInteger("maxLineBytes", options.maxLineBytes ?? MIB, "bytes"),
    raggedRows: options.raggedRows ?? "error",
    chunkBytes: positiveInteger("chunkBytes", options.chunkBytes ?? 64 * 1024, "bytes"),
    batchCells: positiveInteger("batchCells", options.batchCells ?? MIB, "cells"),
    cwd: options.cwd ?? process.cwd(),
    onProgress: options.onProgress,
  };
}

function delimiterByte(delimiter: string): number {
  const code = delimiter.charCodeAt(0);
  const forbidden = code === 0x22 || code === 0x0a || code === 0x0d;
  if (delimiter.length !== 1 || code > 0x7f || forbidden) {
    throw new UserError(`the CSV delimiter ${JSON.stringify(delimiter)} is not usable`, {
      location: "delimiter",
      hint: 'use one ASCII character other than a quote or a line break, such as "," ";" "|" or "\\t"',
    });
  }
  return code;
}

function positiveInteger(key: string, value: number, unit: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new UserError(`${key} must be a positive whole number of ${unit}, got ${value}`, { location: key });
  }
  return value;
}

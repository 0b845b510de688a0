import type { RecordBatch } from "./batch.js";
import { readCsv, readCsvPiece } from "./csv.js";
import { readJsonLines, readJsonLinesPiece } from "./jsonl.js";
import { resolveReadOptions, type ReadOptions, type ResolvedReadOptions } from "./options.js";
import { ProgressTracker } from "./progress.js";
import type { FilePiece } from "./segments.js";
import { resolveDataFiles, type DataFile } from "./sources.js";

/** One row of a dataset and where it came from. */
export interface DataRecord {
  /** CSV: raw cell strings; JSON Lines: the parsed object; Parquet: typed values (see `ValueBatch`). */
  values: Record<string, unknown>;
  file: string;
  /** 1-based physical line where the record starts (CSV, JSON Lines), or 1-based row number in the file (Parquet). */
  line: number;
  /** Parquet row group, 0-based. */
  rowGroup?: number;
}

/**
 * Reads a dataset (a path, a directory, a glob, or a list of them; files in sorted path order) batch
 * by batch. This is the fast path: see `RecordBatch`.
 */
export async function* readBatches(
  sources: string | readonly string[],
  options?: ReadOptions,
): AsyncGenerator<RecordBatch> {
  const resolved = resolveReadOptions(options);
  const files = await resolveDataFiles(sources, resolved);
  const progress = new ProgressTracker(
    files.reduce((total, file) => total + file.size, 0),
    resolved.onProgress,
  );
  for (const file of files) yield* readFile(file, resolved, progress);
}

/**
 * Reads planned pieces (see `planSegments`) in order, batch by batch, exactly the records (and lines) that reading
 * their whole files gives for those ranges. A piece that is a whole file is read as `readBatches` reads it.
 */
export async function* readPieces(pieces: readonly FilePiece[], options?: ReadOptions): AsyncGenerator<RecordBatch> {
  const resolved = resolveReadOptions(options);
  const progress = new ProgressTracker(
    pieces.reduce((total, piece) => total + (piece.end - piece.start), 0),
    resolved.onProgress,
  );
  for (const piece of pieces) {
    if (piece.start === 0 && piece.end === piece.file.size) yield* readFile(piece.file, resolved, progress);
    else if (piece.file.format === "csv") yield* readCsvPiece(piece, resolved, progress);
    else if (piece.file.format === "jsonl") yield* readJsonLinesPiece(piece, resolved, progress);
    else throw new Error(`${piece.file.file} is Parquet: it is read whole, not from a byte range`);
  }
}

/** Reads a dataset record by record; simpler than `readBatches`, and slower (an object per row). */
export async function* readRecords(
  sources: string | readonly string[],
  options?: ReadOptions,
): AsyncGenerator<DataRecord> {
  for await (const batch of readBatches(sources, options)) {
    for (let row = 0; row < batch.rows; row++) {
      const record: DataRecord = { values: batch.record(row), file: batch.file, line: batch.lineOf(row) };
      if (batch.rowGroup !== undefined) record.rowGroup = batch.rowGroup;
      yield record;
    }
  }
}

function readFile(
  file: DataFile,
  options: ResolvedReadOptions,
  progress: ProgressTracker,
): AsyncGenerator<RecordBatch> {
  switch (file.format) {
    case "csv":
      return readCsv(file, options, progress);
    case "jsonl":
      return readJsonLines(file, options, progress);
    case "parquet":
      return readParquetLazily(file, options, progress);
  }
}

/** hyparquet (and its codecs) load with the first Parquet file: a CSV-only step never compiles them. */
async function* readParquetLazily(
  file: DataFile,
  options: ResolvedReadOptions,
  progress: ProgressTracker,
): AsyncGenerator<RecordBatch> {
  const { readParquet } = await import("./parquet.js");
  yield* readParquet(file, options, progress);
}

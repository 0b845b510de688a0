import { open } from "node:fs/promises";
import { UserError } from "@ctrain/core";
import {
  asyncBufferFromFile,
  type AsyncBuffer,
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
  type ColumnData,
  type FileMetaData,
} from "hyparquet";
import { checkColumn, checkRow, classifyValues, setField, type ClassifiedColumn, type ValueBatch } from "./batch.js";
import type { ResolvedReadOptions } from "./options.js";
import type { ProgressTracker } from "./progress.js";
import type { DataFile } from "./sources.js";

/**
 * Reads a Parquet file row group by row group, and a large group in windows of at most `batchCells` cells: hyparquet
 * fetches a group's column chunks (compressed, read once per group and kept for its windows), skips the pages before
 * a window without decompressing them and stops after it, so decoded values never exceed one window, whatever the
 * row-group size. Every codec of hyparquet-compressors is understood (snappy, gzip, brotli, zstd, lz4).
 */
export async function* readParquet(
  source: DataFile,
  options: ResolvedReadOptions,
  progress: ProgressTracker,
): AsyncGenerator<ValueBatch> {
  const frameProblem = await parquetFrameProblem(source.path);
  if (frameProblem) throw notParquet(source.file, frameProblem);
  const file = new RowGroupBytes(await asyncBufferFromFile(source.path));
  const metadata = await parquetMetadataAsync(file).catch((error: unknown) => {
    throw notParquet(source.file, reason(error), error);
  });
  const columns = parquetSchema(metadata).children.map((child) => child.element.name);
  const windowRows = Math.max(1, Math.floor(options.batchCells / Math.max(1, columns.length)));
  let firstRow = 0;
  let bytesRead = 0;
  for (const [index, group] of metadata.row_groups.entries()) {
    const groupRows = Number(group.num_rows);
    const groupBytes = group.columns.reduce(
      (sum, chunk) => sum + Number(chunk.meta_data?.total_compressed_size ?? 0n),
      0,
    );
    for (let done = 0; done < groupRows; done += windowRows) {
      const rows = Math.min(windowRows, groupRows - done);
      const data = await readRowGroup(source.file, { file, metadata, columns, index, firstRow, rows });
      progress.advance(source.file, bytesRead + Math.round((groupBytes * (done + rows)) / groupRows), rows);
      yield new ParquetBatch(source.file, columns, data, index, firstRow, rows);
      firstRow += rows;
    }
    bytesRead += groupBytes;
    file.forget();
  }
  if (firstRow === 0)
    yield new ParquetBatch(
      source.file,
      columns,
      columns.map(() => []),
      0,
      0,
      0,
    );
  progress.finishFile(source.size);
}

/**
 * The file, keeping the byte ranges read since `forget`: a row group read window by window fetches each of its column
 * chunks once.
 */
class RowGroupBytes implements AsyncBuffer {
  private readonly kept = new Map<string, Promise<ArrayBuffer>>();

  constructor(private readonly file: AsyncBuffer) {}

  get byteLength(): number {
    return this.file.byteLength;
  }

  slice(start: number, end?: number): Promise<ArrayBuffer> {
    const key = `${start}:${end}`;
    let bytes = this.kept.get(key);
    if (!bytes) {
      bytes = Promise.resolve(this.file.slice(start, end));
      this.kept.set(key, bytes);
    }
    return bytes;
  }

  forget(): void {
    this.kept.clear();
  }
}

interface RowGroupRequest {
  file: AsyncBuffer;
  metadata: FileMetaData;
  columns: readonly string[];
  index: number;
  firstRow: number;
  rows: number;
}

async function readRowGroup(fileName: string, request: RowGroupRequest): Promise<ArrayLike<unknown>[]> {
  const { file, metadata, columns, index, firstRow, rows } = request;
  const chunks = new Map<string, ColumnData[]>(columns.map((name) => [name, []]));
  // Imported on first use: the codecs (WebAssembly among them) cost every step's start-up, and few read Parquet.
  const { compressors } = await import("hyparquet-compressors");
  try {
    await parquetRead({
      file,
      metadata,
      compressors,
      rowStart: firstRow,
      rowEnd: firstRow + rows,
      onChunk: (chunk) => chunks.get(chunk.columnName)?.push(chunk),
    });
  } catch (error) {
    throw new UserError(`cannot read row group ${index} of the Parquet file: ${reason(error)}`, {
      location: fileName,
      hint: "the file may be damaged, or use an encoding or codec this reader does not support; rewrite it with a current Parquet writer",
      cause: error,
    });
  }
  return columns.map((name) => assembleColumn(chunks.get(name)!, firstRow, rows));
}

/** One column of a row group from its chunks (pages may arrive in any order). */
function assembleColumn(chunks: ColumnData[], firstRow: number, rows: number): ArrayLike<unknown> {
  const only = chunks[0];
  if (chunks.length === 1 && only!.rowStart === firstRow && only!.columnData.length === rows) {
    return exactNumbers(only!.columnData);
  }
  const values = new Array<unknown>(rows).fill(null);
  for (const chunk of chunks) {
    const data = exactNumbers(chunk.columnData);
    for (let i = 0; i < data.length; i++) {
      const row = chunk.rowStart - firstRow + i;
      if (row >= 0 && row < rows) values[row] = data[i];
    }
  }
  return values;
}

/** INT64 values arrive as bigint: numbers when exact, so consumers need not handle two numeric types. */
function exactNumbers(data: ArrayLike<unknown>): ArrayLike<unknown> {
  if (data instanceof BigInt64Array || data instanceof BigUint64Array || Array.isArray(data)) {
    const values: unknown[] = Array.isArray(data) ? data : Array.from(data);
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (typeof value === "bigint") {
        if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER))
          values[i] = Number(value);
      } else if (value === undefined) values[i] = null;
    }
    return values;
  }
  return data;
}

const MAGIC = "PAR1";

/** What is wrong with the magic bytes that open and close every Parquet file, if anything. */
async function parquetFrameProblem(path: string): Promise<string | undefined> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    if (size < 12) return `it is ${size} bytes long; the smallest Parquet file has 12`;
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    await handle.read(tail, 0, 4, size - 4);
    if (tail.toString("latin1") !== MAGIC)
      return `it ends with ${JSON.stringify(tail.toString("latin1"))} instead of ${MAGIC}`;
    if (head.toString("latin1") !== MAGIC)
      return `it starts with ${JSON.stringify(head.toString("latin1"))} instead of ${MAGIC}`;
    return undefined;
  } finally {
    await handle.close();
  }
}

function notParquet(file: string, why: string, cause?: unknown): UserError {
  return new UserError(`not a valid Parquet file: ${why}`, {
    location: file,
    hint: "check that the file was written completely (a Parquet file ends with its footer and the bytes PAR1)",
    cause,
  });
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One row group of a Parquet file, column by column. */
class ParquetBatch implements ValueBatch {
  readonly kind = "values";
  readonly format = "parquet";
  readonly raggedRows = 0;

  constructor(
    readonly file: string,
    readonly columns: readonly string[],
    private readonly data: ArrayLike<unknown>[],
    readonly rowGroup: number,
    /** 0-based index in the file of the batch's first row. */
    private readonly firstRowIndex: number,
    readonly rows: number,
  ) {}

  get firstLine(): number {
    return this.firstRowIndex + 1;
  }

  lineOf(row: number): number {
    checkRow(this, row);
    return this.firstRowIndex + row + 1;
  }

  cell(row: number, col: number): unknown {
    checkRow(this, row);
    checkColumn(this, col);
    return this.data[col]![row];
  }

  column(col: number): ArrayLike<unknown> {
    checkColumn(this, col);
    return this.data[col]!;
  }

  classifyColumn(col: number): ClassifiedColumn {
    return classifyValues(this.column(col));
  }

  record(row: number): Record<string, unknown> {
    checkRow(this, row);
    const values: Record<string, unknown> = {};
    for (let col = 0; col < this.columns.length; col++) setField(values, this.columns[col]!, this.data[col]![row]);
    return values;
  }
}

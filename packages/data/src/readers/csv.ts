import { UserError } from "@ctrain/core";
import type { TextBatch } from "./batch.js";
import { readChunkedFile, type ChunkDecoder } from "./chunked-file.js";
import { CsvBatch } from "./csv-batch.js";
import { CsvTokenizer, cellString, type CsvCells } from "./csv-tokenizer.js";
import { countLineBreaks } from "./line-breaks.js";
import type { ResolvedReadOptions } from "./options.js";
import type { ProgressTracker } from "./progress.js";
import type { DataFile } from "./sources.js";
import { Utf8Checker } from "./utf8.js";

/** Header fields stored on the first try; a wider header is read again with room for all its fields. */
const FIRST_HEADER_CAPACITY = 256;

/**
 * Reads a CSV or TSV file in batches of about `chunkBytes`. Memory stays bounded: only the current
 * chunk and the incomplete record at its end are held, and a record longer than `maxLineBytes` is an error.
 * A file with a header and no rows yields one empty batch, so consumers still learn its columns.
 */
export function readCsv(
  source: DataFile,
  options: ResolvedReadOptions,
  progress: ProgressTracker,
): AsyncGenerator<TextBatch> {
  return readChunkedFile(source, options, progress, new CsvChunkDecoder(source, options));
}

class CsvChunkDecoder implements ChunkDecoder<CsvBatch> {
  private readonly tokenizer: CsvTokenizer;
  private readonly utf8: Utf8Checker | undefined;
  private columns: readonly string[] | undefined;
  private line = 1;
  private afterCarriageReturn = false;
  private yieldedBatch = false;
  consumed = 0;

  constructor(
    private readonly source: DataFile,
    private readonly options: ResolvedReadOptions,
  ) {
    const delimiter = options.delimiter ?? source.defaultDelimiter;
    this.tokenizer = new CsvTokenizer(source.file, delimiter, options.maxLineBytes, options.raggedRows);
    this.utf8 = options.encodingErrors === "error" ? new Utf8Checker() : undefined;
    if (Array.isArray(options.header)) this.columns = uniqueColumnNames(options.header);
  }

  next(bytes: Buffer, newFrom: number, final: boolean): CsvBatch | undefined {
    this.checkUtf8(bytes, newFrom, final);
    this.consumed = 0;
    this.columns ??= this.readHeader(bytes, final);
    if (this.columns === undefined) return undefined;
    const cells = this.commit(this.tokenize(bytes, this.consumed, final, this.columns.length, false, Infinity));
    if (cells.rows === 0 && !(final && !this.yieldedBatch)) return undefined;
    this.yieldedBatch = true;
    return new CsvBatch(this.source.file, this.columns, bytes, cells, this.line);
  }

  /** The column names from the first record, once it is complete. */
  private readHeader(bytes: Buffer, final: boolean): readonly string[] | undefined {
    let cells = this.tokenize(bytes, 0, final, FIRST_HEADER_CAPACITY, true, 1);
    if (cells.firstRecordFields > FIRST_HEADER_CAPACITY) {
      cells = this.tokenize(bytes, 0, final, cells.firstRecordFields, true, 1);
    }
    if (cells.rows === 0) {
      if (final) throw this.emptyFile();
      return undefined;
    }
    const fields = cells.firstRecordFields;
    if (this.options.header === false) return Array.from({ length: fields }, (_, i) => `column_${i + 1}`);
    this.commit(cells);
    return uniqueColumnNames(Array.from({ length: fields }, (_, i) => cellString(bytes, cells, i)));
  }

  private tokenize(
    bytes: Buffer,
    start: number,
    final: boolean,
    width: number,
    anyFieldCount: boolean,
    maxRecords: number,
  ): CsvCells {
    return this.tokenizer.tokenize({
      bytes,
      start,
      final,
      line: this.line,
      afterCarriageReturn: this.afterCarriageReturn,
      width,
      anyFieldCount,
      maxRecords,
    });
  }

  /** Moves past the records of `cells`. */
  private commit(cells: CsvCells): CsvCells {
    this.line = cells.nextLine;
    this.afterCarriageReturn = cells.endsAfterCarriageReturn;
    this.consumed = cells.consumed;
    return cells;
  }

  private checkUtf8(bytes: Buffer, newFrom: number, final: boolean): void {
    const invalid = this.utf8?.check(bytes, newFrom, final) ?? -1;
    if (invalid < 0) return;
    const skippedLineFeed = this.afterCarriageReturn && bytes[0] === 0x0a ? 1 : 0;
    const line = this.line + countLineBreaks(bytes, skippedLineFeed, invalid, true);
    throw new UserError(
      `the file is not valid UTF-8: byte 0x${bytes[invalid]?.toString(16) ?? "??"} cannot appear here`,
      {
        location: `${this.source.file}:${line}`,
        hint: "save the file as UTF-8, for example: iconv -f latin1 -t utf-8 in.csv > out.csv",
      },
    );
  }

  private emptyFile(): UserError {
    return new UserError(
      this.options.header === false ? "the file has no records" : "the file is empty: it has no header row",
      {
        location: this.source.file,
        hint: "check that the file was written completely, or remove it from the dataset",
      },
    );
  }
}

/**
 * Column names as pandas' C parser makes them: an empty name becomes `Unnamed: i`; a repeated name gets
 * `.1`, `.2`... skipping any suffix another column already has; given names keep theirs before unnamed ones.
 */
function uniqueColumnNames(names: readonly string[]): string[] {
  const header = names.map((name, i) => (name === "" ? `Unnamed: ${i}` : name));
  const unnamed = names.flatMap((name, i) => (name === "" ? [i] : []));
  const order = [...names.keys()].filter((i) => names[i] !== "").concat(unnamed);
  const counts = new Map<string, number>();
  for (const i of order) {
    const original = header[i]!;
    let name = original;
    let count = counts.get(name) ?? 0;
    while (count > 0) {
      counts.set(original, count + 1);
      name = `${original}.${count}`;
      count = header.includes(name) ? count + 1 : (counts.get(name) ?? 0);
    }
    header[i] = name;
    counts.set(name, count + 1);
  }
  return header;
}

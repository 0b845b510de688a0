import { UserError, isReservedKey, reservedKeyError } from "@ctrain/core";
import type { TextBatch } from "./batch.js";
import { readChunkedFile, type ChunkDecoder } from "./chunked-file.js";
import { CsvBatch } from "./csv-batch.js";
import { CsvTokenizer, cellString, type CsvCells } from "./csv-tokenizer.js";
import { countLineBreaks } from "./line-breaks.js";
import type { ResolvedReadOptions } from "./options.js";
import { ProgressTracker } from "./progress.js";
import type { FilePiece } from "./segments.js";
import type { DataFile } from "./sources.js";
import { TextFaultFinder } from "./text-faults.js";

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

/**
 * Reads the records of one planned piece of a CSV or TSV file, as reading the whole file reads them: a piece that
 * starts mid-file takes its columns from the file's first record (unless the header option names them), its
 * records' lines from `piece.line`, and holds no byte order mark.
 */
export async function* readCsvPiece(
  piece: FilePiece,
  options: ResolvedReadOptions,
  progress: ProgressTracker,
): AsyncGenerator<TextBatch> {
  const { file: source, start, end } = piece;
  const resume = start === 0 ? undefined : { columns: await readCsvColumns(source, options), line: piece.line };
  const decoder = new CsvChunkDecoder(source, options, { resume, endsFile: end >= source.size });
  yield* readChunkedFile(source, options, progress, decoder, { start, end });
}

/** The columns of a CSV file, from its first record (read as a whole read reads it) or the header option. */
async function readCsvColumns(source: DataFile, options: ResolvedReadOptions): Promise<readonly string[]> {
  const decoder = new CsvChunkDecoder(source, options, { headerOnly: true });
  if (!decoder.done) {
    for await (const batch of readChunkedFile(source, options, new ProgressTracker(0, undefined), decoder)) void batch;
  }
  return decoder.headerColumns!;
}

/** What part of a file a decoder reads (by default all of it). */
interface FilePart {
  /** A piece that starts mid-file: the file's columns, and the physical line of the piece's first byte. */
  resume?: { columns: readonly string[]; line: number } | undefined;
  /** Stop once the columns are known. */
  headerOnly?: boolean;
  /**
   * The part reaches the file's end (default true). Only then does a part without records yield an empty batch for
   * its columns: a first piece that holds only the header yields nothing, as a whole read of the file yields no
   * batch for it.
   */
  endsFile?: boolean;
}

class CsvChunkDecoder implements ChunkDecoder<CsvBatch> {
  private readonly tokenizer: CsvTokenizer;
  private readonly faults: TextFaultFinder;
  private columns: readonly string[] | undefined;
  private line = 1;
  private afterCarriageReturn = false;
  private yieldedBatch = false;
  consumed = 0;
  failure: UserError | undefined;
  done = false;
  private readonly headerOnly: boolean;
  private readonly endsFile: boolean;

  constructor(
    private readonly source: DataFile,
    private readonly options: ResolvedReadOptions,
    { resume, headerOnly = false, endsFile = true }: FilePart = {},
  ) {
    this.headerOnly = headerOnly;
    this.endsFile = endsFile;
    const delimiter = options.delimiter ?? source.defaultDelimiter;
    this.tokenizer = new CsvTokenizer(source.file, delimiter, options.maxLineBytes, options.raggedRows);
    this.faults = new TextFaultFinder(
      source.file,
      options,
      "save the file as UTF-8, for example: iconv -f latin1 -t utf-8 in.csv > out.csv",
    );
    if (Array.isArray(options.header)) this.columns = columnNames(options.header, "the header option");
    if (resume) {
      this.columns = resume.columns;
      this.line = resume.line;
    }
    this.done = headerOnly && this.columns !== undefined;
  }

  /** The columns, once the header (or the options) named them. */
  get headerColumns(): readonly string[] | undefined {
    return this.columns;
  }

  /** Reads the records before the first bad byte or record, and leaves that one's error in `failure`. */
  next(bytes: Buffer, newFrom: number, final: boolean): CsvBatch | undefined {
    const fault = this.faults.find(bytes, newFrom, final, (offset) => this.lineAt(bytes, offset));
    const readable = fault ? bytes.subarray(0, fault.offset) : bytes;
    const readableToEnd = final && !fault;
    this.consumed = 0;
    this.columns ??= this.readHeader(readable, readableToEnd);
    if (this.columns === undefined) {
      this.failure = fault?.error;
      return undefined;
    }
    if (this.headerOnly) {
      this.done = true;
      this.failure = undefined;
      return undefined;
    }
    const width = this.columns.length;
    const cells = this.commit(this.tokenize(readable, this.consumed, readableToEnd, width, false, Infinity));
    this.failure = cells.error ?? fault?.error;
    if (cells.rows === 0 && !(final && this.endsFile && !this.yieldedBatch && !this.failure)) return undefined;
    this.yieldedBatch = true;
    return new CsvBatch(this.source.file, this.columns, readable, cells, this.line);
  }

  /** The column names from the first record, once it is complete. */
  private readHeader(bytes: Buffer, final: boolean): readonly string[] | undefined {
    let cells = this.tokenize(bytes, 0, final, FIRST_HEADER_CAPACITY, true, 1);
    if (cells.firstRecordFields > FIRST_HEADER_CAPACITY) {
      cells = this.tokenize(bytes, 0, final, cells.firstRecordFields, true, 1);
    }
    if (cells.error) throw cells.error;
    if (cells.rows === 0) {
      if (final) throw this.emptyFile();
      return undefined;
    }
    const fields = cells.firstRecordFields;
    if (this.options.header === false) return Array.from({ length: fields }, (_, i) => `column_${i + 1}`);
    this.commit(cells);
    const names = Array.from({ length: fields }, (_, i) => cellString(bytes, cells, i));
    return columnNames(names, `${this.source.file}:${cells.lines[0]}`);
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

  /** The line of `offset` in `bytes`, which start at `this.line` (after a CR that may end the previous chunk). */
  private lineAt(bytes: Buffer, offset: number): number {
    const skippedLineFeed = this.afterCarriageReturn && bytes[0] === 0x0a ? 1 : 0;
    return this.line + countLineBreaks(bytes, skippedLineFeed, offset, true);
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
 * Column names from a header: an empty name becomes `Unnamed: i` (as pandas names it); a name given twice is an
 * error, since checks, profiles and the label would silently apply to one of the two columns.
 */
function columnNames(names: readonly string[], location: string): string[] {
  const header = names.map((name, i) => (name === "" ? `Unnamed: ${i}` : name));
  const firstIndex = new Map<string, number>();
  for (const [i, name] of header.entries()) {
    if (isReservedKey(name)) throw reservedKeyError(name, location);
    const first = firstIndex.get(name);
    if (first !== undefined) {
      throw new UserError(
        `the header names the column ${JSON.stringify(name)} twice (columns ${first + 1} and ${i + 1})`,
        {
          location,
          hint: "give every column its own name; a repeated name would make its checks and profile apply to one of them only",
        },
      );
    }
    firstIndex.set(name, i);
  }
  return header;
}

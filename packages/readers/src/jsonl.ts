import { UserError, isReservedKey, reservedKeyError } from "@ctrain/core";
import { checkColumn, checkRow, classifyValues, type ClassifiedColumn, type ValueBatch } from "./batch.js";
import { readChunkedFile, type ChunkDecoder } from "./chunked-file.js";
import { jsonSyntaxErrorOffset } from "./json-syntax.js";
import { countLineBreaks } from "./line-breaks.js";
import type { ResolvedReadOptions } from "./options.js";
import type { ProgressTracker } from "./progress.js";
import type { FilePiece } from "./segments.js";
import type { DataFile } from "./sources.js";
import { TextFaultFinder } from "./text-faults.js";

const LF = 0x0a;
const CR = 0x0d;

/** Reads a JSON Lines file: one object per line, blank lines skipped, in batches of about `chunkBytes`. */
export function readJsonLines(
  source: DataFile,
  options: ResolvedReadOptions,
  progress: ProgressTracker,
): AsyncGenerator<ValueBatch> {
  return readChunkedFile(source, options, progress, new JsonLinesChunkDecoder(source.file, options));
}

/**
 * Reads the lines of one planned piece of a JSON Lines file, as reading the whole file reads them: a piece that starts
 * mid-file counts lines from `piece.line`, and only the file's first piece (which the planner gives a record) may
 * report a file without records.
 */
export function readJsonLinesPiece(
  piece: FilePiece,
  options: ResolvedReadOptions,
  progress: ProgressTracker,
): AsyncGenerator<ValueBatch> {
  const { file: source, start, end } = piece;
  const decoder = new JsonLinesChunkDecoder(source.file, options, start === 0 ? undefined : piece.line);
  return readChunkedFile(source, options, progress, decoder, { start, end });
}

class JsonLinesChunkDecoder implements ChunkDecoder<JsonLinesBatch> {
  private readonly faults: TextFaultFinder;
  private line = 1;
  private records = 0;
  consumed = 0;
  failure: UserError | undefined;

  /** `midFileLine`: the piece read starts mid-file, at this line. */
  constructor(
    private readonly file: string,
    private readonly options: ResolvedReadOptions,
    private readonly midFileLine?: number,
  ) {
    this.faults = new TextFaultFinder(file, options, "save the file as UTF-8 (JSON text is UTF-8)");
    if (midFileLine !== undefined) this.line = midFileLine;
  }

  /** Reads the lines before the first bad byte or line, and leaves that one's error in `failure`. */
  next(bytes: Buffer, newFrom: number, final: boolean): JsonLinesBatch | undefined {
    const fault = this.faults.find(
      bytes,
      newFrom,
      final,
      (offset) => this.line + countLineBreaks(bytes, 0, offset, false),
    );
    if (fault) {
      bytes = bytes.subarray(0, fault.offset);
      final = false;
    }
    let pos = 0;
    const records: Record<string, unknown>[] = [];
    const lines: number[] = [];
    while (pos < bytes.length) {
      let end = bytes.indexOf(LF, pos);
      if (end < 0) {
        if (!final) break;
        end = bytes.length;
      }
      if (end - pos > this.options.maxLineBytes) {
        this.failure = this.lineTooLong();
        break;
      }
      const textEnd = end > pos && bytes[end - 1] === CR ? end - 1 : end;
      const text = bytes.toString("utf8", pos, textEnd);
      if (text.charCodeAt(0) === 0x7b || text.trim() !== "") {
        const record = this.parse(text);
        if (record instanceof UserError) {
          this.failure = record;
          break;
        }
        records.push(record);
        lines.push(this.line);
      }
      this.line++;
      pos = end + 1;
    }
    this.consumed = Math.min(pos, bytes.length);
    this.failure ??= fault?.error;
    if (!this.failure && bytes.length - this.consumed > this.options.maxLineBytes) this.failure = this.lineTooLong();
    this.records += records.length;
    if (final && this.records === 0 && !this.failure && this.midFileLine === undefined) {
      throw new UserError("the file has no JSON records", {
        location: this.file,
        hint: "write one JSON object per line, or remove the file from the dataset",
      });
    }
    return records.length > 0 ? new JsonLinesBatch(this.file, records, lines) : undefined;
  }

  /** The line's object, or the error that makes it unreadable. */
  private parse(text: string): Record<string, unknown> | UserError {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const offset = jsonSyntaxErrorOffset(text);
      return new UserError(`invalid JSON: ${(error as Error).message}`, {
        location: `${this.file}:${this.line}${offset >= 0 ? `:${offset + 1}` : ""}`,
        hint: "each line must hold one complete JSON object; a line break inside a string is written \\n",
      });
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return new UserError(`expected a JSON object, found ${describeJsonValue(value)}`, {
        location: `${this.file}:${this.line}:${text.length - text.trimStart().length + 1}`,
        hint: 'write each record as an object of column values, such as {"feature": 1.5, "label": "cat"}',
      });
    }
    // A column named __proto__, constructor or prototype would reach the prototype of every record keyed by column.
    for (const key of Object.keys(value)) {
      if (isReservedKey(key)) return reservedKeyError(key, `${this.file}:${this.line}`);
    }
    return value as Record<string, unknown>;
  }

  private lineTooLong(): UserError {
    return new UserError(`the line is longer than ${this.options.maxLineBytes} bytes`, {
      location: `${this.file}:${this.line}`,
      hint: "check that the file is JSON Lines (one object per line); if lines really are this long, raise data.max-line-bytes in ctrain.yml",
    });
  }
}

function describeJsonValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

/** JSON Lines rows: the parsed objects, with columns in the order keys first appear in the batch. */
class JsonLinesBatch implements ValueBatch {
  readonly kind = "values";
  readonly format = "jsonl";
  readonly rowGroup = undefined;
  readonly raggedRows = 0;
  readonly columns: readonly string[];

  constructor(
    readonly file: string,
    private readonly records: Record<string, unknown>[],
    private readonly lines: number[],
  ) {
    const names = new Set<string>();
    for (const record of records) for (const key in record) names.add(key);
    this.columns = [...names];
  }

  get rows(): number {
    return this.records.length;
  }

  get firstLine(): number {
    return this.lines[0] ?? 0;
  }

  lineOf(row: number): number {
    checkRow(this, row);
    return this.lines[row]!;
  }

  cell(row: number, col: number): unknown {
    checkRow(this, row);
    checkColumn(this, col);
    return valueOf(this.records[row]!, this.columns[col]!);
  }

  column(col: number): unknown[] {
    checkColumn(this, col);
    const name = this.columns[col]!;
    return this.records.map((record) => valueOf(record, name));
  }

  classifyColumn(col: number): ClassifiedColumn {
    return classifyValues(this.column(col));
  }

  record(row: number): Record<string, unknown> {
    checkRow(this, row);
    return this.records[row]!;
  }
}

function valueOf(record: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(record, name) ? record[name] : null;
}

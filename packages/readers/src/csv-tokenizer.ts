import { UserError } from "@ctrain/core";

/**
 * RFC 4180 tokenizer over raw bytes. It records where each field starts and ends instead of making
 * strings, so the batch only pays for the cells a consumer reads.
 *
 * Hand-written rather than csv-parse: on bench/read.ts's 64 MiB, 20-column file, csv-parse took 4.1-4.6 s
 * of CPU and this reader, making every cell a string, 0.7-1.0 s (Node 20).
 *
 * Dialect, as Python's csv module (and pandas) read it: a field that starts with `"` is quoted, `""`
 * inside it is one quote, and line breaks inside it are data; text after the closing quote is kept
 * as it is (`"ab"c` reads `abc`); a `"` inside an unquoted field is an ordinary character. Records end
 * at LF, CRLF or a lone CR. Blank lines are skipped, as pandas does.
 */

/** Cell flags: how to turn a cell's byte range into its string. */
export { CELL_NON_ASCII } from "./batch.js";
import { CELL_DOUBLED_QUOTES, CELL_NON_ASCII } from "./batch.js";
import { SimdRecords } from "./csv-simd-records.js";
/** The cell's value is `overrides[start]`: a quoted field with text after its closing quote. */
const CELL_OVERRIDE = 4;

/** Records in a row that the fast path leaves before this call stops asking it. */
const SIMD_MISSES = 8;

/** At most this many records' cells are reserved before a buffer shows that it holds more. */
const INITIAL_ROW_CAPACITY_LIMIT = 8192;

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const CLASS_DELIMITER = 1;
const CLASS_LINE_END = 2;
const CLASS_NON_ASCII = 3;

/** Complete records found in one buffer, `width` cells per record in row-major order. */
export interface CsvCells {
  rows: number;
  width: number;
  /** The field delimiter, a byte. */
  delimiter: number;
  starts: Int32Array;
  ends: Int32Array;
  flags: Uint8Array;
  /** Physical line (1-based) where each record starts. */
  lines: Int32Array;
  overrides: string[];
  /** Fields in the first record, which may exceed `width` when reading a header. */
  firstRecordFields: number;
  /** Records whose field count differed from `width` (only when ragged records are counted). */
  raggedRows: number;
  /** Offset of the first byte not consumed (the start of an incomplete record). */
  consumed: number;
  /** Physical line at `consumed`. */
  nextLine: number;
  /** The last consumed byte was a CR at the very end of the buffer, so an LF that follows belongs to it. */
  endsAfterCarriageReturn: boolean;
  /** The bad record that stopped tokenizing; `rows` are the good records before it. */
  error?: UserError;
}

export interface TokenizeRequest {
  bytes: Buffer;
  start: number;
  /** No more bytes follow: the last record may end without a line break. */
  final: boolean;
  /** Physical line at `start`. */
  line: number;
  /** The byte before `start` was a CR, so an LF at `start` is skipped. */
  afterCarriageReturn: boolean;
  /** Cells stored per record; fields beyond it are counted, not stored. */
  width: number;
  /** Accept records of any field count (for the first record, whose count sets the width). */
  anyFieldCount: boolean;
  maxRecords: number;
}

export class CsvTokenizer {
  private readonly classes = new Uint8Array(256);
  private bytesPerRecord = 64;
  private readonly simd: SimdRecords | undefined;

  /** `simd: false` tokenizes every record here, without the WebAssembly fast path (csv-simd-records.ts). */
  constructor(
    private readonly file: string,
    private readonly delimiter: number,
    private readonly maxRecordBytes: number,
    private readonly raggedRows: "error" | "count",
    options: { simd?: boolean } = {},
  ) {
    this.simd = options.simd === false ? undefined : SimdRecords.for(delimiter);
    this.classes[delimiter] = CLASS_DELIMITER;
    this.classes[LF] = CLASS_LINE_END;
    this.classes[CR] = CLASS_LINE_END;
    this.classes.fill(CLASS_NON_ASCII, 0x80);
  }

  tokenize(request: TokenizeRequest): CsvCells {
    const { bytes, final, width, anyFieldCount, maxRecords } = request;
    const { classes, delimiter, maxRecordBytes } = this;
    const length = bytes.length;
    // Estimated from the last call's record length, and capped: a buffer that holds one huge record (after short ones)
    // would otherwise reserve cells for millions of rows. The arrays double when they fill.
    let rowCapacity = Math.min(
      maxRecords,
      Math.ceil((length - request.start) / this.bytesPerRecord) + 16,
      INITIAL_ROW_CAPACITY_LIMIT,
    );
    let starts = new Int32Array(rowCapacity * width);
    let ends = new Int32Array(rowCapacity * width);
    let flags = new Uint8Array(rowCapacity * width);
    let lines = new Int32Array(rowCapacity);
    const overrides: string[] = [];
    let pos = request.start;
    let line = request.line;
    let afterCarriageReturn = request.afterCarriageReturn;
    let rows = 0;
    let cell = 0;
    let raggedRows = 0;
    let firstRecordFields = 0;
    let error: UserError | undefined;
    if (afterCarriageReturn && pos < length) {
      if (bytes[pos] === LF) pos++;
      afterCarriageReturn = false;
    }
    // Where the unconsumed bytes start (an incomplete record resumes from there next time) and their line.
    let consumed = pos;
    let consumedLine = line;
    // The header (any field count) is read here; the records after it mostly by the fast path.
    let simd = !anyFieldCount && this.simd?.load(bytes, pos) ? this.simd : undefined;
    let simdMisses = 0;

    records: while (pos < length && rows < maxRecords) {
      if (rows === rowCapacity) {
        rowCapacity *= 2;
        starts = grow(starts, rowCapacity * width);
        ends = grow(ends, rowCapacity * width);
        flags = grow(flags, rowCapacity * width);
        lines = grow(lines, rowCapacity);
      }
      if (simd) {
        const wanted = Math.min(rowCapacity, maxRecords) - rows;
        const run = simd.take(pos, line, width, wanted, maxRecordBytes, { starts, ends, flags, lines, row: rows });
        if (rows === 0 && run.rows > 0) firstRecordFields = width;
        // A file whose records the fast path leaves (lone CR line ends, ragged rows) is left to this loop.
        if (run.pos !== pos) simdMisses = 0;
        else if (++simdMisses === SIMD_MISSES) simd = undefined;
        rows += run.rows;
        cell += run.rows * width;
        pos = consumed = run.pos;
        line = consumedLine = run.line;
        // Out of room: grow, and take on. Else the record at `pos` is this loop's (or the bytes are done).
        if (run.rows === wanted) continue;
        if (pos >= length) break;
      }
      const first = bytes[pos];
      if (first === LF || first === CR) {
        pos++;
        line++;
        if (first === CR) {
          if (pos < length) {
            if (bytes[pos] === LF) pos++;
          } else if (!final) afterCarriageReturn = true;
        }
        consumed = pos;
        consumedLine = line;
        continue;
      }
      const recordStart = pos;
      const recordLine = line;
      let fields = 0;

      for (;;) {
        let fieldStart = pos;
        let fieldEnd: number;
        let fieldFlags = 0;
        if (pos < length && bytes[pos] === QUOTE) {
          const quoteLine = line;
          let p = pos + 1;
          for (;;) {
            if (p >= length) {
              if (final) error = this.unterminatedQuote(quoteLine);
              break records;
            }
            const byte = bytes[p]!;
            if (byte === QUOTE) {
              if (p + 1 < length) {
                if (bytes[p + 1] !== QUOTE) break;
                fieldFlags |= CELL_DOUBLED_QUOTES;
                p += 2;
                continue;
              }
              if (final) break;
              break records;
            }
            if (byte === LF) line++;
            else if (byte === CR) {
              line++;
              if (p + 1 >= length && !final) break records;
              if (bytes[p + 1] === LF) p++;
            } else if (byte >= 0x80) fieldFlags |= CELL_NON_ASCII;
            p++;
          }
          fieldStart = pos + 1;
          fieldEnd = p;
          pos = p + 1;
          if (pos < length) {
            const kind = classes[bytes[pos]!];
            if (kind !== CLASS_DELIMITER && kind !== CLASS_LINE_END) {
              let restEnd = pos;
              while (restEnd < length) {
                const restKind = classes[bytes[restEnd]!];
                if (restKind === CLASS_DELIMITER || restKind === CLASS_LINE_END) break;
                restEnd++;
              }
              if (restEnd >= length && !final) break records;
              overrides.push(
                decodeRange(bytes, fieldStart, fieldEnd, fieldFlags) + bytes.toString("utf8", pos, restEnd),
              );
              fieldStart = overrides.length - 1;
              fieldFlags = CELL_OVERRIDE;
              pos = restEnd;
            }
          } else if (!final) break records;
        } else {
          while (pos < length) {
            const kind = classes[bytes[pos]!];
            if (kind === 0) pos++;
            else if (kind === CLASS_NON_ASCII) {
              fieldFlags = CELL_NON_ASCII;
              pos++;
            } else break;
          }
          if (pos >= length && !final) break records;
          fieldEnd = pos;
        }
        if (fields < width) {
          starts[cell] = fieldStart;
          ends[cell] = fieldEnd;
          if (fieldFlags !== 0) flags[cell] = fieldFlags; // fresh arrays are zero
          cell++;
        }
        fields++;
        if (pos < length) {
          const byte = bytes[pos++];
          if (byte === delimiter) continue;
          line++;
          if (byte === CR) {
            if (pos < length) {
              if (bytes[pos] === LF) pos++;
            } else if (!final) afterCarriageReturn = true;
          }
        }
        break;
      }

      if (pos - recordStart > maxRecordBytes) {
        error = this.recordTooLong(recordLine);
        break;
      }
      if (rows === 0) firstRecordFields = fields;
      if (fields !== width && !anyFieldCount) {
        if (this.raggedRows === "error") {
          error = this.raggedRecord(recordLine, width, fields);
          break;
        }
        raggedRows++;
        for (; fields < width; fields++) {
          starts[cell] = 0;
          ends[cell] = 0;
          flags[cell] = 0;
          cell++;
        }
      }
      lines[rows++] = recordLine;
      consumed = pos;
      consumedLine = line;
    }

    const incomplete = rows < maxRecords && consumed < length;
    if (!error && incomplete && length - consumed > maxRecordBytes) error = this.recordTooLong(consumedLine);
    if (rows > 0) this.bytesPerRecord = Math.max(8, Math.ceil((consumed - request.start) / rows));
    return {
      rows,
      width,
      delimiter,
      starts,
      ends,
      flags,
      lines,
      overrides,
      firstRecordFields,
      raggedRows,
      consumed,
      nextLine: consumedLine,
      endsAfterCarriageReturn: afterCarriageReturn,
      ...(error ? { error } : {}),
    };
  }

  private unterminatedQuote(line: number): UserError {
    return new UserError("a quoted field opened here is never closed: the file ends inside it", {
      location: `${this.file}:${line}`,
      hint: 'close the quote; a quote inside a quoted field is written twice ("")',
    });
  }

  private recordTooLong(line: number): UserError {
    return new UserError(`the record starting here is longer than ${this.maxRecordBytes} bytes`, {
      location: `${this.file}:${line}`,
      hint: "check for a quote that is never closed; if records really are this long, raise data.max-line-bytes in ctrain.yml",
    });
  }

  private raggedRecord(line: number, expected: number, found: number): UserError {
    return new UserError(`expected ${expected} fields (from the header), got ${found}`, {
      location: `${this.file}:${line}`,
      hint:
        found > expected
          ? "quote fields that contain the delimiter, or remove the extra delimiters"
          : "add the missing fields (an empty field is written as nothing between two delimiters)",
    });
  }
}

/** The string value of a stored cell. */
export function cellString(bytes: Buffer, cells: CsvCells, index: number): string {
  const cellFlags = cells.flags[index]!;
  const start = cells.starts[index]!;
  return cellFlags === CELL_OVERRIDE
    ? cells.overrides[start]!
    : decodeRange(bytes, start, cells.ends[index]!, cellFlags);
}

function decodeRange(bytes: Buffer, start: number, end: number, cellFlags: number): string {
  const text = bytes.toString(cellFlags & CELL_NON_ASCII ? "utf8" : "latin1", start, end);
  return cellFlags & CELL_DOUBLED_QUOTES ? text.replaceAll('""', '"') : text;
}

function grow<T extends Int32Array | Uint8Array>(array: T, size: number): T {
  const larger = new (array.constructor as new (size: number) => T)(size);
  larger.set(array);
  return larger;
}

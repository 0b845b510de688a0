import { checkColumn, checkRow, setField, type CellRanges, type ClassifiedColumn, type TextBatch } from "./batch.js";
import { CellKind } from "./cell-grammar.js";
import { classifyCell, parseNumber } from "./cell-kinds.js";
import { classifyBytes, scannedNumber } from "./cell-scan.js";
import { ASK_KIND, classifyCsvColumn } from "./csv-simd-cells.js";
import { CELL_NON_ASCII, cellString, type CsvCells } from "./csv-tokenizer.js";

/** A CSV batch as plain data and transferable buffers, to move it to another thread without copying its cells. */
export interface CsvBatchParts {
  file: string;
  columns: readonly string[];
  bytes: Uint8Array;
  cells: CsvCells;
  nextLine: number;
  /** Kinds and numbers, column after column, of the columns `done` marks (1) as classified. */
  classified?: { kinds: Uint8Array; numbers: Float64Array; done: Uint8Array };
}

/** CSV rows as byte ranges into the chunk they were read from; strings are made when asked for. */
export class CsvBatch implements TextBatch {
  readonly kind = "text";
  readonly format = "csv";
  readonly rowGroup = undefined;
  /** The chunk as a one-byte string: ASCII cells are slices of it (cheaper than decoding each). */
  private latin1: string | undefined;
  private readonly materialized: (string[] | undefined)[] = [];
  private readonly classified: (ClassifiedColumn | undefined)[] = [];
  private kinds: Uint8Array | undefined;
  private numbers: Float64Array | undefined;

  constructor(
    readonly file: string,
    readonly columns: readonly string[],
    private readonly bytes: Buffer,
    private readonly cells: CsvCells,
    private readonly nextLine: number,
  ) {}

  /** A batch another thread made (see `toParts`). */
  static fromParts(parts: CsvBatchParts): CsvBatch {
    const { bytes, classified } = parts;
    const batch = new CsvBatch(
      parts.file,
      parts.columns,
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      parts.cells,
      parts.nextLine,
    );
    if (classified) {
      const rows = batch.rows;
      batch.kinds = classified.kinds;
      batch.numbers = classified.numbers;
      classified.done.forEach((done, col) => {
        if (done === 1) batch.classified[col] = batch.columnClassification(col, rows);
      });
    }
    return batch;
  }

  /**
   * The batch as parts for `postMessage`, and the buffers to transfer: its input bytes are copied (the chunk is shared
   * with the read), its cell arrays and classification are moved, so this batch must not be used afterwards.
   */
  toParts(): { parts: CsvBatchParts; transfer: ArrayBuffer[] } {
    const { starts, ends, flags, lines } = this.cells;
    const bytes = new Uint8Array(this.cells.consumed);
    bytes.set(this.bytes.subarray(0, bytes.length));
    const transfer = [bytes.buffer, starts.buffer, ends.buffer, flags.buffer, lines.buffer];
    const parts: CsvBatchParts = {
      file: this.file,
      columns: this.columns,
      bytes,
      cells: this.cells,
      nextLine: this.nextLine,
    };
    if (this.kinds && this.numbers) {
      const done = Uint8Array.from(this.columns, (_, col) => (this.classified[col] ? 1 : 0));
      parts.classified = { kinds: this.kinds, numbers: this.numbers, done };
      transfer.push(this.kinds.buffer, this.numbers.buffer);
    }
    return { parts, transfer: transfer as ArrayBuffer[] };
  }

  get rows(): number {
    return this.cells.rows;
  }

  get firstLine(): number {
    return this.cells.rows > 0 ? this.cells.lines[0]! : this.nextLine;
  }

  get raggedRows(): number {
    return this.cells.raggedRows;
  }

  lineOf(row: number): number {
    checkRow(this, row);
    return this.cells.lines[row]!;
  }

  cell(row: number, col: number): string {
    checkRow(this, row);
    checkColumn(this, col);
    const index = row * this.cells.width + col;
    return this.cells.flags[index] === 0
      ? this.text().slice(this.cells.starts[index], this.cells.ends[index])
      : this.decodeFlagged(index);
  }

  column(col: number): readonly string[] {
    checkColumn(this, col);
    const cached = this.materialized[col];
    if (cached) return cached;
    const { rows, width, starts, ends, flags } = this.cells;
    const text = this.text();
    const values = new Array<string>(rows);
    for (let row = 0, index = col; row < rows; row++, index += width) {
      values[row] = flags[index] === 0 ? text.slice(starts[index], ends[index]) : this.decodeFlagged(index);
    }
    this.materialized[col] = values;
    return values;
  }

  classifyColumn(col: number): ClassifiedColumn {
    checkColumn(this, col);
    const cached = this.classified[col];
    if (cached) return cached;
    const { rows, width, starts, ends, flags } = this.cells;
    const { kinds, numbers } = this.columnClassification(col, rows);
    const bytes = this.bytes;
    const asked = classifyCsvColumn(bytes, this.cells, col, kinds, numbers);
    for (let row = 0, index = col; asked > 0 && row < rows; row++, index += width) {
      if (kinds[row] !== ASK_KIND) continue;
      let kind: CellKind;
      let number = NaN;
      // A cell's bytes are its UTF-8 text unless quotes were doubled or text followed a closing quote.
      if ((flags[index]! | CELL_NON_ASCII) === CELL_NON_ASCII) {
        const start = starts[index]!;
        const end = ends[index]!;
        kind = classifyBytes(bytes, start, end);
        if (kind === CellKind.Integer || kind === CellKind.Float) number = scannedNumber(bytes, start, end);
        else if (kind === CellKind.Boolean) number = end - start === 4 ? 1 : 0;
      } else {
        const text = this.decodeFlagged(index);
        kind = classifyCell(text);
        if (kind === CellKind.Integer || kind === CellKind.Float) number = parseNumber(text);
        else if (kind === CellKind.Boolean) number = text.length === 4 ? 1 : 0;
      }
      kinds[row] = kind;
      numbers[row] = number;
    }
    const classified = { kinds, numbers };
    this.classified[col] = classified;
    return classified;
  }

  cellRanges(): CellRanges {
    const { starts, ends, flags, width, delimiter } = this.cells;
    return { bytes: this.bytes, starts, ends, flags, width, delimiter };
  }

  /** Column `col`'s share of the batch's classification arrays. */
  private columnClassification(col: number, rows: number): ClassifiedColumn {
    // One allocation for every column of the batch: thousands of small typed arrays cost more than classifying.
    this.kinds ??= new Uint8Array(rows * this.columns.length);
    this.numbers ??= new Float64Array(rows * this.columns.length);
    return {
      kinds: this.kinds.subarray(col * rows, (col + 1) * rows),
      numbers: this.numbers.subarray(col * rows, (col + 1) * rows),
    };
  }

  /** Builds on the cached columns, so reading every record of a batch makes each cell's string once. */
  record(row: number): Record<string, string> {
    checkRow(this, row);
    const values: Record<string, string> = {};
    for (let col = 0; col < this.columns.length; col++) setField(values, this.columns[col]!, this.column(col)[row]!);
    return values;
  }

  private text(): string {
    this.latin1 ??= this.bytes.toString("latin1");
    return this.latin1;
  }

  private decodeFlagged(index: number): string {
    return cellString(this.bytes, this.cells, index);
  }
}

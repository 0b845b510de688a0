import { CELL_DOUBLED_QUOTES, CELL_NON_ASCII, type CellRanges, type TextBatch } from "@ctrain/readers";

const COMMA = 0x2c;
const QUOTE = 0x22;
const COMMA_BYTE = Uint8Array.of(COMMA);

/**
 * A 64-bit hash of a row or of some of its cells, built cell by cell (or, for CSV text, run of adjacent cells by run:
 * `addTextRuns`), as two 32-bit lanes. Hand-written: a repeat check hashes every cell of every row, and node:crypto
 * would first encode each string to bytes. Each lane absorbs every input word with a multiply and a rotation (a
 * bijection of the lane for a given word, so no input difference is lost), with its own constants; `finish` mixes the
 * lanes with murmur3's finalizer. Cell boundaries, columns and nulls are mixed in, so ("ab", "c"), ("a", "bc") and
 * ("abc", null) hash apart.
 */
export class KeyHasher {
  hi = 0;
  lo = 0;
  private a = 0;
  private b = 0;
  /** The next comma at or after the last row's start in `commaBatch` (`commaWithin`). */
  private commaBatch?: TextBatch;
  private nextComma = 0;
  /** Bytes fed but not yet absorbed: fewer than a word. */
  private carry = 0;
  private carried = 0;
  /** A run's cells as pieces (0: input, 1: `scratch`; start; end), and the cells written out in `scratch`. */
  private pieces = new Int32Array(96);
  private scratch: Uint8Array = new Uint8Array(256);
  private written = 0;
  private static readonly float64 = new Float64Array(1);
  private static readonly words = new Uint32Array(KeyHasher.float64.buffer);

  reset(): this {
    this.a = 0x9e3779b9;
    this.b = 0x85ebca6b;
    return this;
  }

  /** Continues from another hasher's state (a row's features, before its label is added). */
  copyFrom(other: KeyHasher): this {
    this.a = other.a;
    this.b = other.b;
    return this;
  }

  /** Takes up the lanes another hasher left (`plainRowLanes` computes those of `addTextRuns` for a batch at once). */
  withLanes(a: number, b: number): this {
    this.a = a;
    this.b = b;
    return this;
  }

  /** Marks which column the next value belongs to, so rows that differ only in where a value sits hash apart. */
  addColumn(col: number): this {
    return this.absorb(0x200000 + col);
  }

  /** Two UTF-16 units per 32-bit word (measured 45% faster than one); the length, absorbed last, tells the rest. */
  addString(s: string): this {
    let a = this.a;
    let b = this.b;
    const length = s.length;
    for (let i = 0; i < length; i += 2) {
      const word = s.charCodeAt(i) | (i + 1 < length ? s.charCodeAt(i + 1) << 16 : 0);
      a = laneA(a, word);
      b = laneB(b, word);
    }
    this.a = a;
    this.b = b;
    return this.absorb(0x100000 + length);
  }

  /**
   * Cells `cols` of a row of text, each as a marker (`markers[c]`, by default its column) with its length, then its
   * UTF-8 bytes four per word; empty cells add nothing. One loop over the batch's cell ranges with the lanes in locals: a
   * duplicate-row check runs it for every row.
   */
  addTextCells(batch: TextBatch, row: number, cols: Int32Array, markers: Int32Array = cols): this {
    const { bytes, starts, ends, flags, width } = batch.cellRanges();
    let a = this.a;
    let b = this.b;
    for (let c = 0; c < cols.length; c++) {
      const col = cols[c]!;
      const index = row * width + col;
      let source = bytes;
      let start = starts[index]!;
      let end = ends[index]!;
      if ((flags[index]! | CELL_NON_ASCII) !== CELL_NON_ASCII) {
        source = Buffer.from(batch.cell(row, col), "utf8");
        start = 0;
        end = source.length;
      }
      const length = end - start;
      if (length === 0) continue;
      // The marker and the length in one word while both fit (11 and 20 bits), else one word each.
      const head = markers[c]! < 0x800 && length < 0x100000 ? (markers[c]! << 20) | length : -1;
      a = laneA(a, head);
      b = laneB(b, head);
      if (head === -1) {
        a = laneA(laneA(a, markers[c]!), length);
        b = laneB(laneB(b, markers[c]!), length);
      }
      for (let i = start; i < end; i += 4) {
        const word = wordAt(source, i, end);
        a = laneA(a, word);
        b = laneB(b, word);
      }
    }
    this.a = a;
    this.b = b;
    return this;
  }

  /**
   * Cells of a row of text in runs of adjacent columns (`runs`: first column, column after the last, ...). Each run is
   * hashed as a CSV record of its cells would be written: its length, then its bytes, a comma between cells, and a
   * cell that holds a comma or starts with a quote quoted, its quotes doubled. Written that way, cells of equal text
   * make equal bytes however the input quoted them, and a plain row of a comma-delimited file is its bytes in the
   * input: one loop over them, rather than one per cell (a duplicate-row check hashes every row).
   */
  addTextRuns(batch: TextBatch, row: number, runs: Int32Array): this {
    const ranges = batch.cellRanges();
    const { bytes, starts, ends, flags, width, delimiter } = ranges;
    const base = row * width;
    for (let r = 0; r < runs.length; r += 2) {
      const first = base + runs[r]!;
      const after = base + runs[r + 1]!;
      const start = starts[first]!;
      const end = ends[after - 1]!;
      let plain = !quotedAt(bytes, start) && (delimiter === COMMA || !this.commaWithin(batch, bytes, start, end));
      for (let index = first; plain && index < after; index++) {
        plain =
          (flags[index]! | CELL_NON_ASCII) === CELL_NON_ASCII &&
          (index === first || starts[index] === ends[index - 1]! + 1);
      }
      if (plain) {
        this.absorb(end - start);
        if (delimiter === COMMA) this.feed(bytes, start, end);
        else this.feedAsCommas(bytes, start, end, delimiter);
        this.endFeed();
      } else this.addRunPieces(batch, ranges, row, runs[r]!, runs[r + 1]!);
    }
    return this;
  }

  addNumber(x: number): this {
    KeyHasher.float64[0] = x === 0 ? 0 : x;
    return this.absorb(KeyHasher.words[0]!).absorb(KeyHasher.words[1]!).absorb(0x300001);
  }

  addNull(): this {
    return this.absorb(0x300003);
  }

  /** Any decoded value (JSON Lines, Parquet): by kind, so 1, "1" and true differ. */
  addValue(value: unknown): this {
    if (value === null || value === undefined) return this.addNull();
    if (typeof value === "number") return this.addNumber(value);
    if (typeof value === "string") return this.addString(value).absorb(0x300005);
    if (typeof value === "boolean") return this.absorb(value ? 0x300007 : 0x300009);
    if (value instanceof Date) return this.addNumber(value.getTime()).absorb(0x30000b);
    if (typeof value === "bigint") return this.addString(value.toString()).absorb(0x30000d);
    return this.addString(JSON.stringify(value)).absorb(0x30000f);
  }

  /** Finalizes the lanes into `hi` and `lo`; never both zero, which the repeat table reserves for empty slots. */
  finish(): this {
    const a = fmix32(this.a);
    const b = fmix32(this.b ^ a);
    this.hi = (a ^ b) >>> 0;
    this.lo = b >>> 0 || 1;
    return this;
  }

  /**
   * A run of cells that are not all plain: each cell's bytes as `addTextRuns` writes them are a range of the input
   * (most cells, and a quoted cell that needs its quotes, with them), or written out in `scratch`.
   */
  private addRunPieces(batch: TextBatch, ranges: CellRanges, row: number, first: number, after: number): void {
    const { bytes, starts, ends, flags, width, delimiter } = ranges;
    const pieces =
      this.pieces.length < 3 * (after - first) ? (this.pieces = new Int32Array(6 * (after - first))) : this.pieces;
    this.written = 0;
    let length = after - first - 1;
    for (let col = first, at = 0; col < after; col++, at += 3) {
      const index = row * width + col;
      const start = starts[index]!;
      const end = ends[index]!;
      const cellFlags = flags[index]! & ~CELL_NON_ASCII;
      const quoted = quotedAt(bytes, start);
      pieces[at] = 0;
      pieces[at + 1] = start;
      pieces[at + 2] = end;
      if (cellFlags === 0 && !quoted && delimiter === COMMA) {
        // Unquoted in a comma-delimited file: no comma, no leading quote.
      } else if (cellFlags === 0 || cellFlags === CELL_DOUBLED_QUOTES) {
        const needsQuotes = needsQuoting(bytes, start, end);
        if (needsQuotes && quoted) {
          // Quoted in the input with its quotes doubled: as written here, quotes included.
          pieces[at + 1] = start - 1;
          pieces[at + 2] = end + 1;
        } else if (needsQuotes || cellFlags !== 0) {
          this.writeCell(bytes, start, end, needsQuotes, cellFlags !== 0, pieces, at);
        }
      } else {
        const text = Buffer.from(batch.cell(row, col), "utf8");
        this.writeCell(text, 0, text.length, needsQuoting(text, 0, text.length), false, pieces, at);
      }
      length += pieces[at + 2]! - pieces[at + 1]!;
    }
    this.absorb(length);
    for (let at = 0; at < 3 * (after - first); at += 3) {
      if (at > 0) this.feed(COMMA_BYTE, 0, 1);
      this.feed(pieces[at] === 0 ? bytes : this.scratch, pieces[at + 1]!, pieces[at + 2]!);
    }
    this.endFeed();
  }

  /**
   * Writes a cell's text, from `source[start, end)` (its quotes doubled there when `doubled`), into `scratch`, quoted
   * or not, and records where as the piece at `pieces[at]`.
   */
  private writeCell(
    source: Uint8Array,
    start: number,
    end: number,
    quote: boolean,
    doubled: boolean,
    pieces: Int32Array,
    at: number,
  ): void {
    let out = this.written;
    if (out + 2 * (end - start) + 2 > this.scratch.length)
      this.scratch = grown(this.scratch, out + 2 * (end - start) + 2);
    const scratch = this.scratch;
    pieces[at] = 1;
    pieces[at + 1] = out;
    if (quote) scratch[out++] = QUOTE;
    for (let i = start; i < end; i++) {
      const byte = source[i]!;
      scratch[out++] = byte;
      if (byte !== QUOTE) continue;
      if (doubled) i++;
      if (quote) scratch[out++] = QUOTE;
    }
    if (quote) scratch[out++] = QUOTE;
    pieces[at + 2] = out;
    this.written = out;
  }

  /** Bytes into the lanes, four to a word; an unfinished word waits in `carry` for the next bytes or `endFeed`. */
  private feed(source: Uint8Array, start: number, end: number): void {
    let i = start;
    let carry = this.carry;
    let carried = this.carried;
    while (carried > 0 && carried < 4 && i < end) carry |= source[i++]! << (8 * carried++);
    if (carried === 4) {
      this.absorb(carry);
      carry = 0;
      carried = 0;
    }
    let a = this.a;
    let b = this.b;
    if (carried === 0) {
      for (; i + 4 <= end; i += 4) {
        const word = source[i]! | (source[i + 1]! << 8) | (source[i + 2]! << 16) | (source[i + 3]! << 24);
        a = laneA(a, word);
        b = laneB(b, word);
      }
      for (; i < end; i++) carry |= source[i]! << (8 * carried++);
    }
    this.a = a;
    this.b = b;
    this.carry = carry;
    this.carried = carried;
  }

  /**
   * A plain run of a file with another delimiter (a tab) and no comma: its bytes with each delimiter made a comma, a
   * word at a time (the bytes equal to the delimiter found as the zero bytes of the word XOR the delimiter's). A run
   * starts with nothing carried, so its last bytes start the carry afresh.
   */
  private feedAsCommas(source: Uint8Array, start: number, end: number, delimiter: number): void {
    const delimiters = Math.imul(delimiter, 0x01010101);
    const swap = Math.imul(delimiter ^ COMMA, 0x01010101);
    let a = this.a;
    let b = this.b;
    let i = start;
    for (; i + 4 <= end; i += 4) {
      let word = source[i]! | (source[i + 1]! << 8) | (source[i + 2]! << 16) | (source[i + 3]! << 24);
      const x = word ^ delimiters;
      const zeroBytes = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x) & 0x80808080;
      word ^= Math.imul(zeroBytes >>> 7, 0xff) & swap;
      a = laneA(a, word);
      b = laneB(b, word);
    }
    let carry = 0;
    for (let shift = 0; i < end; i++, shift += 8) carry |= (source[i] === delimiter ? COMMA : source[i]!) << shift;
    this.a = a;
    this.b = b;
    this.carry = carry;
    this.carried = (end - start) & 3;
  }

  /**
   * Whether `bytes[start, end)` of the batch holds a comma; a batch's rows come in order, so the next comma is looked
   * for once. By batch, not by its bytes: a read may reuse its buffer.
   */
  private commaWithin(batch: TextBatch, bytes: Uint8Array, start: number, end: number): boolean {
    if (batch !== this.commaBatch || this.nextComma < start) {
      this.commaBatch = batch;
      const found = bytes.indexOf(COMMA, start);
      this.nextComma = found < 0 ? Infinity : found;
    }
    return this.nextComma < end;
  }

  /** The last, unfinished word of a feed, zero-padded (the length absorbed before the bytes tells the padding). */
  private endFeed(): void {
    if (this.carried > 0) this.absorb(this.carry);
    this.carry = 0;
    this.carried = 0;
  }

  /** One 32-bit word into both lanes. */
  private absorb(word: number): this {
    this.a = laneA(this.a, word);
    this.b = laneB(this.b, word);
    return this;
  }
}

function laneA(a: number, word: number): number {
  const x = Math.imul(a ^ word, 0x9e3779b1);
  return (x << 13) | (x >>> 19);
}

function laneB(b: number, word: number): number {
  const x = Math.imul(b ^ word, 0x85ebca77);
  return (x << 17) | (x >>> 15);
}

/** Up to four bytes from `from` (fewer at `end`) as one little-endian word. */
function wordAt(bytes: Uint8Array, from: number, end: number): number {
  if (from + 4 <= end)
    return bytes[from]! | (bytes[from + 1]! << 8) | (bytes[from + 2]! << 16) | (bytes[from + 3]! << 24);
  let word = 0;
  for (let i = from, shift = 0; i < end; i++, shift += 8) word |= bytes[i]! << shift;
  return word;
}

/** Whether the cell starting at `start` was quoted: a plain cell follows a delimiter or starts a record. */
function quotedAt(bytes: Uint8Array, start: number): boolean {
  return start > 0 && bytes[start - 1] === QUOTE;
}

/** A cell whose text holds a comma or starts with a quote is written quoted (its doubled quotes do not change this). */
function needsQuoting(bytes: Uint8Array, start: number, end: number): boolean {
  if (end > start && bytes[start] === QUOTE) return true;
  for (let i = start; i < end; i++) if (bytes[i] === COMMA) return true;
  return false;
}

function grown(bytes: Uint8Array, least: number): Uint8Array {
  const larger = new Uint8Array(Math.max(least, bytes.length * 2));
  larger.set(bytes);
  return larger;
}

/** murmur3's 32-bit finalizer: every input bit reaches every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** A 32-bit hash of one string, for tags such as a row's label. */
export function hashTag(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

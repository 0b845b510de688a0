import { CSV_RECORDS_WASM } from "./csv-records.generated.js";
import { alignUp, ensureMemory, instantiateWasm, WASM_PAGE, type WasmMemory } from "./wasm-instance.js";

/**
 * The CSV tokenizer's fast path (assembly/csv-records.ts): complete records of the expected width, found 16 bytes per
 * step with WebAssembly SIMD. Written outside JavaScript because it is faster: 340 against 670-780 ms for 256 MB of
 * bench:validate's 20-column file, copies in and out included. The tokenizer takes each record this leaves it.
 */
interface CsvRecordsExports {
  memory: WasmMemory;
  records(
    bytes: number,
    length: number,
    pos: number,
    line: number,
    bias: number,
    width: number,
    delimiter: number,
    maxRows: number,
    maxRecordBytes: number,
    starts: number,
    ends: number,
    flags: number,
    lines: number,
    state: number,
  ): number;
}

/** Cells stored per call, at most: bounds the module's memory whatever the record width. */
const MAX_CELLS = 256 * 1024;
/** Below the input: where the module leaves its position and line. */
const STATE = WASM_PAGE - 16;
const INPUT = WASM_PAGE;
/** The module reads 16 bytes at a time, past the input's end. */
const PADDING = 16;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

let instance: CsvRecordsExports | null | undefined;

/** Records found by one call, laid out as the tokenizer stores them. */
interface SimdRecordRun {
  rows: number;
  /** The position and line after the last record or blank line taken. */
  pos: number;
  line: number;
}

/** The fast path over one buffer: `load` it, then `take` records from any position, copied into the caller's arrays. */
export class SimdRecords {
  private length = 0;
  private bias = 0;

  private constructor(
    private readonly exports: CsvRecordsExports,
    private readonly delimiter: number,
  ) {}

  /** A fast path for this delimiter, or undefined when there is none (no WebAssembly, or a delimiter it cannot take). */
  static for(delimiter: number): SimdRecords | undefined {
    if (delimiter === 0 || delimiter >= 0x80 || delimiter === LF || delimiter === CR || delimiter === QUOTE) return;
    if (instance === undefined) instance = instantiateWasm<CsvRecordsExports>(CSV_RECORDS_WASM);
    const exports = instance;
    return exports ? new SimdRecords(exports, delimiter) : undefined;
  }

  /** Copies `bytes[start..]` into the module; false when they are too many (the tokenizer then takes every record). */
  load(bytes: Uint8Array, start: number): boolean {
    const length = bytes.length - start;
    if (!ensureMemory(this.exports.memory, INPUT + length + PADDING)) return false;
    const memory = new Uint8Array(this.exports.memory.buffer);
    memory.set(bytes.subarray(start), INPUT);
    memory.fill(0, INPUT + length, INPUT + length + PADDING);
    this.length = length;
    this.bias = start;
    return true;
  }

  /**
   * Takes records from `pos` (a position in the loaded bytes, with its `line`), at most `maxRows`, and stores them
   * into the arrays from record `row` on, `width` cells each.
   */
  take(
    pos: number,
    line: number,
    width: number,
    maxRows: number,
    maxRecordBytes: number,
    into: { starts: Int32Array; ends: Int32Array; flags: Uint8Array; lines: Int32Array; row: number },
  ): SimdRecordRun {
    const rows = Math.max(1, Math.min(maxRows, Math.floor(MAX_CELLS / width)));
    const cells = rows * width;
    const starts = alignUp(INPUT + this.length + PADDING, 64);
    const ends = starts + cells * 4;
    const lines = ends + cells * 4;
    const flags = lines + rows * 4;
    if (!ensureMemory(this.exports.memory, flags + cells)) return { rows: 0, pos, line };
    const { exports } = this;
    const taken = exports.records(
      INPUT,
      this.length,
      pos - this.bias,
      line,
      this.bias,
      width,
      this.delimiter,
      rows,
      Math.min(maxRecordBytes, 0x7fffffff),
      starts,
      ends,
      flags,
      lines,
      STATE,
    );
    const { buffer } = exports.memory;
    const at = into.row * width;
    const count = taken * width;
    into.starts.set(new Int32Array(buffer, starts, count), at);
    into.ends.set(new Int32Array(buffer, ends, count), at);
    into.flags.set(new Uint8Array(buffer, flags, count), at);
    into.lines.set(new Int32Array(buffer, lines, taken), into.row);
    const state = new Int32Array(buffer, STATE, 2);
    return { rows: taken, pos: state[0]! + this.bias, line: state[1]! };
  }
}

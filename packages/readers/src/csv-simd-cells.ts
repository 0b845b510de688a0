import { CELL_SCAN_WASM } from "./cell-scan.generated.js";
import { cellGrammarBytes } from "./cell-scan.js";
import type { CsvCells } from "./csv-tokenizer.js";
import { alignUp, ensureMemory, instantiateWasm, WASM_PAGE, type WasmMemory } from "./wasm-instance.js";

/**
 * The cell grammar's common cases over a CSV batch's column (assembly/cell-scan.ts), in WebAssembly. Written outside
 * JavaScript because it is faster: kinds and numbers come from one loop over the cells, without a call per cell.
 */
interface CellScanExports {
  memory: WasmMemory;
  classifyColumn(
    bytes: number,
    bias: number,
    starts: number,
    ends: number,
    flags: number,
    width: number,
    col: number,
    rows: number,
    grammar: number,
    kinds: number,
    numbers: number,
  ): number;
}

/** The kind of a cell the module leaves to cell-scan.ts. */
export const ASK_KIND = 255;
/** The cell flag of a quoted field with text after its closing quote: `starts` holds an index, not a position. */
const CELL_OVERRIDE = 4;
const GRAMMAR = WASM_PAGE;
const BATCH = 2 * WASM_PAGE;

let instance: CellScanExports | null | undefined;
/** The cells the module's memory holds, and where. */
let loaded: { cells: CsvCells; bias: number; starts: number; ends: number; flags: number; end: number } | undefined;

/**
 * Classifies column `col` of a batch's cells (`bytes` the buffer their ranges point into) into `kinds` and `numbers`,
 * as `classifyBytes` and `scannedNumber` would, but for cells marked `ASK_KIND`: those are the caller's. Returns how
 * many were marked, every cell when WebAssembly is not available.
 */
export function classifyCsvColumn(
  bytes: Uint8Array,
  cells: CsvCells,
  col: number,
  kinds: Uint8Array,
  numbers: Float64Array,
): number {
  const { rows, width } = cells;
  const module = cellScanModule();
  // A batch's columns are classified one after another: its cells are copied in once.
  if (module && loaded?.cells !== cells) loaded = load(module.memory, bytes, cells);
  const kindsAt = loaded?.end ?? 0;
  const numbersAt = alignUp(kindsAt + rows, 8);
  if (!module || loaded?.cells !== cells || !ensureMemory(module.memory, numbersAt + rows * 8)) {
    kinds.fill(ASK_KIND, 0, rows);
    return rows;
  }
  const asked = module.classifyColumn(
    BATCH,
    loaded.bias,
    loaded.starts,
    loaded.ends,
    loaded.flags,
    width,
    col,
    rows,
    GRAMMAR,
    kindsAt,
    numbersAt,
  );
  kinds.set(new Uint8Array(module.memory.buffer, kindsAt, rows));
  numbers.set(new Float64Array(module.memory.buffer, numbersAt, rows));
  return asked;
}

/** This thread's module, its grammar in place; null where WebAssembly is not available. */
function cellScanModule(): CellScanExports | null {
  if (instance === undefined) {
    instance = instantiateWasm<CellScanExports>(CELL_SCAN_WASM);
    const grammar = cellGrammarBytes();
    if (instance && ensureMemory(instance.memory, GRAMMAR + grammar.length))
      new Uint8Array(instance.memory.buffer).set(grammar, GRAMMAR);
    else instance = null;
  }
  return instance;
}

/** The cells copied into the module's memory, or undefined when they do not fit (left to cell-scan.ts). */
function load(memory: WasmMemory, bytes: Uint8Array, cells: CsvCells) {
  const count = cells.rows * cells.width;
  // Cells lie in file order from the first, unless the first holds an index (a quoted field with text after it).
  const bias = cells.rows > 0 && cells.flags[0] !== CELL_OVERRIDE ? cells.starts[0]! : 0;
  const starts = alignUp(BATCH + cells.consumed - bias, 8);
  const ends = starts + count * 4;
  const flags = ends + count * 4;
  const end = flags + count;
  if (!ensureMemory(memory, end)) return undefined;
  const heap = new Uint8Array(memory.buffer);
  heap.set(bytes.subarray(bias, cells.consumed), BATCH);
  new Int32Array(memory.buffer, starts, count).set(cells.starts.subarray(0, count));
  new Int32Array(memory.buffer, ends, count).set(cells.ends.subarray(0, count));
  heap.set(cells.flags.subarray(0, count), flags);
  return { cells, bias, starts, ends, flags, end };
}

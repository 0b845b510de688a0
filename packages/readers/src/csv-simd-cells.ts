import { CELL_SCAN_WASM } from "./cell-scan.generated.js";
import { cellGrammarBytes } from "./cell-scan.js";
import type { CsvCells } from "./csv-tokenizer.js";
import {
  alignUp,
  copyCellsIn,
  ensureMemory,
  instantiateWasm,
  WASM_PAGE,
  type CellsInMemory,
  type WasmMemory,
} from "./wasm-instance.js";

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
const GRAMMAR = WASM_PAGE;
const BATCH = 2 * WASM_PAGE;

let instance: CellScanExports | null | undefined;
/** The batch whose cells the module's memory holds, and where. */
let loaded: { cells: CsvCells; at: CellsInMemory | undefined } | undefined;

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
  if (module && loaded?.cells !== cells) {
    loaded = { cells, at: copyCellsIn(module.memory, BATCH, { bytes, ...cells }, rows * width, cells.consumed) };
  }
  const at = loaded?.at;
  const kindsAt = at?.end ?? 0;
  const numbersAt = alignUp(kindsAt + rows, 8);
  if (!module || !at || !ensureMemory(module.memory, numbersAt + rows * 8)) {
    kinds.fill(ASK_KIND, 0, rows);
    return rows;
  }
  const asked = module.classifyColumn(
    at.bytes,
    at.bias,
    at.starts,
    at.ends,
    at.flags,
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

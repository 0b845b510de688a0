import {
  alignUp,
  copyCellsIn,
  ensureMemory,
  instantiateWasm,
  WASM_PAGE,
  type TextBatch,
  type WasmMemory,
} from "@ctrain/readers";
import { ROW_HASH_WASM } from "./row-hash.generated.js";

/**
 * The plain rows of a CSV batch hashed as `KeyHasher.addTextRuns` hashes them (assembly/row-hash.ts), in WebAssembly:
 * one call per batch rather than a loop over cells and bytes per row. Written outside JavaScript because it is faster.
 */
interface RowHashExports {
  memory: WasmMemory;
  hashRows(
    bytes: number,
    bias: number,
    starts: number,
    ends: number,
    flags: number,
    width: number,
    rows: number,
    runs: number,
    runCount: number,
    lanes: number,
    plain: number,
  ): number;
}

const COMMA = 0x2c;
const BATCH = WASM_PAGE;

let instance: RowHashExports | null | undefined;

/** Each row's hasher lanes after `reset()` and `addTextRuns(batch, row, runs)`, where `plain[row]` is 1. */
export interface PlainRowLanes {
  plain: Uint8Array;
  lanes: Int32Array;
}

/**
 * The lanes of the batch's plain rows (`runs` as `addTextRuns` takes them), or undefined when none are computed here:
 * no WebAssembly, a delimiter other than a comma, or a batch too large for the module's memory.
 */
export function plainRowLanes(batch: TextBatch, runs: Int32Array): PlainRowLanes | undefined {
  const ranges = batch.cellRanges();
  const rows = batch.rows;
  if (ranges.delimiter !== COMMA || rows === 0) return;
  if (instance === undefined) instance = instantiateWasm<RowHashExports>(ROW_HASH_WASM);
  if (!instance) return;
  const { memory } = instance;
  const at = copyCellsIn(memory, BATCH, ranges, rows * ranges.width, ranges.bytes.length);
  if (!at) return;
  const runsAt = alignUp(at.end, 4);
  const lanesAt = alignUp(runsAt + runs.length * 4, 8);
  const plainAt = lanesAt + rows * 8;
  if (!ensureMemory(memory, plainAt + rows)) return;
  new Int32Array(memory.buffer, runsAt, runs.length).set(runs);
  instance.hashRows(
    at.bytes,
    at.bias,
    at.starts,
    at.ends,
    at.flags,
    ranges.width,
    rows,
    runsAt,
    runs.length,
    lanesAt,
    plainAt,
  );
  return {
    plain: new Uint8Array(memory.buffer, plainAt, rows).slice(),
    lanes: new Int32Array(memory.buffer, lanesAt, rows * 2).slice(),
  };
}

/** The part of the WebAssembly global used here: @types/node does not declare it, and lib "dom" is the browser's. */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** The memory a module exports. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

export const WASM_PAGE = 64 * 1024;

/**
 * A module's exports (base64, as scripts/generate-wasm.ts embeds it), or null where WebAssembly is not available
 * (`node --jitless` or `--no-expose-wasm`).
 */
export function instantiateWasm<Exports>(base64: string): Exports | null {
  try {
    const { WebAssembly } = globalThis as unknown as { WebAssembly: WebAssemblyApi };
    return new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(base64, "base64")), {}).exports as Exports;
  } catch {
    return null;
  }
}

/**
 * A module's memory stays within this: it never shrinks, so work that needs more (a very long record, a batch of
 * millions of cells) is left to JavaScript rather than held for the life of the thread.
 */
const MEMORY_LIMIT = 8 * 1024 * 1024;

/** Grows `memory` to hold at least `bytes`; false when that passes the limit or the memory cannot grow. */
export function ensureMemory(memory: WasmMemory, bytes: number): boolean {
  if (memory.buffer.byteLength >= bytes) return true;
  if (bytes > MEMORY_LIMIT) return false;
  try {
    memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / WASM_PAGE));
    return true;
  } catch {
    return false;
  }
}

/** A batch's cell ranges as `copyCellsIn` left them in a module's memory: where each part starts. */
export interface CellsInMemory {
  /** Subtracted from a cell's position to find its byte after `bytes`. */
  bias: number;
  bytes: number;
  starts: number;
  ends: number;
  flags: number;
  /** The first byte after them. */
  end: number;
}

/** The cell flag of a quoted field with text after its closing quote: `starts` holds an index, not a position. */
const CELL_OVERRIDE = 4;

/**
 * Copies a batch's bytes up to `byteEnd` and its first `count` cell ranges into `memory` from `at`, or answers
 * undefined when they do not fit. The bytes start one before the first cell (where a quote tells it was quoted):
 * cells lie in file order from the first, unless the first holds an index (a quoted field with text after it).
 */
export function copyCellsIn(
  memory: WasmMemory,
  at: number,
  ranges: { bytes: Uint8Array; starts: Int32Array; ends: Int32Array; flags: Uint8Array },
  count: number,
  byteEnd: number,
): CellsInMemory | undefined {
  const bias = count > 0 && ranges.flags[0] !== CELL_OVERRIDE ? Math.max(0, ranges.starts[0]! - 1) : 0;
  const starts = alignUp(at + byteEnd - bias, 8);
  const ends = starts + count * 4;
  const flags = ends + count * 4;
  const end = flags + count;
  if (!ensureMemory(memory, end)) return undefined;
  const heap = new Uint8Array(memory.buffer);
  heap.set(ranges.bytes.subarray(bias, byteEnd), at);
  new Int32Array(memory.buffer, starts, count).set(ranges.starts.subarray(0, count));
  new Int32Array(memory.buffer, ends, count).set(ranges.ends.subarray(0, count));
  heap.set(ranges.flags.subarray(0, count), flags);
  return { bias, bytes: at, starts, ends, flags, end };
}

/** `offset` rounded up to a multiple of `to` (typed arrays over a module's memory start aligned). */
export function alignUp(offset: number, to: number): number {
  return Math.ceil(offset / to) * to;
}

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

/** `offset` rounded up to a multiple of `to` (typed arrays over a module's memory start aligned). */
export function alignUp(offset: number, to: number): number {
  return Math.ceil(offset / to) * to;
}

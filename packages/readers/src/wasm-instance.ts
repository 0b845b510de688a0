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

/** Grows `memory` to hold at least `bytes`. */
export function ensureMemory(memory: WasmMemory, bytes: number): void {
  if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / WASM_PAGE));
}

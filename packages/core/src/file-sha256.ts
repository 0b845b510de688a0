import { createHash } from "node:crypto";
import { open } from "node:fs/promises";

export interface Sha256Digest {
  sha256: string;
  bytes: number;
}

/** 4 MiB reads measured fastest here (1 MiB and 16 MiB were 10-40% slower). */
const CHUNK_BYTES = 4 * 1024 * 1024;
const HEAD_BYTES = 64;

export interface Sha256FileOptions {
  /** Hash only `bytes` bytes from `offset` (a part of a split file). */
  range?: { offset: number; bytes: number };
  onProgress?: (bytes: number) => void;
  /** Gets the first bytes, so callers can sniff the format without opening the file again. */
  onHead?: (head: Buffer) => void;
}

/**
 * The sha256 of a file (or of a range of it), streamed: the next chunk is read while the current one is hashed (two
 * reused buffers), which measured faster than a read stream and keeps memory at 8 MiB whatever the file size.
 */
export async function sha256File(path: string, options: Sha256FileOptions = {}): Promise<Sha256Digest> {
  const hash = createHash("sha256");
  const end = options.range ? options.range.offset + options.range.bytes : Infinity;
  let position = options.range?.offset ?? 0;
  const handle = await open(path, "r");
  try {
    const buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
    let current = 0;
    let bytes = 0;
    const readNext = (buffer: Buffer) => {
      const length = Math.min(CHUNK_BYTES, end - position);
      const read = handle.read(buffer, 0, length, position);
      position += length;
      return read;
    };
    let pending = readNext(buffers[0]!);
    for (;;) {
      const { bytesRead, buffer } = await pending;
      if (bytesRead === 0) break;
      if (bytes === 0) options.onHead?.(Buffer.from(buffer.subarray(0, Math.min(bytesRead, HEAD_BYTES))));
      current ^= 1;
      pending = readNext(buffers[current]!);
      hash.update(buffer.subarray(0, bytesRead));
      bytes += bytesRead;
      options.onProgress?.(bytesRead);
    }
    if (bytes === 0) options.onHead?.(Buffer.alloc(0));
    return { sha256: hash.digest("hex"), bytes };
  } finally {
    await handle.close();
  }
}

/**
 * The sha256 of a whole file on the calling thread (1 MiB reads), for callers that cannot wait. Self-contained: it
 * reaches Node's modules through `process.getBuiltinModule` and uses nothing from around it, so a worker thread
 * started from its source text (`String(sha256FileSync)`) runs this same function.
 */
export function sha256FileSync(path: string): Sha256Digest {
  const { createHash } = process.getBuiltinModule("node:crypto");
  const { closeSync, openSync, readSync } = process.getBuiltinModule("node:fs");
  const hash = createHash("sha256");
  const buffer = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, "r");
  let bytes = 0;
  try {
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; bytes += n) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return { bytes, sha256: hash.digest("hex") };
}

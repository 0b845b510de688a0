import { createHash } from "node:crypto";
import { open, stat } from "node:fs/promises";
import { formatBytes } from "@ctrain/core";

export interface Digest {
  sha256: string;
  bytes: number;
}

/** 4 MiB reads measured fastest here (1 MiB and 16 MiB were 10-40% slower). */
const CHUNK_BYTES = 4 * 1024 * 1024;
export const HEAD_BYTES = 64;

/**
 * sha256 of a file, streamed: the next chunk is read while the current one is hashed (two reused buffers), which
 * measured faster than a read stream and keeps memory at 8 MiB whatever the file size. `onHead` gets the first
 * bytes, so callers can sniff the format without opening the file again.
 */
export async function sha256File(
  path: string,
  options: { onProgress?: (bytes: number) => void; onHead?: (head: Buffer) => void } = {},
): Promise<Digest> {
  const hash = createHash("sha256");
  const handle = await open(path, "r");
  try {
    const buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
    let current = 0;
    let bytes = 0;
    let pending = handle.read(buffers[0]!, 0, CHUNK_BYTES, null);
    for (;;) {
      const { bytesRead, buffer } = await pending;
      if (bytesRead === 0) break;
      if (bytes === 0) options.onHead?.(Buffer.from(buffer.subarray(0, Math.min(bytesRead, HEAD_BYTES))));
      current ^= 1;
      pending = handle.read(buffers[current]!, 0, CHUNK_BYTES, null);
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

/** Logs hashing progress (MB/s, ETA) at most every `everyMs`, for files large enough to take a while. */
export class HashProgress {
  private done = 0;
  private readonly started = performance.now();
  private lastLog = performance.now();

  constructor(
    private readonly totalBytes: number,
    private readonly log: (line: string) => void,
    private readonly everyMs = 5000,
  ) {}

  advance(bytes: number): void {
    this.done += bytes;
    const now = performance.now();
    if (now - this.lastLog < this.everyMs) return;
    this.lastLog = now;
    const seconds = (now - this.started) / 1000;
    const rate = this.done / seconds;
    const eta = rate > 0 ? (this.totalBytes - this.done) / rate : 0;
    this.log(
      `hashed ${formatBytes(this.done)} of ${formatBytes(this.totalBytes)} (${formatBytes(rate)}/s, ETA ${Math.ceil(eta)}s)`,
    );
  }

  /** `1.2 GB in 1.1s (1.1 GB/s)` */
  summary(): string {
    const seconds = (performance.now() - this.started) / 1000;
    const rate = seconds > 0 ? ` (${formatBytes(this.done / seconds)}/s)` : "";
    return `${formatBytes(this.done)} in ${seconds.toFixed(1)}s${rate}`;
  }
}

export interface DigestedFile extends Digest {
  /** Absolute path. */
  path: string;
  /** The first bytes, for format sniffing. */
  head: Buffer;
}

/** Hashes files one after another (hashing is CPU-bound: the reads already overlap it), logging progress. */
export async function digestFiles(
  paths: readonly string[],
  options: { log?: (line: string) => void; what?: string } = {},
): Promise<DigestedFile[]> {
  const log = options.log ?? (() => undefined);
  const sizes = await Promise.all(paths.map(async (path) => (await stat(path)).size));
  const progress = new HashProgress(
    sizes.reduce((sum, size) => sum + size, 0),
    log,
  );
  const digests: DigestedFile[] = [];
  for (const path of paths) {
    let head: Buffer = Buffer.alloc(0);
    const digest = await sha256File(path, {
      onProgress: (bytes) => progress.advance(bytes),
      onHead: (bytes) => (head = bytes),
    });
    digests.push({ path, head, ...digest });
  }
  if (paths.length > 0) log(`hashed ${paths.length} ${options.what ?? "file"}(s): ${progress.summary()}`);
  return digests;
}

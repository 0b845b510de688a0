import { stat } from "node:fs/promises";
import { formatBytes, sha256File, type Sha256Digest } from "@ctrain/core";

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

export interface DigestedFile extends Sha256Digest {
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

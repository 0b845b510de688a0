import { formatCount } from "@ctrain/core";
/** Where a read stands; `bytesRead` and `totalBytes` count bytes on disk over the whole dataset. */
export interface ReadProgress {
  /** The file being read. */
  file: string;
  bytesRead: number;
  totalBytes: number;
  /** Records read so far over the whole dataset. */
  rows: number;
  /** Milliseconds since the read started. */
  elapsedMs: number;
}

/** Accumulates progress over the files of one dataset and reports it after every batch. */
export class ProgressTracker {
  private readonly startedAt = performance.now();
  private bytesBeforeFile = 0;
  private rows = 0;

  constructor(
    private readonly totalBytes: number,
    private readonly listener: ((progress: ReadProgress) => void) | undefined,
  ) {}

  /** Reports `rows` more records with `fileBytesRead` bytes of the current file read so far. */
  advance(file: string, fileBytesRead: number, rows: number): void {
    this.rows += rows;
    this.listener?.({
      file,
      bytesRead: this.bytesBeforeFile + fileBytesRead,
      totalBytes: this.totalBytes,
      rows: this.rows,
      elapsedMs: performance.now() - this.startedAt,
    });
  }

  finishFile(fileBytes: number): void {
    this.bytesBeforeFile += fileBytes;
  }
}

const MB = 1024 * 1024;

/** One log line: `1,200,000 rows, 256.0 of 1024.0 MB (25%), 85.2 MB/s, ETA 9s`. */
export function describeProgress(progress: ReadProgress): string {
  const seconds = progress.elapsedMs / 1000;
  const rate = seconds > 0 ? progress.bytesRead / MB / seconds : 0;
  const share = progress.totalBytes > 0 ? Math.floor((progress.bytesRead / progress.totalBytes) * 100) : 100;
  const parts = [
    `${formatCount(progress.rows)} rows`,
    `${(progress.bytesRead / MB).toFixed(1)} of ${(progress.totalBytes / MB).toFixed(1)} MB (${share}%)`,
    `${rate.toFixed(1)} MB/s`,
  ];
  if (rate > 0 && progress.bytesRead < progress.totalBytes) {
    parts.push(`ETA ${formatDuration((progress.totalBytes - progress.bytesRead) / MB / rate)}`);
  }
  return parts.join(", ");
}

function formatDuration(seconds: number): string {
  const whole = Math.ceil(seconds);
  if (whole < 60) return `${whole}s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes}m${String(whole % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

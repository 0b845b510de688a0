import { describeProgress, type ReadProgress } from "@ctrain/readers";

/** Where validation writes its log: `@actions/core` in the action, the terminal in the CLI. */
export interface ValidationLog {
  info(message: string): void;
  /** Opens a foldable group (`::group::` on GitHub). */
  startGroup(name: string): void;
  endGroup(): void;
}

/** Progress of one dataset's read, for a progress bar or a log line. */
export interface ValidationProgress extends ReadProgress {
  dataset: string;
}

/** A progress line every `everyMs` (and none for reads shorter than that), so a long read shows rows, MB/s and ETA. */
export class ProgressLog {
  private lastLogged = performance.now();

  constructor(
    private readonly dataset: string,
    private readonly log: ValidationLog,
    private readonly listener: ((progress: ValidationProgress) => void) | undefined,
    private readonly everyMs = 5000,
  ) {}

  report(progress: ReadProgress): void {
    this.listener?.({ ...progress, dataset: this.dataset });
    const now = performance.now();
    if (now - this.lastLogged >= this.everyMs) {
      this.lastLogged = now;
      this.log.info(`${this.dataset}: ${describeProgress(progress)}`);
    }
  }
}

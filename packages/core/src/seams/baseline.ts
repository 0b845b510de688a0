import type { BaselineOrigin, RunDocument } from "../bundle/documents.js";
import type { Bundle } from "../bundle/io.js";

/** A baseline found for a comparison or a drift test: a validated bundle folder and where it came from. */
export interface ResolvedBaseline {
  origin: BaselineOrigin;
  /** The baseline's run bundle, opened as untrusted. Absent when the origin carries only metrics (git, release). */
  bundle?: Bundle;
  /** Metrics read without a bundle (a `git:<ref>` metrics file, a release's run.json summary). */
  metrics?: Record<string, number | string | boolean | null>;
}

/** Where baselines come from: the GitHub implementation reads workflow runs and releases, the local one a folder store. */
export interface BaselineSource {
  /**
   * Finds the baseline named by `spec` (`auto`, `none`, `branch:<name>`, `release:<tag|latest>`, `run:<id>`,
   * `git:<ref>`, `path:<folder>`). Returns an origin of kind `none` with notes when there is no baseline and
   * comparing without one is safe; throws a UserError when the spec itself is wrong.
   */
  resolve(spec: string): Promise<ResolvedBaseline>;
  /** Run records of the base branch's recent successful runs, newest first, for trends and noise bands. */
  history(limit: number): Promise<RunDocument[]>;
}

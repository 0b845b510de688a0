import { rmSync } from "node:fs";
import {
  confinedPath,
  writeFileAtomic,
  type PublishedReport,
  type RenderedReport,
  type ReportSink,
} from "@ctrain/core";

/**
 * Writes a report's files (report.md, report.html, charts/*.svg) into a folder, usually the run bundle, for the
 * CLI and for the artifact a GitHub job uploads. Charts from an earlier render are removed so none go stale.
 */
export class LocalReportSink implements ReportSink {
  constructor(readonly dir: string) {}

  async publish(report: RenderedReport): Promise<PublishedReport> {
    rmSync(confinedPath(this.dir, "charts"), { recursive: true, force: true });
    const locations = report.files.map((file) => {
      const path = confinedPath(this.dir, file.path);
      writeFileAtomic(path, file.content);
      return { surface: file.path, location: path };
    });
    return { locations };
  }
}

import * as core from "@actions/core";
import type { RenderedReport } from "@ctrain/core";
import {
  actionLog,
  GitHubReportSink,
  HEAD_MARKER_MAX_CHARS,
  type GitHubReportSinkOptions,
  type RunContext,
} from "@ctrain/github";
import { LocalReportSink } from "@ctrain/local";
import { renderReport, type ReportInput, type ReportOptions } from "@ctrain/report";
import type { ReportSettings } from "./settings.js";

export function renderOptions(context: RunContext, settings: ReportSettings): ReportOptions {
  const { owner, repo } = context.repository;
  return {
    id: settings.report.id,
    // The comment also carries the commit it reports (a hidden line the sink adds), within the same budget.
    maxCommentChars: settings.report["max-comment-chars"] - HEAD_MARKER_MAX_CHARS,
    charts: settings.report.charts,
    trendRuns: settings.report["trend-runs"],
    linkPrefix: `${context.serverUrl}/${owner}/${repo}/`,
  };
}

/** Writes the report to the job summary. */
export async function writeReportSummary(report: RenderedReport): Promise<void> {
  await core.summary.addRaw(report.summary, true).write();
}

/**
 * Writes the report files into `filesDir` and publishes to GitHub; sets the step's outputs. `summaryWritten` says
 * the job summary already holds the report (written before anything that can fail).
 */
export async function deliverReport(options: {
  input: ReportInput;
  render: ReportOptions;
  filesDir: string;
  sink: GitHubReportSinkOptions;
  summaryWritten?: boolean;
}): Promise<RenderedReport> {
  const report = renderReport(options.input, options.render);
  const files = await new LocalReportSink(options.filesDir).publish(report);
  const published = await new GitHubReportSink({
    ...options.sink,
    writeSummary: options.summaryWritten ? async () => undefined : options.sink.writeSummary,
    log: (line) => actionLog.info(line),
  }).publish(report);
  const where = (surface: string) => published.locations.find((location) => location.surface === surface)?.location;
  core.setOutput("verdict", report.verdict);
  core.setOutput("report-path", files.locations.find((location) => location.surface === "report.md")!.location);
  core.setOutput("comment-url", where("comment") ?? "");
  core.setOutput("check-run-url", where("check-run") ?? "");
  actionLog.info(`${report.title}`);
  return report;
}

import * as core from "@actions/core";
import { loadReportEvaluation } from "@ctrain/compare";
import type { RenderedReport } from "@ctrain/core";
import {
  actionLog,
  GitHubReportSink,
  HEAD_MARKER_MAX_CHARS,
  repositoryLinkPrefix,
  type GitHubReportSinkOptions,
  type RunContext,
} from "@ctrain/github";
import { LocalReportSink } from "@ctrain/local";
import { runReportStep, type ReportStepOptions } from "@ctrain/report";
import type { ReportSettings } from "./settings.js";

/**
 * Runs the report step on `bundleDir`: the report files go into it, then to GitHub through `sink`; sets the step's
 * outputs. With `prepare` writing the job summary, the sink does not write it again.
 */
export async function deliverReport(options: {
  context: RunContext;
  settings: ReportSettings;
  bundleDir: string;
  untrusted?: boolean;
  trend: NonNullable<ReportStepOptions["trend"]>;
  render: ReportStepOptions["render"];
  prepare?: ReportStepOptions["prepare"];
  sink: GitHubReportSinkOptions;
}): Promise<RenderedReport> {
  const { settings } = options;
  const { rendered, published } = await runReportStep({
    report: settings.report,
    bundleDir: options.bundleDir,
    untrusted: options.untrusted,
    evaluation: () => loadReportEvaluation(options.bundleDir, settings.compare),
    trend: options.trend,
    render: {
      // The comment also carries the commit it reports (a hidden line the sink adds), within the same budget.
      maxCommentChars: settings.report["max-comment-chars"] - HEAD_MARKER_MAX_CHARS,
      linkPrefix: repositoryLinkPrefix(options.context),
      ...options.render,
    },
    prepare: options.prepare,
    sinks: [
      new LocalReportSink(options.bundleDir),
      new GitHubReportSink({
        ...options.sink,
        writeSummary: options.prepare ? async () => undefined : options.sink.writeSummary,
        log: (line) => actionLog.info(line),
      }),
    ],
  });
  const [files, github] = published;
  const where = (surface: string) => github!.locations.find((location) => location.surface === surface)?.location;
  core.setOutput("verdict", rendered.verdict);
  core.setOutput("report-path", files!.locations.find((location) => location.surface === "report.md")!.location);
  core.setOutput("comment-url", where("comment") ?? "");
  core.setOutput("check-run-url", where("check-run") ?? "");
  actionLog.info(`${rendered.title}`);
  return rendered;
}

/** Writes the report to the job summary. */
export async function writeReportSummary(report: RenderedReport): Promise<void> {
  await core.summary.addRaw(report.summary, true).write();
}

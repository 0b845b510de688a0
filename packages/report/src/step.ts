import {
  describeError,
  type PublishedReport,
  type RenderedReport,
  type ReportConfig,
  type ReportSink,
  type RunDocument,
  type StepVerdict,
} from "@ctrain/core";
import type { ReportEvaluation, ReportInput, ReportOptions } from "./input.js";
import { loadReportInput } from "./load.js";
import { renderReport } from "./render.js";

export interface ReportStepOptions {
  report: ReportConfig;
  /** The bundle the other steps wrote; the report is made of its documents. */
  bundleDir: string;
  /** The run's predictions evaluated (compare's reading of them): the calibration and slices sections. */
  evaluation?: () => Promise<ReportEvaluation | undefined>;
  /** Another run's bundle (a fork's report artifact): inspected and validated as it is read. */
  untrusted?: boolean;
  /** The base branch's `count` most recent runs like the bundle's, for the trend. */
  trend?: (count: number, input: ReportInput) => Promise<RunDocument[]>;
  /** Where the report goes, in order: files, then the comment, summary and check run. */
  sinks: ReportSink[];
  /** What the host adds: links, the run's URL, the artifact holding the full report, a smaller comment budget. */
  render?: Omit<ReportOptions, "id" | "charts" | "trendRuns">;
  /** A step that could not do its work: the report says so rather than read as if it had. */
  stepError?: { what: string; error: unknown };
  /**
   * Runs with the first render before any sink (the action writes the job summary first and uploads the full
   * report); what it returns is added to the render the sinks get (the uploaded report's link).
   */
  prepare?: (rendered: RenderedReport, input: ReportInput) => Promise<Partial<ReportOptions> | undefined>;
}

export interface ReportStepResult {
  input: ReportInput;
  rendered: RenderedReport;
  /** What each sink said, in the order of `sinks`. */
  published: PublishedReport[];
  /** The report decides nothing: it shows what the other steps decided. */
  verdict: StepVerdict;
}

/**
 * The report step, the same in the action and the CLI: read the bundle's documents and the trend, render, and hand
 * the report to each sink.
 */
export async function runReportStep(options: ReportStepOptions): Promise<ReportStepResult> {
  const { report } = options;
  const input: ReportInput = {
    ...loadReportInput(options.bundleDir, { untrusted: options.untrusted }),
    ...(options.stepError
      ? { stepError: { what: options.stepError.what, message: describeError(options.stepError.error) } }
      : {}),
  };
  if (options.evaluation && !options.untrusted) {
    const evaluation = await options.evaluation();
    if (evaluation) input.evaluation = evaluation;
  }
  if (options.trend && report["trend-runs"] > 0) input.history = await options.trend(report["trend-runs"], input);
  const render: ReportOptions = {
    ...options.render,
    id: report.id,
    maxCommentChars: options.render?.maxCommentChars ?? report["max-comment-chars"],
    charts: report.charts,
    trendRuns: report["trend-runs"],
  };
  const first = renderReport(input, render);
  const added = options.prepare && (await options.prepare(first, input));
  const rendered = added ? renderReport(input, { ...render, ...added }) : first;
  const published: PublishedReport[] = [];
  for (const sink of options.sinks) published.push(await sink.publish(rendered));
  return { input, rendered, published, verdict: { passed: true, reasons: [], warnings: [] } };
}

import { join } from "node:path";
import { Bundle } from "@ctrain/core";
import { recordEvaluatedMetrics, runCompareStep, type CompareResult } from "@ctrain/compare";
import { runValidateStep, type ValidateStepResult, type ValidationLog } from "@ctrain/data";
import { LocalReportSink } from "@ctrain/local";
import { publishModel, type PublishResult } from "@ctrain/publish";
import { renderReportFromBundle } from "@ctrain/report";
import {
  defaultRunName,
  describeRunner,
  runTraining,
  trainSettingsFromConfig,
  type TrainingResult,
} from "@ctrain/train";
import type { RenderedReport } from "@ctrain/core";
import { localBaselines, type CliWorkspace } from "./workspace.js";
import { terminal } from "./terminal.js";

/** Where the CLI's steps log: the terminal's stderr, so stdout stays for results. */
export const terminalLog: ValidationLog & { warn(line: string): void } = {
  info: (line) => terminal.err.write(`${line}\n`),
  warn: (line) => terminal.err.write(`warning: ${line}\n`),
  startGroup: (name) => terminal.err.write(`── ${name}\n`),
  endGroup: () => undefined,
};

/** The script a profile thread starts from (the CLI's own bundle); without it, validation runs on one thread. */
let profileThreadEntry: URL | undefined;

export function useProfileThread(entry: URL): void {
  profileThreadEntry = entry;
}

export function validateStep(
  workspace: CliWorkspace,
  options: { mergeShards?: string[]; datasets?: string[] } = {},
): Promise<ValidateStepResult> {
  return runValidateStep({
    config: workspace.config,
    bundleDir: workspace.bundleDir,
    baselines: localBaselines(workspace),
    cwd: workspace.root,
    source: workspace.source,
    log: terminalLog,
    datasets: options.datasets,
    mergeShards: options.mergeShards,
    onProgress: progressLine(),
    ...(profileThreadEntry ? { profileThread: { entry: profileThreadEntry } } : {}),
  });
}

/** A one-line progress display on a terminal (rows, MB/s, elapsed), nothing when stderr is not a TTY. */
function progressLine(): ((progress: { dataset: string; rows: number; bytesRead: number }) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  const started = performance.now();
  let last = 0;
  return (progress) => {
    const now = performance.now();
    if (now - last < 200) return;
    last = now;
    const seconds = (now - started) / 1000;
    const megabytes = progress.bytesRead / 1e6;
    terminal.err.write(
      `\r${progress.dataset}: ${progress.rows.toLocaleString("en")} rows, ${(megabytes / Math.max(seconds, 0.001)).toFixed(1)} MB/s, ${seconds.toFixed(1)}s   `,
    );
  };
}

export async function trainStep(
  workspace: CliWorkspace,
  options: { name?: string; paramOverrides?: Record<string, unknown> } = {},
): Promise<TrainingResult> {
  const paramOverrides = options.paramOverrides ?? {};
  const settings = trainSettingsFromConfig(workspace.config, {
    root: workspace.root,
    name: options.name ?? defaultRunName(paramOverrides, "train"),
    source: workspace.source,
    runner: describeRunner(),
    paramOverrides,
    bundleDir: workspace.bundleDir,
  });
  const cancellation = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => cancellation.abort());
  const result = await runTraining(settings, {
    log: terminalLog.info,
    warn: terminalLog.warn,
    output: process.stderr,
    signal: cancellation.signal,
  });
  if (result.run.status === "succeeded")
    await recordEvaluatedMetrics(new Bundle(workspace.bundleDir), workspace.config.compare, terminalLog.warn);
  return result;
}

export function compareStep(
  workspace: CliWorkspace,
  candidatePatterns?: string[],
  quiet = false,
): Promise<CompareResult> {
  return runCompareStep({
    config: workspace.config,
    bundleDir: workspace.bundleDir,
    candidates: candidatePatterns && { patterns: candidatePatterns, cwd: process.cwd() },
    baselines: localBaselines(workspace),
    source: workspace.source,
    log: quiet ? undefined : terminalLog.info,
  });
}

export async function reportStep(workspace: CliWorkspace): Promise<RenderedReport> {
  const report = workspace.config.report;
  const history = report.charts ? await localBaselines(workspace).history(report["trend-runs"]) : [];
  const rendered = renderReportFromBundle(workspace.bundleDir, {
    id: report.id,
    maxCommentChars: report["max-comment-chars"],
    charts: report.charts,
    trendRuns: report["trend-runs"],
    history,
  });
  await new LocalReportSink(workspace.bundleDir).publish(rendered);
  return rendered;
}

export function publishStep(workspace: CliWorkspace): Promise<PublishResult> {
  return publishModel({
    bundle: new Bundle(workspace.bundleDir),
    modelRoot: workspace.root,
    model: workspace.config.model,
    publish: workspace.config.publish,
    registry: workspace.registry,
    commit: workspace.source.commit,
    publisher: workspace.source,
    workDir: join(workspace.root, ".ctrain-store", "tmp"),
    log: terminalLog.info,
  });
}

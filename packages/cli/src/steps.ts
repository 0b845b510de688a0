import { loadReportEvaluation, runCompareStep, type CompareResult } from "@ctrain/compare";
import { runValidateStep, type ValidateStepResult, type ValidationLog } from "@ctrain/data";
import { LocalReportSink, LocalRunCacheStore } from "@ctrain/local";
import { runPublishStep, type PublishResult } from "@ctrain/publish";
import { runReportStep, type ReportStepOptions } from "@ctrain/report";
import { runTrainStep, type TrainStepLog, type TrainStepResult } from "@ctrain/train";
import type { RenderedReport } from "@ctrain/core";
import { localBaselines, localScratch, type CliWorkspace } from "./workspace.js";
import { terminal } from "./terminal.js";

/** Where the CLI's steps log: the terminal's stderr, so stdout stays for results. */
export const terminalLog: ValidationLog & TrainStepLog = {
  info: (line) => terminal.err.write(`${line}\n`),
  warning: (line) => terminal.err.write(`warning: ${line}\n`),
  error: (line) => terminal.err.write(`error: ${line}\n`),
  startGroup: (name) => terminal.err.write(`── ${name}\n`),
  endGroup: () => undefined,
};

/** The script validation's threads start from (thread.js beside the CLI's bundle); without it, one thread validates. */
let profileThreadEntry: URL | undefined;

export function useProfileThread(entry: URL): void {
  profileThreadEntry = entry;
}

export function validateStep(
  workspace: CliWorkspace,
  options: { mergeShards?: string[]; datasets?: string[]; shard?: string } = {},
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
    shard: options.shard,
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

export function trainStep(
  workspace: CliWorkspace,
  options: { name?: string; paramOverrides?: Record<string, unknown>; force?: boolean } = {},
): Promise<TrainStepResult> {
  return runTrainStep({
    config: workspace.config,
    root: workspace.root,
    name: options.name,
    defaultName: "train",
    paramOverrides: options.paramOverrides ?? {},
    source: workspace.source,
    bundleDir: workspace.bundleDir,
    log: terminalLog,
    output: process.stderr,
    runCache: {
      store: new LocalRunCacheStore(workspace.store.root),
      force: options.force,
      excluded: [workspace.store.root],
    },
  });
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

/** Renders the bundle's report into report.md and report.html; a step's error, when given, is part of it. */
export async function reportStep(
  workspace: CliWorkspace,
  stepError?: ReportStepOptions["stepError"],
): Promise<RenderedReport> {
  const { rendered } = await runReportStep({
    report: workspace.config.report,
    bundleDir: workspace.bundleDir,
    evaluation: () => loadReportEvaluation(workspace.bundleDir, workspace.config.compare),
    trend: (count) => localBaselines(workspace).history(count),
    sinks: [new LocalReportSink(workspace.bundleDir)],
    stepError,
  });
  return rendered;
}

export function publishStep(workspace: CliWorkspace): Promise<PublishResult> {
  return runPublishStep({
    config: workspace.config,
    bundleDir: workspace.bundleDir,
    modelRoot: workspace.root,
    registry: workspace.registry,
    source: workspace.source,
    workDir: localScratch(workspace),
    log: terminalLog.info,
  });
}

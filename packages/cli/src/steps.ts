import { join } from "node:path";
import { Bundle, UserError, type ResolvedBaseline } from "@ctrain/core";
import { recordEvaluatedMetrics, runCompareStep, type CompareResult } from "@ctrain/compare";
import { mergeShardProfiles, validateDatasets, type ValidationLog, type ValidationOutcome } from "@ctrain/data";
import { LocalReportSink, LocalRunCacheStore } from "@ctrain/local";
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

/** The baseline's bundle for drift (its profiles); none when there is none. */
async function driftBaseline(workspace: CliWorkspace): Promise<ResolvedBaseline | undefined> {
  if (workspace.config.compare.baseline === "none") return undefined;
  const baseline = await localBaselines(workspace).resolve(workspace.config.compare.baseline);
  terminalLog.info(`baseline for drift: ${baseline.origin.description}`);
  return baseline.origin.kind === "none" ? undefined : baseline;
}

/** The script a profile thread starts from (the CLI's own bundle); without it, validation runs on one thread. */
let profileThreadEntry: URL | undefined;

export function useProfileThread(entry: URL): void {
  profileThreadEntry = entry;
}

export async function validateStep(
  workspace: CliWorkspace,
  options: { mergeShards?: string[]; datasets?: string[] } = {},
): Promise<ValidationOutcome> {
  if (Object.keys(workspace.config.data.datasets).length === 0 && !options.mergeShards) {
    throw new UserError("no datasets to validate: data.datasets is empty", {
      location: workspace.configFile ?? "ctrain.yml",
      hint: "name your datasets under data.datasets",
    });
  }
  const common = {
    baseline: await driftBaseline(workspace),
    log: terminalLog,
    datasets: options.datasets,
    cwd: workspace.root,
    source: workspace.source,
  };
  const outcome = options.mergeShards
    ? await mergeShardProfiles(workspace.config, options.mergeShards, common)
    : await validateDatasets(workspace.config, {
        ...common,
        onProgress: progressLine(),
        ...(profileThreadEntry ? { profileThread: { entry: profileThreadEntry } } : {}),
      });
  const bundle = new Bundle(workspace.bundleDir);
  bundle.write("validation", outcome.validation);
  for (const profile of outcome.profiles) bundle.writeProfile(profile);
  return outcome;
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
  options: { name?: string; paramOverrides?: Record<string, unknown>; force?: boolean } = {},
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
    runCache: {
      store: new LocalRunCacheStore(workspace.store.root),
      force: options.force,
      excluded: [workspace.store.root],
    },
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

import { Bundle, UserError, describeError, type CtrainConfig, type RunSource, type StepVerdict } from "@ctrain/core";
import { recordEvaluatedMetrics } from "@ctrain/compare";
import type { DependencyCache } from "./dependency-cache.js";
import type { RunCacheHooks } from "./run-cache.js";
import { defaultRunName, describeRunner, trainSettingsFromConfig } from "./settings.js";
import { runTraining, type TrainingResult } from "./train.js";

/** Where a run bundle is kept for later runs (the workflow run's artifacts on GitHub). */
export interface BundleStore {
  /** The name a run's bundle is stored under. */
  nameOf(runName: string): string;
  store(dir: string, name: string): Promise<{ id?: number }>;
}

export interface TrainStepLog {
  info(line: string): void;
  /** Things a person should act on; the action annotates them. */
  warning(line: string): void;
  /** A failure that does not change the verdict (the upload of a run that failed anyway). */
  error(line: string): void;
  /** Wraps the command's live output, e.g. in a foldable log group. */
  group?<T>(title: string, body: () => Promise<T>): Promise<T>;
}

export interface TrainStepOptions {
  config: CtrainConfig;
  /** The project root: the command, params and outputs are found from here. */
  root: string;
  /** The run's name; without it, one derived from the param overrides, else `defaultName`. */
  name?: string;
  defaultName: string;
  paramOverrides: Record<string, unknown>;
  source: RunSource;
  /** Default: the root's `.ctrain`. */
  bundleDir?: string;
  log: TrainStepLog;
  /** Where the command's output goes live. */
  output: NodeJS.WritableStream;
  /** Cancels the run; without it, SIGINT and SIGTERM do (the runner sends SIGINT when the job is cancelled). */
  signal?: AbortSignal;
  cache?: DependencyCache;
  /** Where results of identical runs are kept; a hit skips the command. */
  runCache?: RunCacheHooks;
  /** Keeps the bundle for later runs; none keeps it where it is. */
  bundles?: BundleStore;
}

export interface TrainStepResult extends TrainingResult {
  bundleDir: string;
  /** What the bundle was stored as, when it was. */
  stored?: { name: string; id?: number };
  verdict: StepVerdict;
  /** The step's outputs, as the action declares them, but for the metrics (JSON, set from `run.metrics`). */
  outputs: Record<string, string | number | boolean | undefined>;
}

/**
 * The train step, the same in the action and the CLI: run the command, record the metrics evaluated from its
 * predictions in run.json (the record the next change compares with), and keep the bundle.
 */
export async function runTrainStep(options: TrainStepOptions): Promise<TrainStepResult> {
  const { config, log } = options;
  const settings = trainSettingsFromConfig(config, {
    root: options.root,
    name: options.name ?? defaultRunName(options.paramOverrides, options.defaultName),
    source: options.source,
    runner: describeRunner(),
    paramOverrides: options.paramOverrides,
    bundleDir: options.bundleDir,
  });
  const result = await runTraining(settings, {
    signal: options.signal ?? abortOnSignals(),
    log: (line) => log.info(line),
    warn: (line) => log.warning(line),
    group: log.group?.bind(log),
    output: options.output,
    cache: options.cache,
    runCache: options.runCache,
  });
  const run =
    result.run.status === "succeeded"
      ? ((await recordEvaluatedMetrics(new Bundle(settings.bundleDir), config.compare, (line) => log.warning(line))) ??
        result.run)
      : result.run;
  const trained = { ...result, run, bundleDir: settings.bundleDir };
  const verdict: StepVerdict =
    run.status === "succeeded"
      ? { passed: true, reasons: [], warnings: [] }
      : {
          passed: false,
          reasons: [result.error?.format() ?? `training ${run.status} (exit code ${result.exitCode})`],
          warnings: [],
        };
  const stored = options.bundles && (await storeBundle(options.bundles, run.name, settings.bundleDir, result, log));
  return { ...trained, ...(stored ? { stored } : {}), verdict, outputs: trainOutputs(trained, stored) };
}

/** Keeps the bundle; a failed store fails the step, unless training failed first, whose own failure then stands. */
async function storeBundle(
  bundles: NonNullable<TrainStepOptions["bundles"]>,
  runName: string,
  bundleDir: string,
  result: TrainingResult,
  log: TrainStepOptions["log"],
): Promise<{ name: string; id?: number } | undefined> {
  const name = bundles.nameOf(runName);
  try {
    const stored = await bundles.store(bundleDir, name);
    log.info(`uploaded the run bundle as ${name}`);
    return { name, id: stored.id };
  } catch (error) {
    const explained = explainStoreError(error, name);
    if (result.exitCode === 0) throw explained;
    log.error(describeError(explained));
    return undefined;
  }
}

/** The train step's outputs, as the action declares them (the metrics output is set from `run.metrics`). */
function trainOutputs(
  { run, exitCode, bundleDir }: TrainingResult & { bundleDir: string },
  stored: { name: string; id?: number } | undefined,
): TrainStepResult["outputs"] {
  return {
    status: run.status,
    "exit-code": exitCode,
    "run-name": run.name,
    "run-path": bundleDir,
    cached: Boolean(run.cached),
    "cache-hit": run.cache?.hit ?? "",
    "cache-key": run.cache?.key ?? "",
    "artifact-name": stored?.name,
    "artifact-id": stored && (stored.id ?? ""),
  };
}

/** Parallel jobs that share a run name collide on the stored name; say how to tell them apart. */
function explainStoreError(error: unknown, name: string): unknown {
  if (!(error instanceof Error) || !/already exists/i.test(error.message)) return error;
  return new UserError(`this workflow run already has an artifact named ${name}`, {
    location: "input 'name'",
    hint: "give each train step of the run its own name, e.g. `name: train-${{ matrix.lr }}`, or set `params:` from the matrix",
    cause: error,
  });
}

/** Stops the training tree on SIGINT or SIGTERM, and the run is still recorded, as cancelled. */
function abortOnSignals(): AbortSignal {
  const cancellation = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => cancellation.abort());
  return cancellation.signal;
}

import { createHash } from "node:crypto";
import { arch, platform } from "node:os";
import { resolve } from "node:path";
import {
  DEFAULT_BUNDLE_DIR,
  UserError,
  durationToMs,
  type CtrainConfig,
  type DatasetConfig,
  type RunDocument,
  type RunSource,
} from "@ctrain/core";

export type RunnerInfo = NonNullable<RunDocument["runner"]>;

/** Everything one training run needs, resolved once from ctrain.yml, inputs or flags. */
export interface TrainSettings {
  /** The run's name: run.json's `name` and the artifact's `ctrain-run-<name>`. */
  name: string;
  command: string;
  /** The workspace: recorded paths are relative to it; datasets and cache key files are found from it. */
  root: string;
  /** Where the command runs; params, metrics, curves, predictions and model files are found from it. */
  workingDirectory: string;
  bundleDir: string;
  /** CTRAIN_OUTPUT_DIR: where the command is asked to write its outputs. */
  outputDir: string;
  timeoutMs: number;
  killGraceMs: number;
  env: Record<string, string>;
  params?: string | Record<string, unknown>;
  /** Dotted keys over the params, e.g. from a matrix. */
  paramOverrides: Record<string, unknown>;
  metrics?: string[];
  predictions?: string;
  curves?: string[];
  modelFiles?: string[];
  logTailLines: number;
  datasets: Record<string, DatasetConfig>;
  cache?: { paths: string[]; keyFiles: string[]; keyPrefix?: string };
  /** Off when absent; `code` absent fingerprints every file git tracks. */
  runCache?: { code?: string[]; environment: string[] };
  source: RunSource;
  runner: RunnerInfo;
}

/** run.json names hold at most 100 characters. */
const RUN_NAME_MAX_CHARS = 100;

/**
 * A run name that differs between the jobs of a sweep: the job id plus the param overrides
 * (`train-model.lr-0.01_depth-6`), or a short hash of them when that would be too long.
 */
export function defaultRunName(paramOverrides: Record<string, unknown>, job: string): string {
  const entries = Object.entries(paramOverrides);
  if (entries.length === 0) return job;
  const readable = `${job}-${entries.map(([key, value]) => `${key}-${String(value)}`).join("_")}`.replace(
    /[^A-Za-z0-9._-]+/g,
    "-",
  );
  if (readable.length <= RUN_NAME_MAX_CHARS) return readable;
  const hash = createHash("sha256").update(JSON.stringify(entries)).digest("hex").slice(0, 12);
  return `${job.slice(0, RUN_NAME_MAX_CHARS - 13)}-${hash}`;
}

/** The folder under the working directory that CTRAIN_OUTPUT_DIR points to. */
export const DEFAULT_OUTPUT_DIR = "ctrain-output";

export function trainSettingsFromConfig(
  config: CtrainConfig,
  options: {
    root: string;
    name: string;
    source?: RunSource;
    runner?: RunnerInfo;
    paramOverrides?: Record<string, unknown>;
    bundleDir?: string;
    outputDir?: string;
  },
): TrainSettings {
  const train = config.train;
  if (!train.command) {
    throw new UserError("no training command: train.command is not set", {
      location: "train.command",
      hint: "set train.command in ctrain.yml (or the `command` input / --command flag), e.g. `python train.py`",
    });
  }
  const root = resolve(options.root);
  const workingDirectory = resolve(root, train["working-directory"]);
  return {
    name: options.name,
    command: train.command,
    root,
    workingDirectory,
    bundleDir: resolve(root, options.bundleDir ?? DEFAULT_BUNDLE_DIR),
    outputDir: resolve(workingDirectory, options.outputDir ?? DEFAULT_OUTPUT_DIR),
    timeoutMs: durationToMs(train.timeout),
    killGraceMs: train["kill-grace"] * 1000,
    env: train.env,
    params: train.params,
    paramOverrides: options.paramOverrides ?? {},
    metrics: train.metrics,
    predictions: train.predictions,
    curves: train.curves,
    modelFiles: train["model-files"],
    logTailLines: train["log-tail-lines"],
    datasets: config.data.datasets,
    cache: train.cache && {
      paths: train.cache.paths,
      keyFiles: train.cache["key-files"] ?? [],
      keyPrefix: train.cache["key-prefix"],
    },
    runCache: runCacheSettings(train["run-cache"]),
    source: options.source ?? {},
    runner: options.runner ?? describeRunner(),
  };
}

function runCacheSettings(setting: CtrainConfig["train"]["run-cache"]): TrainSettings["runCache"] {
  if (setting === false) return undefined;
  if (setting === true) return { environment: [] };
  return { ...(setting.code ? { code: setting.code } : {}), environment: setting.environment };
}

/**
 * The machine, as GitHub's runner names it (`RUNNER_OS`, `RUNNER_ARCH`, `RUNNER_NAME`) or as Node does locally
 * (a laptop's host name stays out of a record that may be published).
 */
export function describeRunner(env: NodeJS.ProcessEnv = process.env): RunnerInfo {
  const runner: RunnerInfo = { os: env.RUNNER_OS || platform(), arch: env.RUNNER_ARCH || arch() };
  if (env.RUNNER_NAME) runner.name = env.RUNNER_NAME;
  return runner;
}

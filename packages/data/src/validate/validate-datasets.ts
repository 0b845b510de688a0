import { availableParallelism } from "node:os";
import {
  UserError,
  type CtrainConfig,
  type ProfileDocument,
  type ResolvedBaseline,
  type RunSource,
  type ValidationDocument,
} from "@ctrain/core";
import { summarizeResults } from "../checks/results.js";
import type { ShardPlace } from "../checks/key-partitions.js";
import { readBaselineProfile } from "./baseline-profile.js";
import { DatasetThreads, type DatasetThreadJob } from "./dataset-thread.js";
import { OrderedGroups } from "./ordered-groups.js";
import { PROFILE_THREAD_MIN_BYTES, type ProfileThreadOptions } from "./profile-thread.js";
import type { ValidationLog, ValidationProgress } from "./progress-log.js";
import { isOutOfMemory } from "./thread-errors.js";
import { ThreadBudget } from "./thread-budget.js";
import {
  datasetBytes,
  validateDataset,
  type DatasetHooks,
  type DatasetOutcome,
  type DatasetSettings,
} from "./validate-dataset.js";

export interface ValidateDatasetsOptions {
  /** The baseline to compare with (drift, row-count ratio, new labels, `schema: infer`); none on a first run. */
  baseline?: ResolvedBaseline;
  log?: ValidationLog;
  /** Called after every batch read, for progress bars. */
  onProgress?: (progress: ValidationProgress) => void;
  /** Only these datasets of `data.datasets` (default: all). */
  datasets?: readonly string[];
  /** Where relative paths start. Default `process.cwd()`. */
  cwd?: string;
  /** Where repeat checks spill past their memory bound. Default the OS temp folder. */
  tempDir?: string;
  /**
   * With it, large datasets are read and profiled on worker threads as well as this one, which runs the checks: as
   * many threads in all as `data.threads` says, by default every core the machine offers (see `DatasetReading`), and
   * smaller datasets are validated several at once on that many threads. Without it, one thread does everything.
   */
  profileThread?: ProfileThreadOptions;
  /** Who ran the validation, recorded in validation.json. */
  source?: RunSource;
  /**
   * Seed of the profile sketches. Shards of one dataset profiled in separate jobs for a merge should each get their
   * own (e.g. the matrix index) so their samples are independent. Default 0.
   */
  seed?: number;
  /**
   * Validate only this shard's share of each dataset's files (`shardFiles`), or of its records when it has fewer files
   * than shards (`shardPieces`), and save the repeat checks' partitions
   * (key, duplicate rows, unique columns) in `keysDir/<dataset>/` for the merge to find repeats across shards.
   */
  shard?: ShardPlace & { keysDir: string };
  now?: () => Date;
}

export interface ValidationOutcome {
  validation: ValidationDocument;
  /** One per dataset read to the end. */
  profiles: ProfileDocument[];
  /** Input that could not be read (also listed in `validation.errors`); the caller exits non-zero when any. */
  errors: UserError[];
}

const silentLog: ValidationLog = { info: () => undefined, startGroup: () => undefined, endGroup: () => undefined };

/**
 * Validates, profiles and compares with the baseline every configured dataset, each in one streaming pass: checks
 * and profiles are fed the same batches. Bad input (a missing file, a ragged row, an invalid schema file...) does
 * not stop the run: the dataset is reported with what was checked before it, the error is listed, and the other
 * datasets are still validated. Datasets validated at once give the documents and log of a sequential run.
 */
export async function validateDatasets(
  config: CtrainConfig,
  options: ValidateDatasetsOptions = {},
): Promise<ValidationOutcome> {
  const log = options.log ?? silentLog;
  const now = options.now ?? (() => new Date());
  const names = selectDatasets(config, options.datasets);
  const cwd = options.cwd ?? process.cwd();
  const settings: DatasetSettings = { cwd, tempDir: options.tempDir, seed: options.seed, shard: options.shard };
  const threadCount = config.data.threads ?? availableParallelism();
  const oneThreadEach = await datasetsTakingOneThread(names, config, cwd, options.profileThread, threadCount);
  const groups = new OrderedGroups(
    names.map((name) => `Validate dataset ${name}`),
    log,
  );
  const budget = new ThreadBudget(threadCount);
  const threads = options.profileThread && new DatasetThreads(options.profileThread.entry);
  // This thread validates one of the datasets that take a thread each too: one fewer worker to start and warm up.
  let hereFree = true;
  const outcomes = await Promise.all(
    names.map((name, index) =>
      budget.run(oneThreadEach[index] ? 1 : threadCount, async () => {
        const hooks = { ...options, log: groups.logOf(index), now };
        try {
          const baseline = readBaselineProfile(name, options.baseline, hooks.log);
          if (!oneThreadEach[index] || !threads) return await validateDataset(name, config, settings, baseline, hooks);
          if (!hereFree) return await validateOnThreadOrHere(threads, { name, config, settings, baseline }, hooks);
          hereFree = false;
          try {
            return await validateDataset(name, config, settings, baseline, hooks);
          } finally {
            hereFree = true;
          }
        } finally {
          groups.finish(index);
        }
      }),
    ),
  ).finally(() => threads?.close());
  const entries = outcomes.map((outcome) => outcome.entry);
  const profiles = outcomes.flatMap((outcome) => (outcome.profile ? [outcome.profile] : []));
  const errors = outcomes.flatMap((outcome) => (outcome.error ? [outcome.error] : []));
  const results = entries.flatMap((entry) => entry.results);
  const validation: ValidationDocument = {
    schema: "ctrain.validation/v1",
    createdAt: now().toISOString(),
    ...(options.source ? { source: options.source } : {}),
    success: errors.length === 0 && entries.every((entry) => entry.success),
    statistics: summarizeResults(results),
    datasets: entries,
    errors: errors.map((error) => ({
      message: oneLine([error.message, error.hint && `(${error.hint})`].filter(Boolean).join(" "), 4000),
      ...(error.location ? { location: oneLine(error.location, 2000) } : {}),
    })),
  };
  return { validation, profiles, errors };
}

/**
 * Which datasets take one thread each, to be validated at the same time as others: with threads to spare, more than
 * one dataset and an entry to start threads from, those too small for profile threads. The others (all, otherwise)
 * take every thread in turn, as in a sequential run.
 */
async function datasetsTakingOneThread(
  names: readonly string[],
  config: CtrainConfig,
  cwd: string,
  threads: ProfileThreadOptions | undefined,
  threadCount: number,
): Promise<boolean[]> {
  if (!threads || threadCount < 2 || names.length < 2) return names.map(() => false);
  const minBytes = threads.minBytes ?? PROFILE_THREAD_MIN_BYTES;
  return Promise.all(names.map(async (name) => ((await datasetBytes(name, config, cwd)) ?? 0) < minBytes));
}

/**
 * The dataset validated on a thread of its own, its profile stamped here as this thread would; one that outgrew the
 * thread's heap bound is validated again here.
 */
async function validateOnThreadOrHere(
  threads: DatasetThreads,
  job: DatasetThreadJob,
  hooks: DatasetHooks,
): Promise<DatasetOutcome> {
  try {
    const outcome = await threads.validate(job, hooks);
    if (!outcome.profile) return outcome;
    return { ...outcome, profile: { ...outcome.profile, createdAt: hooks.now().toISOString() } };
  } catch (error) {
    if (!isOutOfMemory(error)) throw error;
    hooks.log.info(`${job.name}: the dataset thread outgrew its memory bound; validating again on this thread`);
    const { name, config, settings, baseline } = job;
    return validateDataset(name, config, settings, baseline, hooks);
  }
}

function selectDatasets(config: CtrainConfig, wanted: readonly string[] | undefined): string[] {
  const known = Object.keys(config.data.datasets);
  if (known.length === 0) {
    throw new UserError("no datasets to validate: data.datasets is empty", {
      location: "data.datasets",
      hint: "name each dataset and its files in ctrain.yml, e.g. data: { datasets: { train: { path: data/train.csv } } }",
    });
  }
  if (!wanted || wanted.length === 0) return known;
  const unknown = wanted.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new UserError(`no dataset named ${unknown.map((name) => JSON.stringify(name)).join(", ")} in data.datasets`, {
      location: "datasets",
      hint: `the configured datasets are ${known.join(", ")}`,
    });
  }
  return known.filter((name) => wanted.includes(name));
}

function oneLine(text: string, max: number): string {
  const line = text.replace(/\s*\n\s*/g, " ");
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

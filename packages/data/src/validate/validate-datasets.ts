import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import {
  filesFingerprint,
  UserError,
  isUserError,
  type CheckResult,
  type CtrainConfig,
  type DatasetConfig,
  type ProfileDocument,
  type ResolvedBaseline,
  type RunSource,
  type ValidationDocument,
} from "@ctrain/core";
import { baselineFacts } from "../checks/baseline-facts.js";
import { DatasetChecks, recordedPath, type ColumnResults } from "../checks/dataset-checks.js";
import { emptyColumnResults } from "../checks/table-checks.js";
import { formatCount, resultsPass, summarizeResults } from "../checks/results.js";
import type { DatasetProfile } from "../profile/index.js";
import { resolveDataFiles, resolveReadOptions, type ReadOptions, type ReadProgress } from "@ctrain/readers";
import type { ShardPlace } from "../checks/key-partitions.js";
import { compareWithBaseline, readBaselineProfile } from "./baseline-profile.js";
import type { DriftSection } from "./drift-section.js";
import { FileDigester } from "./file-digests.js";
import { toProfileDocument } from "./profile-documents.js";
import {
  DatasetReading,
  ReadingThreadOutOfMemory,
  type ProfileRequest,
  type ProfileThreadOptions,
} from "./profile-thread.js";
import { ProgressLog, type ValidationLog, type ValidationProgress } from "./progress-log.js";
import { shardFiles } from "./shard-share.js";

/** A document lists at most this many files and columns per dataset (the bundle schema's bounds). */
const MAX_RECORDED_FILES = 10_000;
const MAX_RECORDED_COLUMNS = 10_000;

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
   * many threads in all as `data.threads` says, by default every core the machine offers (see `DatasetReading`).
   * Without it, one thread does everything.
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
   * Validate only this shard's share of each dataset's files (`shardFiles`), and save the repeat checks' partitions
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

type DatasetEntry = ValidationDocument["datasets"][number];

const silentLog: ValidationLog = { info: () => undefined, startGroup: () => undefined, endGroup: () => undefined };

/**
 * Validates, profiles and compares with the baseline every configured dataset, each in one streaming pass: checks
 * and profiles are fed the same batches. Bad input (a missing file, a ragged row, an invalid schema file...) does
 * not stop the run: the dataset is reported with what was checked before it, the error is listed, and the other
 * datasets are still validated.
 */
export async function validateDatasets(
  config: CtrainConfig,
  options: ValidateDatasetsOptions = {},
): Promise<ValidationOutcome> {
  const log = options.log ?? silentLog;
  const now = options.now ?? (() => new Date());
  const entries: DatasetEntry[] = [];
  const profiles: ProfileDocument[] = [];
  const errors: UserError[] = [];
  for (const name of selectDatasets(config, options.datasets)) {
    log.startGroup(`Validate dataset ${name}`);
    try {
      const outcome = await validateDataset(name, config.data.datasets[name]!, config, options, log, now);
      entries.push(outcome.entry);
      if (outcome.profile) profiles.push(outcome.profile);
      if (outcome.error) errors.push(outcome.error);
    } finally {
      log.endGroup();
    }
  }
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

interface DatasetOutcome {
  entry: DatasetEntry;
  profile?: ProfileDocument;
  error?: UserError;
}

async function validateDataset(
  name: string,
  dataset: DatasetConfig,
  config: CtrainConfig,
  options: ValidateDatasetsOptions,
  log: ValidationLog,
  now: () => Date,
): Promise<DatasetOutcome> {
  const cwd = options.cwd ?? process.cwd();
  const started = performance.now();
  const baseline = readBaselineProfile(name, options.baseline, log);
  const read = readOptions(dataset, config, cwd);
  let sources: string | readonly string[] = dataset.path;
  if (options.shard) {
    try {
      const files = shardFiles(await resolveDataFiles(sources, resolveReadOptions(read)), options.shard, name);
      sources = files.map((file) => file.file);
      log.info(`${name}: shard ${options.shard.index}/${options.shard.count}: ${files.length} file(s)`);
    } catch (error) {
      if (!isUserError(error)) throw error;
      log.info(`${name}: ${error.format()}`);
      return { entry: emptyEntry(name), error };
    }
  }
  const request = {
    sources,
    read,
    profile: { sampleSize: config.data.drift["sample-size"], seed: options.seed ?? 0 },
  };
  const progress = new ProgressLog(name, log, options.onProgress);
  const threadCount = config.data.threads ?? availableParallelism();
  const job: DatasetJob = { name, dataset, cwd, request, baseline, options, progress, log, threadCount };
  let pass: ReadPass;
  try {
    pass = await readDataset(job, options.profileThread);
  } catch (error) {
    if (!(error instanceof ReadingThreadOutOfMemory)) throw error;
    log.info(`${name}: the reading thread outgrew its memory bound; reading again on one thread`);
    pass = await readDataset(job, undefined);
  }
  if ("setupError" in pass) return { entry: emptyEntry(name), error: pass.setupError };
  const { checks, digester, outside, bytes, profile, readError, columnResults } = pass;

  if (readError || !profile) {
    const rows = checks.rowCount;
    log.info(`${name}: ${readError!.format()}`);
    log.info(`${name}: stopped after ${formatCount(rows)} rows; the results cover those rows`);
    const results = rows > 0 ? checks.results({ complete: false, columnResults }) : [];
    return {
      entry: { ...emptyEntry(name), rows, columns: checks.columns.slice(0, MAX_RECORDED_COLUMNS), results },
      error: readError,
    };
  }

  const results = [...checks.results({ complete: true, columnResults }), ...emptyColumnResults(profile)];
  const files = await digester.finish();
  if (files.length > MAX_RECORDED_FILES) {
    return {
      entry: emptyEntry(name),
      error: new UserError(
        `dataset ${name} has ${files.length} files; validation.json records at most ${MAX_RECORDED_FILES}`,
        {
          location: `data.datasets.${name}.path`,
          hint: "point the dataset at fewer, larger files (shards), or validate sub-folders as separate datasets",
        },
      ),
    };
  }
  if (outside.length > 0) {
    log.info(
      `${name}: ${outside.length} file(s) outside the working directory are not in the fingerprint: ${outside.slice(0, 3).join(", ")}`,
    );
  }
  const drift = config.data.drift.enabled
    ? compareWithBaseline(name, dataset, config, profile, baseline, log)
    : undefined;
  const datasetDrift = drift?.datasetDrift ?? false;
  const success = resultsPass(results) && !(datasetDrift && config.data.drift["fail-on-drift"]);
  logSummary(name, results, profile.rows, bytes, performance.now() - started, drift, log);
  return {
    entry: {
      name,
      files,
      ...(files.length > 0 ? { fingerprint: filesFingerprint(files) } : {}),
      rows: profile.rows,
      columns: checks.columns.slice(0, MAX_RECORDED_COLUMNS),
      success,
      results,
      ...(drift ? { drift } : {}),
    },
    profile: toProfileDocument(name, profile, files, now()),
  };
}

type ReadPass =
  | { setupError: UserError }
  | {
      checks: DatasetChecks;
      digester: FileDigester;
      outside: string[];
      bytes: number;
      profile?: DatasetProfile;
      readError?: UserError;
      /** Column check results from worker threads; undefined when this thread ran the column checks. */
      columnResults?: ColumnResults;
    };

/** What one dataset's validation works with. */
interface DatasetJob {
  name: string;
  dataset: DatasetConfig;
  cwd: string;
  request: ProfileRequest;
  baseline: ReturnType<typeof readBaselineProfile>;
  options: ValidateDatasetsOptions;
  progress: ProgressLog;
  log: ValidationLog;
  /** Threads in all, this one included. */
  threadCount: number;
}

/**
 * One pass over a dataset: every batch to the checks and the profile. A read error ends the pass with what was checked
 * before it; `ReadingThreadOutOfMemory` means the pass must start over on one thread.
 */
async function readDataset(job: DatasetJob, threads: ProfileThreadOptions | undefined): Promise<ReadPass> {
  const { name, dataset, cwd, request, baseline, options, progress, log } = job;
  const shard = options.shard;
  const checkOptions = {
    name,
    config: dataset,
    cwd,
    tempDir: options.tempDir,
    ...(baseline
      ? { baseline: baselineFacts(baseline.profile, { description: baseline.description, label: dataset.label }) }
      : {}),
    // Threads that run column checks save unique columns' partitions too.
    ...(shard
      ? { partitions: { dir: join(shard.keysDir, name), shard: { index: shard.index, count: shard.count } } }
      : {}),
  };
  let checks: DatasetChecks;
  try {
    checks = await DatasetChecks.create({ ...checkOptions, notice: (message) => log.info(message) });
  } catch (error) {
    if (!isUserError(error)) throw error;
    log.info(`${name}: ${error.format()}`);
    return { setupError: error };
  }
  const reading = new DatasetReading({ ...request, checks: checkOptions }, threads, job.threadCount);
  const digester = new FileDigester();
  const seenFiles = new Set<string>();
  const outside: string[] = [];
  let bytes = 0;
  const onProgress = (report: ReadProgress): void => {
    bytes = report.bytesRead;
    progress.report(report);
  };
  try {
    const share = await reading.start();
    if (share) checks.keepColumnShare(share);
    for await (const batch of reading.batches(onProgress)) {
      if (!seenFiles.has(batch.file)) {
        seenFiles.add(batch.file);
        const recorded = recordedPath(batch.file, cwd);
        if (recorded === undefined) outside.push(batch.file);
        else digester.add(resolve(cwd, batch.file), recorded);
      }
      checks.observe(batch);
    }
    const threading = reading.threading;
    if (threading) {
      const workers = threading.threads - 1;
      log.info(
        threading.mode === "shipping"
          ? `${name}: read on a second thread; ${threading.threads} threads check and profile a share of the columns each, this one checks the rows too`
          : `${name}: rows and a share of the columns checked here; ${workers} more thread(s) read the files too to check and profile the rest`,
      );
    }
    const profile = await reading.profile();
    return { checks, digester, outside, bytes, profile, columnResults: await reading.columnResults() };
  } catch (error) {
    checks.dispose();
    // A bad input stops every thread at the same row: the workers' checks cover the rows checked here.
    const columnResults = isUserError(error) ? await reading.columnResults() : undefined;
    await Promise.all([digester.cancel(), reading.cancel()]);
    if (!isUserError(error)) throw error;
    return { checks, digester, outside, bytes, readError: error, columnResults };
  }
}

function readOptions(dataset: DatasetConfig, config: CtrainConfig, cwd: string): Omit<ReadOptions, "onProgress"> {
  const options: ReadOptions = { cwd, maxLineBytes: config.data["max-line-bytes"], nulBytes: dataset["nul-bytes"] };
  if (dataset.format === "tsv") {
    options.format = "csv";
    options.delimiter = "\t";
  } else if (dataset.format !== "auto") {
    options.format = dataset.format;
  }
  if (dataset.delimiter !== undefined) options.delimiter = dataset.delimiter;
  return options;
}

function logSummary(
  name: string,
  results: readonly CheckResult[],
  rows: number,
  bytes: number,
  elapsedMs: number,
  drift: DriftSection | undefined,
  log: ValidationLog,
): void {
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? ` (${(bytes / 1024 / 1024 / seconds).toFixed(1)} MB/s)` : "";
  const failed = results.filter((result) => !result.success);
  log.info(
    `${name}: ${formatCount(rows)} rows in ${seconds.toFixed(1)}s${rate}; ${results.length} checks, ${failed.length} failed`,
  );
  for (const result of failed)
    log.info(`  ${result.severity === "error" ? "✗" : "!"} ${result.check}: ${result.message}`);
  if (drift) {
    const drifted = drift.columns.filter((column) => column.drifted).map((column) => column.column);
    log.info(
      `${name}: ${drifted.length} of ${drift.columns.length} columns drifted against ${drift.baseline}${drifted.length ? `: ${drifted.join(", ")}` : ""}${drift.datasetDrift ? " (dataset drift)" : ""}`,
    );
  }
}

function emptyEntry(name: string): DatasetEntry {
  return { name, files: [], rows: 0, columns: [], success: false, results: [] };
}

function oneLine(text: string, max: number): string {
  const line = text.replace(/\s*\n\s*/g, " ");
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

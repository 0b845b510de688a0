import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import {
  filesFingerprint,
  UserError,
  isUserError,
  type CheckResult,
  type CtrainConfig,
  type DataFileDigest,
  type DatasetConfig,
  type ProfileDocument,
  type ValidationDocument,
} from "@ctrain/core";
import { baselineFacts } from "../checks/baseline-facts.js";
import { DatasetChecks, recordedPath, type ColumnResults } from "../checks/dataset-checks.js";
import { emptyColumnResults } from "../checks/table-checks.js";
import { formatCount, resultsPass } from "../checks/results.js";
import type { DatasetProfile } from "../profile/index.js";
import {
  resolveDataFiles,
  resolveReadOptions,
  type FilePiece,
  type ReadOptions,
  type ReadProgress,
} from "@ctrain/readers";
import type { ShardPlace } from "../checks/key-partitions.js";
import { compareWithBaseline, type BaselineProfile } from "./baseline-profile.js";
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
import { settleThreads } from "./settle-thread.js";
import { shardFiles, shardPieces } from "./shard-share.js";

/** A document lists at most this many files and columns per dataset (the bundle schema's bounds). */
const MAX_RECORDED_FILES = 10_000;
const MAX_RECORDED_COLUMNS = 10_000;

export type DatasetEntry = ValidationDocument["datasets"][number];

/** Where and how one dataset is validated; plain data, so it crosses to a dataset thread. */
export interface DatasetSettings {
  cwd: string;
  tempDir?: string;
  seed?: number;
  shard?: ShardPlace & { keysDir: string };
}

/** What validating one dataset reports to, and the threads it may read on. */
export interface DatasetHooks {
  log: ValidationLog;
  onProgress?: (progress: ValidationProgress) => void;
  profileThread?: ProfileThreadOptions;
  now: () => Date;
}

export interface DatasetOutcome {
  entry: DatasetEntry;
  profile?: ProfileDocument;
  error?: UserError;
}

/** Validates, profiles and compares with the baseline's profile one dataset of `config`, in one streaming pass. */
export async function validateDataset(
  name: string,
  config: CtrainConfig,
  settings: DatasetSettings,
  baseline: BaselineProfile | undefined,
  hooks: DatasetHooks,
): Promise<DatasetOutcome> {
  const dataset = config.data.datasets[name]!;
  const { cwd, shard } = settings;
  const { log, now } = hooks;
  const started = performance.now();
  const read = readOptions(dataset, config, cwd);
  let sources: string | readonly string[] = dataset.path;
  let pieces: FilePiece[] | undefined;
  if (shard) {
    try {
      const resolved = resolveReadOptions(read);
      const all = await resolveDataFiles(sources, resolved);
      if (all.length >= shard.count) {
        const files = shardFiles(all, shard, name);
        sources = files.map((file) => file.file);
        log.info(`${name}: shard ${shard.index}/${shard.count}: ${files.length} file(s)`);
      } else {
        pieces = await shardPieces(all, shard, name, read, (file) => recordedPath(file.file, cwd) !== undefined);
        log.info(`${name}: shard ${shard.index}/${shard.count}: ${describePieces(pieces)}`);
      }
    } catch (error) {
      if (!isUserError(error)) throw error;
      log.info(`${name}: ${error.format()}`);
      return { entry: emptyEntry(name), error };
    }
  }
  const request: ProfileRequest = {
    sources,
    ...(pieces ? { pieces } : {}),
    read,
    profile: { sampleSize: config.data.drift["sample-size"], seed: settings.seed ?? 0 },
  };
  const progress = new ProgressLog(name, log, hooks.onProgress);
  const threadCount = config.data.threads ?? availableParallelism();
  const job: DatasetJob = { name, dataset, settings, request, baseline, progress, log, threadCount };
  let pass: ReadPass;
  try {
    pass = await readDataset(job, hooks.profileThread);
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
  const files = withRanges(await digester.finish(), pieces, cwd);
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
  settings: DatasetSettings;
  request: ProfileRequest;
  baseline: BaselineProfile | undefined;
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
  const { name, dataset, settings, request, baseline, progress, log } = job;
  const { cwd, shard } = settings;
  const checkOptions = {
    name,
    config: dataset,
    cwd,
    tempDir: settings.tempDir,
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
  const digest = (file: string): void => {
    if (seenFiles.has(file)) return;
    seenFiles.add(file);
    const recorded = recordedPath(file, cwd);
    if (recorded === undefined) outside.push(file);
    else digester.add(resolve(cwd, file), recorded);
  };
  // A shard's piece may hold a file's header and no rows: its range is still part of the file's tiling.
  for (const piece of request.pieces ?? []) digest(piece.file.file);
  let bytes = 0;
  const onProgress = (report: ReadProgress): void => {
    bytes = report.bytesRead;
    progress.report(report);
  };
  try {
    const owner = await reading.start();
    if (owner) checks.keepColumnShare(owner);
    for await (const batch of reading.batches(onProgress)) {
      digest(batch.file);
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
    const columnResults = await reading.columnResults();
    // The threads the dataset was read on are free now: they settle the repeat checks' spilled keys too.
    await checks.settleRepeats(
      threading && threads ? settleThreads(threads.entry, threading.threads, threads.settleStartKeys) : undefined,
    );
    return { checks, digester, outside, bytes, profile, columnResults };
  } catch (error) {
    checks.dispose();
    // A bad input stops every thread at the same row: the workers' checks cover the rows checked here.
    const columnResults = isUserError(error) ? await reading.columnResults() : undefined;
    await Promise.all([digester.cancel(), reading.cancel()]);
    if (!isUserError(error)) throw error;
    return { checks, digester, outside, bytes, readError: error, columnResults };
  }
}

/** The byte ranges a shard read of files it did not read whole, on their digests (which cover whole files). */
function withRanges(files: DataFileDigest[], pieces: readonly FilePiece[] | undefined, cwd: string): DataFileDigest[] {
  if (!pieces) return files;
  const ranges = new Map<string, { start: number; end: number }>();
  for (const { file, start, end } of pieces) {
    const path = recordedPath(file.file, cwd);
    if (path === undefined || (start === 0 && end === file.size)) continue;
    const known = ranges.get(path);
    ranges.set(path, { start: Math.min(start, known?.start ?? start), end: Math.max(end, known?.end ?? end) });
  }
  return files.map((file) => {
    const range = ranges.get(file.path);
    return range ? { ...file, range } : file;
  });
}

/** `data.csv bytes 0-1048576 (from line 1)`, for the log. */
function describePieces(pieces: readonly FilePiece[]): string {
  return pieces
    .map((piece) => `${piece.file.file} bytes ${piece.start}-${piece.end} (from line ${piece.line})`)
    .join(", ");
}

/** How a dataset's files are read, from its config. */
export function readOptions(
  dataset: DatasetConfig,
  config: CtrainConfig,
  cwd: string,
): Omit<ReadOptions, "onProgress"> {
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

/** The bytes of a dataset's files, or undefined when they cannot be listed (validating it reports why). */
export async function datasetBytes(name: string, config: CtrainConfig, cwd: string): Promise<number | undefined> {
  const dataset = config.data.datasets[name]!;
  try {
    const files = await resolveDataFiles(dataset.path, resolveReadOptions(readOptions(dataset, config, cwd)));
    return files.reduce((total, file) => total + file.size, 0);
  } catch (error) {
    if (!isUserError(error)) throw error;
    return undefined;
  }
}

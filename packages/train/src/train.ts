import { mkdir, stat, writeFile } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { constants } from "node:os";
import { Bundle, UserError, formatBytes, formatDuration, type RunDocument, type RunStatus } from "@ctrain/core";
import { collectOutputs, type CollectedOutputs } from "./collect.js";
import { fingerprintDatasets, type DatasetFingerprint } from "./datasets.js";
import { restoreDependencyCache, type DependencyCache } from "./dependency-cache.js";
import type { GpuSampler } from "./gpu.js";
import type { OutputContext } from "./outputs.js";
import { overrideParamsFile, paramsBackupPath, recoverParamsFile, type OverriddenParamsFile } from "./params-file.js";
import { resolveParams, serializeParams, type ResolvedParams } from "./params.js";
import { runCommand, type CommandOutcome } from "./run-command.js";
import { openRunCache, type RunCacheHooks } from "./run-cache.js";
import type { TrainSettings } from "./settings.js";

export interface TrainingHooks {
  log?: (line: string) => void;
  /** Things a person should act on (pickle files, outputs missing after a failure); the action annotates them. */
  warn?: (line: string) => void;
  /** Wraps the command's live output, e.g. in a foldable log group. */
  group?: <T>(title: string, body: () => Promise<T>) => Promise<T>;
  /** Where the command's output goes live. */
  output?: NodeJS.WritableStream;
  /** Cancels the run: the process tree is stopped and the record says `cancelled`. */
  signal?: AbortSignal;
  cache?: DependencyCache;
  /** Where results of identical runs are kept; with settings.runCache, a hit skips the command. */
  runCache?: RunCacheHooks;
  gpu?: GpuSampler;
  sampleIntervalMs?: number;
}

export interface TrainingResult {
  run: RunDocument;
  /** run.json's path. */
  runFile: string;
  /** The exit code the step should end with: the command's, 124 for a timeout, 130 for a cancellation. */
  exitCode: number;
  /** Why a run whose command succeeded still failed (a missing metrics file, ...). */
  error?: UserError;
}

/** `timeout(1)`'s exit code for a timed-out command, and the shell's for an interrupted one. */
export const TIMED_OUT_EXIT_CODE = 124;
export const CANCELLED_EXIT_CODE = 130;

/**
 * Runs the training command and records what it produced in the bundle's run.json. A failing, timed-out or
 * cancelled command is a result too: it is recorded (status, exit code, log tail, whatever outputs exist) and
 * returned, not thrown. Errors before the command starts (bad params, missing data) are thrown as UserErrors.
 */
export async function runTraining(settings: TrainSettings, hooks: TrainingHooks = {}): Promise<TrainingResult> {
  const log = hooks.log ?? (() => undefined);
  const warn = hooks.warn ?? log;
  const group = hooks.group ?? (<T>(_title: string, body: () => Promise<T>) => body());
  const createdAt = new Date();
  const root = settings.root;

  await checkWorkingDirectory(settings);
  if (typeof settings.params === "string") recoverParamsFile(resolve(settings.workingDirectory, settings.params), warn);
  const params = await resolveParams(settings.params, settings.paramOverrides, settings.workingDirectory);
  for (const warning of params.warnings) warn(warning);
  await mkdir(settings.outputDir, { recursive: true });
  const paramsFile = join(settings.outputDir, "params.json");
  await writeFile(paramsFile, serializeParams(params.tree));
  const datasets = await fingerprintDatasets(settings.datasets, root, log);
  for (const dataset of datasets)
    log(`dataset ${dataset.name}: ${dataset.files.length} file(s), fingerprint ${dataset.fingerprint}`);

  const runCache = await openRunCache(settings, hooks.runCache, { params: params.flat, datasets }, log, warn);
  const cached = await runCache?.restore();
  if (cached) {
    const written = writeRunRecord(settings.bundleDir, cached);
    return { run: written.run, runFile: written.file, exitCode: 0, ...(written.error ? { error: written.error } : {}) };
  }

  const cacheRecord = hooks.cache && (await restoreDependencyCache(settings, hooks.cache, datasets, log));

  const env: NodeJS.ProcessEnv = {
    ...inheritedEnvironment(process.env),
    // Python buffers output written to a pipe; unbuffered, the log shows training as it happens.
    PYTHONUNBUFFERED: process.env.PYTHONUNBUFFERED ?? "1",
    ...settings.env,
    CTRAIN_OUTPUT_DIR: settings.outputDir,
    CTRAIN_PARAMS_FILE: paramsFile,
    CTRAIN_RUN_NAME: settings.name,
  };
  const overridden = overrideParamsFileForRun(settings, params, log);
  let outcome: CommandOutcome;
  try {
    outcome = await group(`train: ${firstLine(settings.command)}`, () =>
      runCommand(
        {
          command: settings.command,
          cwd: settings.workingDirectory,
          env,
          timeoutMs: settings.timeoutMs,
          killGraceMs: settings.killGraceMs,
          logTailLines: settings.logTailLines,
        },
        { output: hooks.output, signal: hooks.signal, log, gpu: hooks.gpu, sampleIntervalMs: hooks.sampleIntervalMs },
      ),
    );
  } finally {
    if (overridden) restoreParamsFile(overridden, params.file!, warn);
  }
  log(describeOutcome(outcome));

  const context: OutputContext = {
    root,
    workingDirectory: settings.workingDirectory,
    startedAtMs: outcome.startedAt.getTime(),
    ownFiles: new Set([paramsFile]),
  };
  let outputs: CollectedOutputs;
  try {
    outputs = await collectOutputs(settings, context, { cancelled: outcome.status === "cancelled", log });
  } catch (bug) {
    // A bug in ctrain, not in the outputs: the record of the training that ran is still written, then it surfaces.
    const problem = new UserError(`ctrain could not collect the outputs: ${(bug as Error).message ?? String(bug)}`);
    writeRunRecord(settings.bundleDir, {
      ...runRecord(settings, createdAt, outcome, params, datasets),
      status: "failed",
      errors: [recordedProblem(problem)],
    });
    throw bug;
  }
  const { problems, modelFiles } = outputs;

  let status: RunStatus = outcome.status;
  let error: UserError | undefined;
  if (status === "succeeded" && problems.length > 0) {
    status = "failed";
    error = combineProblems(problems);
  } else {
    for (const problem of problems) warn(`after the ${status} command: ${problem.format()}`);
  }
  if (Object.keys(outputs.metrics).length > 0) log(`metrics: ${describeMetrics(outputs.metrics)}`);
  for (const file of modelFiles.filter((model) => model.pickle)) {
    warn(`${file.path} is a pickle-based file: loading it runs code, so load it only from a source you trust`);
  }
  if (modelFiles.length > 0) {
    log(`model files: ${modelFiles.length} (${formatBytes(modelFiles.reduce((sum, file) => sum + file.bytes, 0))})`);
  }

  if (status === "succeeded" && cacheRecord && cacheRecord.hit !== "exact" && hooks.cache && settings.cache) {
    await hooks.cache.save(settings.cache.paths, cacheRecord);
  }

  const run: RunDocument = {
    ...runRecord(settings, createdAt, outcome, params, datasets),
    status,
    metrics: outputs.metrics,
    metricFiles: outputs.metricFiles,
    curves: outputs.curves,
    ...(outputs.predictions ? { predictions: outputs.predictions } : {}),
    model: { files: modelFiles },
    ...(cacheRecord ? { cache: cacheRecord } : {}),
    ...(problems.length > 0 ? { errors: problems.slice(0, RUN_ERRORS_MAX).map(recordedProblem) } : {}),
  };
  const written = writeRunRecord(settings.bundleDir, run);
  if (written.error) {
    status = "failed";
    error = error ?? written.error;
  }
  const runFile = written.file;
  await runCache?.save(written.run);
  log(`run record: ${relative(process.cwd(), runFile) || runFile}`);
  return { run: written.run, runFile, exitCode: stepExitCode(status, outcome), ...(error ? { error } : {}) };
}

/** The parts of run.json known once the command has run, whatever happens to its outputs. */
function runRecord(
  settings: TrainSettings,
  createdAt: Date,
  outcome: CommandOutcome,
  params: ResolvedParams,
  datasets: DatasetFingerprint[],
): RunDocument {
  return {
    schema: "ctrain.run/v1",
    name: settings.name,
    createdAt: createdAt.toISOString(),
    finishedAt: new Date().toISOString(),
    source: settings.source,
    runner: settings.runner,
    command: settings.command,
    workingDirectory: relative(settings.root, settings.workingDirectory).split(sep).join("/") || ".",
    status: outcome.status,
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    logTail: outcome.logTail,
    params: params.flat,
    metrics: {},
    metricFiles: [],
    curves: [],
    datasets: datasets.map(({ name, fingerprint, files }) => ({ name, fingerprint, files })),
    model: { files: [] },
    resources: outcome.resources,
    verdicts: {},
  };
}

/** run.json's `errors` holds this many; the step's error message names the first. */
const RUN_ERRORS_MAX = 100;

function recordedProblem(problem: UserError): { message: string; location?: string } {
  const message = problem.hint ? `${problem.message} (hint: ${problem.hint})` : problem.message;
  return {
    message: message.slice(0, 4000),
    ...(problem.location ? { location: problem.location.slice(0, 2000) } : {}),
  };
}

/**
 * Writes run.json. Should the record not fit its schema (a bug: collection checks every limit), the record is
 * written without what was collected from the outputs, as failed with the reason, rather than lost.
 */
function writeRunRecord(bundleDir: string, run: RunDocument): { file: string; run: RunDocument; error?: UserError } {
  const bundle = new Bundle(bundleDir);
  try {
    return { file: bundle.write("run", run), run };
  } catch (cause) {
    const error = new UserError(`the run record could not hold what was collected: ${(cause as Error).message}`, {
      hint: "run.json was written without the metrics, curves, predictions and model files; please report this",
      cause,
    });
    const reduced: RunDocument = {
      ...run,
      status: "failed",
      metrics: {},
      metricFiles: [],
      curves: [],
      predictions: undefined,
      model: { files: [] },
      errors: [recordedProblem(error)],
    };
    return { file: bundle.write("run", reduced), run: reduced, error };
  }
}

/** A working directory that is not there is a setting to fix, not a folder to create. */
async function checkWorkingDirectory(settings: TrainSettings): Promise<void> {
  const info = await stat(settings.workingDirectory).catch(() => undefined);
  if (info?.isDirectory()) return;
  const shown = relative(settings.root, settings.workingDirectory) || settings.workingDirectory;
  throw new UserError(`the working directory ${shown} ${info ? "is not a folder" : "does not exist"}`, {
    location: "train.working-directory",
    hint: "set train.working-directory (or the `working-directory` input) to a folder of the checked-out repository",
  });
}

/** With overrides of a params file, the command reads the effective params from that file too, as with DVC. */
function overrideParamsFileForRun(
  settings: TrainSettings,
  params: ResolvedParams,
  log: (line: string) => void,
): OverriddenParamsFile | undefined {
  if (params.file === undefined || Object.keys(settings.paramOverrides).length === 0) return undefined;
  const overridden = overrideParamsFile(params.file, settings.paramOverrides, params.tree);
  const shown = relative(process.cwd(), params.file) || params.file;
  log(
    `params: the overrides are written into ${shown} for this run` +
      (overridden.layoutKept ? "" : " (its comments and layout could not be kept)") +
      "; the original is restored afterwards",
  );
  return overridden;
}

/** A failed restore must not lose the run record: the backup stays, and the next run restores from it. */
function restoreParamsFile(overridden: OverriddenParamsFile, file: string, warn: (line: string) => void): void {
  try {
    overridden.restore();
  } catch (error) {
    warn(
      `could not restore ${file} after the run (${(error as Error).message}); its original is in ${paramsBackupPath(file)}, which the next run restores`,
    );
  }
}

function stepExitCode(status: RunStatus, outcome: CommandOutcome): number {
  if (status === "succeeded") return 0;
  if (status === "timed-out") return TIMED_OUT_EXIT_CODE;
  if (status === "cancelled") return CANCELLED_EXIT_CODE;
  if (outcome.exitCode !== null && outcome.exitCode !== 0) return outcome.exitCode;
  const signalNumber = outcome.signal ? constants.signals[outcome.signal as NodeJS.Signals] : undefined;
  return signalNumber ? 128 + signalNumber : 1;
}

function combineProblems(problems: UserError[]): UserError {
  const [first, ...rest] = problems as [UserError, ...UserError[]];
  if (rest.length === 0) return first;
  return new UserError(first.message, {
    location: first.location,
    hint: [first.hint, `also: ${rest.map((problem) => problem.format()).join("; ")}`].filter(Boolean).join("\n  "),
  });
}

function describeOutcome(outcome: CommandOutcome): string {
  const { resources } = outcome;
  const parts = [`wall ${formatDuration(resources.wallSeconds)}`];
  if (resources.cpuSeconds !== undefined) parts.push(`CPU ${formatDuration(resources.cpuSeconds)}`);
  if (resources.peakRssBytes !== undefined) parts.push(`peak memory ${formatBytes(resources.peakRssBytes)}`);
  if (resources.gpu) {
    const memory = resources.gpu.peakMemoryBytes;
    parts.push(`GPU ${resources.gpu.name}${memory === undefined ? "" : `, peak ${formatBytes(memory)}`}`);
  }
  const ending =
    outcome.status === "succeeded"
      ? "succeeded"
      : outcome.status === "failed"
        ? `failed with exit code ${outcome.exitCode ?? "-"}${outcome.signal ? ` (${outcome.signal}${outcome.signal === "SIGKILL" ? ", often the out-of-memory killer" : ""})` : ""}`
        : outcome.status;
  return `command ${ending} (${parts.join(", ")})`;
}

function describeMetrics(metrics: Record<string, unknown>): string {
  const entries = Object.entries(metrics);
  const shown = entries.slice(0, 20).map(([key, value]) => `${key}=${String(value)}`);
  return shown.join(", ") + (entries.length > 20 ? ` and ${entries.length - 20} more` : "");
}

function firstLine(command: string): string {
  const line = command.trim().split("\n")[0] ?? "";
  return command.trim().includes("\n") ? `${line} ...` : line;
}

/**
 * The environment the command inherits, as a workflow's `run:` step would have it: without the step's inputs and
 * without the Actions runtime credentials (artifact and cache tokens), which the runner gives JavaScript actions
 * only; training code and its dependencies must not be able to write caches or artifacts behind ctrain's back.
 */
export function inheritedEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => !name.startsWith("INPUT_") && !ACTIONS_RUNTIME_VARIABLES.has(name)),
  );
}

const ACTIONS_RUNTIME_VARIABLES: ReadonlySet<string> = new Set([
  "ACTIONS_RUNTIME_TOKEN",
  "ACTIONS_RUNTIME_URL",
  "ACTIONS_RESULTS_URL",
  "ACTIONS_CACHE_URL",
  "ACTIONS_CACHE_SERVICE_V2",
]);

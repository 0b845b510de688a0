import {
  Bundle,
  UserError,
  type BaselineSource,
  type CtrainConfig,
  type ResolvedBaseline,
  type RunSource,
  type StepVerdict,
  type ValidationDocument,
} from "@ctrain/core";
import { join } from "node:path";
import type { ProfileThreadOptions, ValidationLog, ValidationProgress } from "./validate/index.js";
import { KEYS_FOLDER } from "./validate/key-join.js";
import { parseShard } from "./validate/shard-share.js";
import { mergeShardProfiles, validateDatasets, type ValidationOutcome } from "./validate/index.js";

export interface ValidateStepOptions {
  config: CtrainConfig;
  /** validation.json and the profiles go here. */
  bundleDir: string;
  /** Where the baseline's profiles come from (drift, row-count ratio, `schema: infer`); none for `baseline: none`. */
  baselines: BaselineSource;
  /** Where relative dataset paths and shard patterns start. */
  cwd: string;
  source?: RunSource;
  log: ValidationLog;
  /** Only these datasets of `data.datasets` (default: all). */
  datasets?: readonly string[];
  /** Merge these shard bundle folders (or globs) instead of reading the datasets. */
  mergeShards?: readonly string[];
  /**
   * Validate one shard, `i/N`: the i-th of N contiguous shares of each dataset's files, with the repeat checks'
   * partitions (key, duplicate rows, unique columns) saved in the bundle (keys/<dataset>/) for the merge.
   */
  shard?: string;
  /** Whether failed error-severity checks fail the step (default true); unreadable input and drift fail it anyway. */
  failOnError?: boolean;
  tempDir?: string;
  seed?: number;
  profileThread?: ProfileThreadOptions;
  onProgress?: (progress: ValidationProgress) => void;
}

export interface ValidateStepResult extends ValidationOutcome {
  /** Where validation.json was written. */
  reportPath: string;
  verdict: StepVerdict;
  /** The step's outputs, as the action declares them. */
  outputs: { passed: boolean; "failed-checks": number; "drifted-columns": string; "report-path": string };
}

/** How many failed checks the verdict names before "…". */
const NAMED_CHECKS = 3;

/**
 * The validate step, the same in the action and the CLI: resolve the baseline for drift, validate (or merge shard
 * profiles), write validation.json and the profiles, and decide from `validation.success`.
 */
export async function runValidateStep(options: ValidateStepOptions): Promise<ValidateStepResult> {
  const { config, log } = options;
  const shard = options.shard === undefined ? undefined : parseShard(options.shard);
  if (shard && options.mergeShards) {
    throw new UserError("shard and merge-profiles cannot be given together", {
      location: "shard",
      hint: "the matrix jobs validate with `shard: i/N`; the job after them merges with `merge-profiles`",
    });
  }
  const common = {
    baseline: await driftBaseline(options.baselines, config.compare.baseline, log),
    log,
    datasets: options.datasets,
    cwd: options.cwd,
    source: options.source,
  };
  const outcome = options.mergeShards
    ? await mergeShardProfiles(config, options.mergeShards, common)
    : await validateDatasets(config, {
        ...common,
        tempDir: options.tempDir,
        // Each shard samples independently of the others, however the seed was given.
        seed: (options.seed ?? 0) + (shard ? shard.index - 1 : 0),
        ...(shard ? { shard: { ...shard, keysDir: join(options.bundleDir, KEYS_FOLDER) } } : {}),
        profileThread: options.profileThread,
        onProgress: options.onProgress,
      });
  const bundle = new Bundle(options.bundleDir);
  const reportPath = bundle.write("validation", outcome.validation);
  for (const profile of outcome.profiles) bundle.writeProfile(profile);
  const verdict = validationVerdict(outcome, config, options.failOnError ?? true);
  return { ...outcome, reportPath, verdict, outputs: validationOutputs(outcome.validation, reportPath) };
}

function validationOutputs(validation: ValidationDocument, reportPath: string): ValidateStepResult["outputs"] {
  const drifted = validation.datasets.flatMap(({ name, drift }) =>
    (drift?.columns ?? []).filter((column) => column.drifted).map((column) => `${name}.${column.column}`),
  );
  const failed = validation.statistics.unsuccessful_expectations;
  return {
    passed: validation.success,
    "failed-checks": failed,
    "drifted-columns": drifted.join(","),
    "report-path": reportPath,
  };
}

/** The baseline whose profiles the data is compared with; undefined when there is none (the log says why). */
async function driftBaseline(
  baselines: BaselineSource,
  spec: string,
  log: ValidationLog,
): Promise<ResolvedBaseline | undefined> {
  if (spec === "none") return undefined;
  const baseline = await baselines.resolve(spec);
  log.info(`baseline: ${baseline.origin.description}`);
  for (const note of baseline.origin.notes) log.info(`  ${note}`);
  return baseline.origin.kind === "none" ? undefined : baseline;
}

/**
 * `validation.success` decides, except that with fail-on-error off failed checks alone pass (the report shows them).
 * Unreadable input fails it; the host throws the error itself, which says more.
 */
function validationVerdict(outcome: ValidationOutcome, config: CtrainConfig, failOnError: boolean): StepVerdict {
  const { validation, errors } = outcome;
  if (validation.success) return { passed: true, reasons: [], warnings: [] };
  const failing = validation.datasets.flatMap((dataset) =>
    dataset.results.filter((result) => result.severity === "error" && !result.success),
  );
  const named = failing
    .slice(0, NAMED_CHECKS)
    .map((result) => `${result.check}${result.column ? ` (${result.column})` : ""}`);
  const checks =
    failing.length > 0
      ? [`${failing.length} check(s) failed: ${named.join(", ")}${failing.length > NAMED_CHECKS ? ", …" : ""}`]
      : [];
  const drift =
    config.data.drift["fail-on-drift"] && validation.datasets.some((dataset) => dataset.drift?.datasetDrift)
      ? ["the data drifted (fail-on-drift)"]
      : [];
  const unreadable = errors.length > 0 ? [`${errors.length} dataset(s) could not be read`] : [];
  if (!failOnError && unreadable.length === 0 && drift.length === 0) return { passed: true, reasons: [], warnings: [] };
  return { passed: false, reasons: [...unreadable, ...checks, ...drift], warnings: [] };
}

import { z } from "zod";
import { REGEX_SYNTAX_HINT, regexProblem } from "../regex.js";

/** Names users give to models, datasets and runs end up in tags, artifact names and file names. */
const SafeName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
    "a name of letters, digits, '.', '_' or '-' (at most 100, starting with a letter or digit)",
  );

/**
 * A section whose keys all have defaults (or are optional): left out, it is what parsing `{}` gives, so each default
 * is written once, on its key.
 */
function withDefaults<T extends z.ZodObject>(section: T) {
  return section.default(section.parse({}) as z.util.NoUndefined<z.output<T>>);
}

const Severity = z.enum(["error", "warn"]);
const Mostly = z.number().min(0).max(1);
const Direction = z.enum(["higher", "lower"]);

/** `30s`, `90m`, `2h` or a number of minutes. */
export const Duration = z.union([
  z.number().positive(),
  z.string().regex(/^\d+(\.\d+)?\s*(s|m|h)$/, "a duration like 30s, 90m or 2h"),
]);

export function durationToMs(value: z.infer<typeof Duration>): number {
  if (typeof value === "number") return value * 60_000;
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h)$/.exec(value);
  if (!match) throw new Error(`not a duration: ${value}`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as "s" | "m" | "h"];
  return Number(match[1]) * unit;
}

const StringList = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .transform((v) => (Array.isArray(v) ? v : [v]));

/** Drift test override for one column; `auto` is Evidently's choice by type and baseline size. */
export const DriftTestName = z.enum([
  "auto",
  "ks",
  "chi-square",
  "z-test",
  "wasserstein",
  "jensen-shannon",
  "psi",
  "l-infinity",
  "none",
]);

export const ColumnRules = z.strictObject({
  type: z.enum(["integer", "float", "number", "boolean", "string", "timestamp"]).optional(),
  required: z.boolean().default(true),
  "max-null-share": z.number().min(0).max(1).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  "allow-nan": z.boolean().default(false),
  "allowed-values": z.array(z.union([z.string(), z.number(), z.boolean()])).optional(),
  regex: z
    .string()
    .superRefine((pattern, context) => {
      const problem = regexProblem(pattern);
      if (problem)
        context.addIssue({
          code: "custom",
          message: `not a usable regular expression (${problem}); ${REGEX_SYNTAX_HINT}`,
        });
    })
    .optional(),
  "min-length": z.number().int().min(0).optional(),
  "max-length": z.number().int().min(0).optional(),
  unique: z.boolean().default(false),
  mostly: Mostly.optional(),
  severity: Severity.optional(),
  drift: z
    .strictObject({
      test: DriftTestName.default("auto"),
      threshold: z.number().positive().optional(),
    })
    .optional(),
});

export const DatasetConfig = z.strictObject({
  path: StringList,
  format: z.enum(["auto", "csv", "tsv", "jsonl", "parquet"]).default("auto"),
  delimiter: z.string().length(1).optional(),
  "nul-bytes": z.enum(["error", "keep"]).default("error"),
  /** A JSON Schema file for each row, or `infer` to derive one from the baseline's profile as TFDV does. */
  schema: z.string().optional(),
  label: z.string().optional(),
  key: StringList.optional(),
  columns: z.record(z.string(), ColumnRules).default({}),
  "unexpected-columns": z.enum(["error", "warn", "ignore"]).default("warn"),
  rows: z
    .strictObject({
      min: z.number().int().min(0).optional(),
      max: z.number().int().min(0).optional(),
      "min-ratio-to-baseline": z.number().min(0).optional(),
      "max-ratio-to-baseline": z.number().min(0).optional(),
    })
    .default({}),
  "duplicate-rows": z.enum(["error", "warn", "ignore"]).default("warn"),
  "label-checks": withDefaults(
    z.strictObject({
      "min-class-share": z.number().min(0).max(1).optional(),
      "new-labels": z.enum(["error", "warn", "ignore"]).default("error"),
      "conflicting-labels": z.enum(["error", "warn", "ignore"]).default("warn"),
    }),
  ),
  mostly: Mostly.default(1),
  severity: Severity.default("error"),
});

export const DataConfig = z.strictObject({
  datasets: z.record(SafeName, DatasetConfig).default({}),
  drift: withDefaults(
    z.strictObject({
      enabled: z.boolean().default(true),
      /** Dataset drift when the share of drifted columns reaches this (Evidently: 0.5). */
      "dataset-share": z.number().min(0).max(1).default(0.5),
      /** Raw values kept per column for tests that need them (KS); 50k keeps a profile near 0.5 MB per numeric column. */
      "sample-size": z.number().int().min(100).max(1_000_000).default(50_000),
      "fail-on-drift": z.boolean().default(false),
    }),
  ),
  "max-line-bytes": z
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  /** Threads validate reads and checks with; default: the cores the machine offers (`os.availableParallelism()`). */
  threads: z.number().int().min(1).max(1024).optional(),
});

export const MetricGate = z
  .strictObject({
    direction: Direction.default("higher"),
    /** Value threshold, inclusive. */
    min: z.number().optional(),
    max: z.number().optional(),
    /** Change threshold on candidate - baseline; negative = may regress at most this much, positive = must improve by. */
    change: z
      .strictObject({
        absolute: z.number().optional(),
        relative: z.number().optional(),
      })
      .optional(),
    /**
     * Which test against the change bound decides the gate, at `alpha`: `regression` fails only a significant
     * violation (one-sided), `improvement` passes only a significant clearance (one-sided), `both` is two-sided.
     */
    significance: z.enum(["none", "regression", "improvement", "both"]).default("none"),
    alpha: z.number().gt(0).lt(1).default(0.05),
  })
  .refine((gate) => gate.min === undefined || gate.max === undefined || gate.min <= gate.max, {
    message: "min must not be greater than max",
  });

export const BaselineSpec = z
  .string()
  .regex(
    /^(auto|none|branch:.+|release:.+|run:\d+|git:.+|path:.+)$/,
    "auto, none, branch:<name>, release:<tag|latest>, run:<id>, git:<ref> or path:<folder>",
  );

export const TrainConfig = z.strictObject({
  command: z.string().min(1).optional(),
  "working-directory": z.string().default("."),
  timeout: Duration.default("6h"),
  /** Seconds between TERM and KILL when the timeout ends the process tree. */
  "kill-grace": z.number().min(0).max(600).default(10),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name"), z.string()).default({}),
  params: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  metrics: StringList.optional(),
  predictions: z.string().optional(),
  curves: StringList.optional(),
  "model-files": StringList.optional(),
  "log-tail-lines": z.number().int().min(0).max(1000).default(50),
  cache: z
    .strictObject({
      paths: StringList,
      "key-files": StringList.optional(),
      "key-prefix": z.string().optional(),
    })
    .optional(),
  /** Skip training when command, code, data, params, lockfiles, platform and declared environment are unchanged. */
  "run-cache": z
    .union([
      z.boolean(),
      z.strictObject({
        /** Paths whose files fingerprint the code; default: every file git tracks. */
        code: StringList.optional(),
        /** Environment variables whose values also decide the result (CUDA_VERSION, ...). */
        environment: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name")).default([]),
      }),
    ])
    .default(true),
});

export const CompareConfig = z.strictObject({
  baseline: BaselineSpec.default("auto"),
  metrics: z.record(z.string().min(1), MetricGate).default({}),
  "fail-on-regression": z.boolean().default(true),
  "show-unchanged": z.boolean().default(false),
  bootstrap: withDefaults(
    z.strictObject({
      resamples: z.number().int().min(100).max(100_000).default(2000),
      seed: z.number().int().default(20240601),
    }),
  ),
  /** Without paired predictions, the base branch's run-to-run spread (1.4826 x MAD) tests a change. */
  "noise-band": withDefaults(z.strictObject({ "min-runs": z.number().int().min(2).default(3) })),
  /** How to read the predictions file train recorded; ctrain evaluates it and pairs baseline and candidate rows. */
  predictions: withDefaults(
    z.strictObject({
      /** `classification` is binary or multiclass by the labels; `auto` also reads the task off the file's columns. */
      task: z
        .enum(["auto", "classification", "binary", "multiclass", "multilabel", "regression", "quantile", "ranking"])
        .default("auto"),
      "y-true": z.string().min(1).default("y_true"),
      "y-pred": z.string().min(1).default("y_pred"),
      score: z.string().min(1).default("score"),
      "proba-prefix": z.string().min(1).default("proba_"),
      "positive-label": z.union([z.string(), z.number()]).optional(),
      /** One column, or a list whose entries are columns or lists of columns to cross (`[country, [country, plan]]`). */
      slice: z
        .union([z.string().min(1), z.array(z.union([z.string().min(1), z.array(z.string().min(1)).min(2)])).min(1)])
        .optional(),
      "min-slice-rows": z.number().int().min(1).default(30),
      /** Cut-offs of top-k accuracy (default 3) and of ranking's NDCG@k and MAP@k (default 10). */
      k: z.array(z.number().int().min(1)).min(1).optional(),
      /** Ranking: the column naming each row's query. */
      group: z.string().min(1).default("query_id"),
      "quantile-prefix": z.string().min(1).default("quantile_"),
      /** The column naming each row (e.g. `id`): baseline and candidate rows pair by it, whatever their order. */
      key: z.string().min(1).optional(),
    }),
  ),
  /** The metric that ranks a sweep's runs. */
  objective: z.strictObject({ metric: z.string().min(1), direction: Direction.default("higher") }).optional(),
  /** The workflow whose runs hold baselines (file name or id); defaults to the current workflow. */
  workflow: z.string().optional(),
});

export const ReportConfig = z.strictObject({
  id: SafeName.default("ctrain"),
  comment: z.enum(["sticky", "new", "off"]).default("sticky"),
  "commit-comment": z.boolean().default(false),
  "check-run": z.boolean().default(true),
  "max-comment-chars": z.number().int().min(1000).max(65_536).default(60_000),
  charts: z.boolean().default(true),
  "trend-runs": z.number().int().min(0).max(100).default(20),
});

export const PublishConfig = z.strictObject({
  approval: z
    .string()
    .regex(/^(review|environment|none|label:.+)$/, "review, label:<name>, environment or none")
    .default("review"),
  "required-approvals": z.number().int().min(1).max(20).default(1),
  bump: z.enum(["major", "minor", "patch"]).default("minor"),
  version: z.string().optional(),
  "make-latest": z.enum(["true", "false", "legacy"]).default("true"),
  attest: z.boolean().default(false),
  prerelease: z.boolean().default(false),
  /** Folder of the local model registry used by the CLI. */
  registry: z.string().default(".ctrain-store/registry"),
});

/** A limit on one model-test figure; the figure must not exceed it. */
const Budget = z.number().positive().optional();

export const ModelTestConfig = z
  .strictObject({
    /** A command string (run by bash, like train.command) or an argv array run without a shell. */
    command: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    "working-directory": z.string().default("."),
    inputs: z.string().min(1),
    format: z.enum(["auto", "csv", "jsonl"]).default("auto"),
    contract: z
      .strictObject({
        schema: z.string().min(1).optional(),
        expected: z.string().min(1).optional(),
        "absolute-tolerance": z.number().min(0).default(1e-8),
        "relative-tolerance": z.number().min(0).default(1e-5),
      })
      .refine((contract) => contract.schema !== undefined || contract.expected !== undefined, {
        message: "name a JSON Schema file (`schema`), a CSV of expected outputs (`expected`), or both",
      })
      .optional(),
    requests: z.number().int().min(1).max(100_000).default(100),
    "warm-up": z.number().int().min(0).max(10_000).default(10),
    "ready-timeout": Duration.default("2m"),
    "request-timeout": Duration.default("30s"),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name"), z.string()).default({}),
    image: z.string().min(1).optional(),
    budgets: z
      .strictObject({
        "p50-ms": Budget,
        "p95-ms": Budget,
        "p99-ms": Budget,
        "cold-start-ms": Budget,
        "peak-memory-mb": Budget,
        "model-size-mb": Budget,
      })
      .default({}),
  })
  .refine((test) => test.image === undefined || test.budgets["peak-memory-mb"] === undefined, {
    message: "peak-memory-mb cannot be gated with `image`: the container's memory is outside the measured process tree",
    path: ["budgets", "peak-memory-mb"],
  });

export const ModelConfig = z.strictObject({
  name: SafeName,
  task: z.string().default("tabular-classification"),
  description: z.string().optional(),
  "intended-use": z.string().optional(),
  limitations: z.string().optional(),
  license: z.string().optional(),
});

export const CtrainConfig = z.strictObject({
  version: z.literal(1).default(1),
  model: ModelConfig.optional(),
  data: withDefaults(DataConfig),
  train: withDefaults(TrainConfig),
  compare: withDefaults(CompareConfig),
  report: withDefaults(ReportConfig),
  publish: withDefaults(PublishConfig),
  "model-test": ModelTestConfig.optional(),
});

export type CtrainConfig = z.output<typeof CtrainConfig>;
export type CtrainConfigInput = z.input<typeof CtrainConfig>;
export type DatasetConfig = z.output<typeof DatasetConfig>;
export type ColumnRules = z.output<typeof ColumnRules>;
export type MetricGateConfig = z.output<typeof MetricGate>;
export type TrainConfig = z.output<typeof TrainConfig>;
export type CompareConfig = z.output<typeof CompareConfig>;
export type ReportConfig = z.output<typeof ReportConfig>;
export type PublishConfig = z.output<typeof PublishConfig>;
export type ModelConfig = z.output<typeof ModelConfig>;
export type ModelTestConfig = z.output<typeof ModelTestConfig>;

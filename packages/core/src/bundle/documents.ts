import { z } from "zod";
import { MODEL_FILES_MAX, RUN_METRICS_MAX, RUN_PARAMS_MAX } from "../limits.js";
import { RecordedValue } from "./values.js";

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, "a lowercase hex sha256");
const IsoTime = z.iso.datetime({ offset: true });
/** A path inside the bundle or workspace: relative, forward slashes, never escaping upward. */
export const RelativePath = z
  .string()
  .min(1)
  .max(1024)
  .refine((path) => !path.startsWith("/") && !/^[A-Za-z]:/.test(path) && !path.split(/[\\/]/).includes(".."), {
    message: "a relative path that stays inside its folder",
  });

export const FileDigest = z.strictObject({
  path: RelativePath,
  bytes: z.number().int().min(0),
  sha256: Sha256,
});
export type FileDigest = z.infer<typeof FileDigest>;

/**
 * A dataset's file as validation and profiles record it. `range`: a shard of a sharded validation read only the records
 * in bytes [start, end) of the file (the digest is still of the whole file); the merge checks that the shards' ranges
 * tile it.
 */
export const DataFileDigest = FileDigest.extend({
  range: z.strictObject({ start: z.number().int().min(0), end: z.number().int().min(1) }).optional(),
});
export type DataFileDigest = z.infer<typeof DataFileDigest>;

/** Who and what produced a document: enough to link back to the commit and the CI run. */
export const RunSource = z.strictObject({
  repository: z.string().max(200).optional(),
  commit: z
    .string()
    .regex(/^[0-9a-f]{7,64}$/)
    .optional(),
  ref: z.string().max(500).optional(),
  branch: z.string().max(500).optional(),
  baseRef: z.string().max(500).optional(),
  pullRequest: z.number().int().positive().optional(),
  event: z.string().max(100).optional(),
  workflow: z.string().max(500).optional(),
  runId: z.number().int().positive().optional(),
  runAttempt: z.number().int().positive().optional(),
  runUrl: z.string().url().max(2000).optional(),
  actor: z.string().max(100).optional(),
});
export type RunSource = z.infer<typeof RunSource>;

export const RunStatus = z.enum(["succeeded", "failed", "timed-out", "cancelled"]);
export type RunStatus = z.infer<typeof RunStatus>;

/**
 * A gated metric's verdict; a label claims a change only when the evidence says the change is real
 * (docs/comparison.md states the rule).
 */
export const MetricVerdict = z.enum(["failed", "inconclusive", "regressed", "unchanged", "improved", "skipped"]);
export type MetricVerdict = z.infer<typeof MetricVerdict>;
/** Metric verdicts, most serious first: a comparison is as bad as its worst metric, and reports list failures first. */
export const METRIC_VERDICTS_BY_SEVERITY: readonly MetricVerdict[] = MetricVerdict.options;
/** Labels of ctrain.comparison/v1, read from older documents. */
const MetricVerdictV1 = z.enum(["pass", "improved", "regressed-within-tolerance", "failed", "inconclusive", "skipped"]);
export const OverallVerdict = z.enum(["passed", "failed", "inconclusive", "skipped", "no-gates"]);
export type OverallVerdict = z.infer<typeof OverallVerdict>;

const ValueMap = z.record(z.string().max(500), RecordedValue);

/**
 * A run's metrics or params, refused above `max` names before any value is checked: a run.json from another run
 * may hold a million of them inside the document size cap, and every later step would pay for each.
 */
function runValueMap(max: number, what: string) {
  return z.preprocess((value, context) => {
    if (typeof value === "object" && value !== null && Object.keys(value).length > max) {
      context.issues.push({ code: "custom", message: `more than ${max} ${what}`, input: value });
      return z.NEVER;
    }
    return value;
  }, ValueMap);
}

export const RunDocument = z.strictObject({
  schema: z.literal("ctrain.run/v1"),
  name: z.string().max(100),
  createdAt: IsoTime,
  finishedAt: IsoTime.optional(),
  source: RunSource,
  runner: z
    .strictObject({
      os: z.string().max(50),
      arch: z.string().max(50),
      name: z.string().max(200).optional(),
      labels: z.array(z.string().max(200)).max(50).optional(),
    })
    .optional(),
  command: z.string().max(10_000).optional(),
  workingDirectory: z.string().max(1024).optional(),
  status: RunStatus,
  exitCode: z.number().int().nullable().optional(),
  signal: z.string().max(20).nullable().optional(),
  logTail: z.array(z.string().max(10_000)).max(1000).default([]),
  params: runValueMap(RUN_PARAMS_MAX, "params").default({}),
  metrics: runValueMap(RUN_METRICS_MAX, "metrics").default({}),
  metricFiles: z.array(RelativePath).max(100).default([]),
  curves: z
    .array(
      z.strictObject({
        metric: z.string().max(500),
        file: RelativePath,
        points: z.array(z.strictObject({ step: z.number(), value: z.number() })).max(100_000),
      }),
    )
    .max(100)
    .default([]),
  /** Predictions copied into the bundle, for evaluation and paired significance tests. */
  predictions: FileDigest.optional(),
  datasets: z
    .array(
      z.strictObject({
        name: z.string().max(100),
        fingerprint: Sha256,
        rows: z.number().int().min(0).optional(),
        files: z.array(FileDigest).max(10_000),
      }),
    )
    .max(100)
    .default([]),
  model: z
    .strictObject({
      files: z.array(FileDigest.extend({ pickle: z.boolean() })).max(MODEL_FILES_MAX),
    })
    .default({ files: [] }),
  resources: z
    .strictObject({
      wallSeconds: z.number().min(0),
      cpuSeconds: z.number().min(0).optional(),
      peakRssBytes: z.number().min(0).optional(),
      gpu: z.strictObject({ name: z.string().max(200), peakMemoryBytes: z.number().min(0).optional() }).optional(),
    })
    .optional(),
  cache: z
    .strictObject({
      key: z.string().max(512),
      hit: z.enum(["exact", "partial", "miss"]),
      restoredKey: z.string().max(512).optional(),
    })
    .optional(),
  /** The run cache restored this run's results: training was skipped; `source` is the run that trained. */
  cached: z
    .strictObject({
      key: z.string().max(512),
      source: RunSource,
      trainedAt: IsoTime,
    })
    .optional(),
  verdicts: z
    .strictObject({ validation: z.enum(["passed", "failed"]).optional(), comparison: OverallVerdict.optional() })
    .default({}),
  /** Why the run failed after its command ran (outputs that could not be read or recorded). */
  errors: z
    .array(z.strictObject({ message: z.string().max(4000), location: z.string().max(2000).optional() }))
    .max(100)
    .optional(),
});
export type RunDocument = z.infer<typeof RunDocument>;

/** One check in the shape Great Expectations users know. */
export const CheckResult = z.strictObject({
  check: z.string().max(200),
  column: z.string().max(500).optional(),
  severity: z.enum(["error", "warn"]),
  success: z.boolean(),
  mostly: z.number().min(0).max(1).optional(),
  message: z.string().max(4000),
  result: z.strictObject({
    element_count: z.number().int().min(0),
    unexpected_count: z.number().int().min(0),
    unexpected_percent: z.number().min(0).max(100),
    observed_value: RecordedValue.optional(),
    partial_unexpected_list: z
      .array(
        z.strictObject({
          value: RecordedValue,
          file: RelativePath.optional(),
          line: z.number().int().min(0).optional(),
        }),
      )
      .max(50)
      .default([]),
  }),
});
export type CheckResult = z.infer<typeof CheckResult>;

export const ColumnDrift = z.strictObject({
  column: z.string().max(500),
  type: z.string().max(50),
  test: z.string().max(50),
  statistic: z.number().nullable(),
  pValue: z.number().nullable().optional(),
  threshold: z.number(),
  drifted: z.boolean(),
  sampled: z.boolean(),
  sampleSizes: z.tuple([z.number().int().min(0), z.number().int().min(0)]).optional(),
  psi: z.number().nullable().optional(),
  newCategories: z.array(RecordedValue).max(100).default([]),
  missingCategories: z.array(RecordedValue).max(100).default([]),
});

export const ValidationDocument = z.strictObject({
  schema: z.literal("ctrain.validation/v1"),
  createdAt: IsoTime,
  source: RunSource.optional(),
  success: z.boolean(),
  statistics: z.strictObject({
    evaluated_expectations: z.number().int().min(0),
    successful_expectations: z.number().int().min(0),
    unsuccessful_expectations: z.number().int().min(0),
    success_percent: z.number().min(0).max(100).nullable(),
  }),
  datasets: z
    .array(
      z.strictObject({
        name: z.string().max(100),
        files: z.array(DataFileDigest).max(10_000),
        fingerprint: Sha256.optional(),
        rows: z.number().int().min(0),
        columns: z.array(z.string().max(500)).max(10_000),
        success: z.boolean(),
        results: z.array(CheckResult).max(100_000),
        drift: z
          .strictObject({
            baseline: z.string().max(2000),
            datasetDrift: z.boolean(),
            driftedShare: z.number().min(0).max(1),
            threshold: z.number().min(0).max(1),
            columns: z.array(ColumnDrift).max(10_000),
          })
          .optional(),
      }),
    )
    .max(100),
  /** Input that could not be read: the report still lists what was checked before it. */
  errors: z
    .array(z.strictObject({ message: z.string().max(4000), location: z.string().max(2000).optional() }))
    .max(1000)
    .default([]),
});
export type ValidationDocument = z.infer<typeof ValidationDocument>;

/**
 * A dataset profile; column profiles are defined by the data package, which re-validates its sketch state on read.
 */
export const ProfileDocument = z.strictObject({
  schema: z.literal("ctrain.profile/v1"),
  dataset: z.string().max(100),
  createdAt: IsoTime,
  rows: z.number().int().min(0),
  fingerprint: Sha256.optional(),
  files: z.array(DataFileDigest).max(10_000).default([]),
  columns: z.record(z.string().max(500), z.looseObject({ type: z.string().max(50), count: z.number().int().min(0) })),
});
export type ProfileDocument = z.infer<typeof ProfileDocument>;

export const BaselineOrigin = z.strictObject({
  kind: z.enum(["branch-run", "run", "release", "git", "path", "local", "none"]),
  description: z.string().max(2000),
  commit: z.string().max(64).optional(),
  ref: z.string().max(500).optional(),
  runId: z.number().int().positive().optional(),
  runUrl: z.string().url().max(2000).optional(),
  release: z.string().max(500).optional(),
  createdAt: IsoTime.optional(),
  /** Commits between the baseline and the PR's merge-base (0 = exactly the merge-base). */
  commitsBehind: z.number().int().min(0).optional(),
  notes: z.array(z.string().max(2000)).max(20).default([]),
});
export type BaselineOrigin = z.infer<typeof BaselineOrigin>;

const ComparisonInterval = z.strictObject({
  low: z.number(),
  high: z.number(),
  confidence: z.number(),
  method: z.string().max(50),
});

/** The evidence a metric's verdict rested on: which test, its interval of the change and its p-values. */
export const ChangeEvidenceRecord = z.strictObject({
  /** `none`: no paired predictions and no usable noise band; the delta is shown "not tested". */
  method: z.enum(["mcnemar", "delong", "bootstrap", "noise-band", "none"]),
  /** The level the labels were decided at: an interval at 1 - alpha, two-sided. */
  alpha: z.number().gt(0).lt(1),
  /** Two-sided p of "no change". */
  pValue: z.number().min(0).max(1).optional(),
  /** The test of the gate's change bound, when the gate has one or asks for significance. */
  bound: z
    .strictObject({
      /** The bound as a change of the metric (candidate - baseline). */
      delta: z.number(),
      alternative: z.enum(["greater", "less", "two-sided"]),
      pValue: z.number().min(0).max(1),
    })
    .optional(),
  /** Rows both runs scored (paired tests), or base-branch runs the noise band came from. */
  size: z.number().int().min(0).optional(),
  /** Why there was no test, or what limited it. */
  note: z.string().max(2000).optional(),
});
export type ChangeEvidenceRecord = z.infer<typeof ChangeEvidenceRecord>;

const ComparisonRowFields = {
  name: z.string().max(500),
  kind: z.enum(["metric", "param"]),
  baseline: RecordedValue.optional(),
  candidate: RecordedValue.optional(),
  delta: z.number().nullable(),
  relativeDelta: z.number().nullable(),
  changed: z.boolean(),
  direction: z.enum(["higher", "lower"]).optional(),
  /** The interval of the change that the verdict used (the evidence's), never a second one. */
  interval: ComparisonInterval.optional(),
  pValue: z.number().min(0).max(1).optional(),
  threshold: z.string().max(500).optional(),
  method: z.string().max(50).optional(),
  reasons: z.array(z.string().max(2000)).max(20).default([]),
};

export const ComparisonRow = z.strictObject({
  ...ComparisonRowFields,
  verdict: MetricVerdict.optional(),
  evidence: ChangeEvidenceRecord.optional(),
});
export type ComparisonRow = z.infer<typeof ComparisonRow>;

/** One example whose outcome differs between the two runs (paired predictions). */
const FlippedExample = z.strictObject({
  /** The key column's value, or the 1-based row number when rows pair by position. */
  key: z.string().max(500),
  slice: z.string().max(500).optional(),
  label: RecordedValue,
  baseline: RecordedValue,
  candidate: RecordedValue,
});

/**
 * What the paired test saw, row by row: classification outcomes that flipped (McNemar's b and c), or for regression
 * the largest changes of the absolute error.
 */
export const PairedExamples = z.strictObject({
  task: z.enum(["classification", "regression"]),
  rows: z.number().int().min(0),
  key: z.string().max(500).optional(),
  /** Right before, wrong now (McNemar's b); regression: rows whose absolute error grew. */
  worse: z.strictObject({ count: z.number().int().min(0), examples: z.array(FlippedExample).max(100) }),
  /** Wrong before, right now (McNemar's c); regression: rows whose absolute error shrank. */
  better: z.strictObject({ count: z.number().int().min(0), examples: z.array(FlippedExample).max(100) }),
});
export type PairedExamples = z.infer<typeof PairedExamples>;

const ComparisonFields = {
  createdAt: IsoTime,
  source: RunSource.optional(),
  baseline: BaselineOrigin,
  verdict: OverallVerdict,
  failed: z.array(z.string().max(500)).max(100_000).default([]),
  leaderboard: z
    .array(
      z.strictObject({
        rank: z.number().int().min(1),
        name: z.string().max(100),
        objective: RecordedValue,
        metrics: ValueMap,
        /** The best run's objective against this run's on the rows both scored; tied when the test cannot tell them apart. */
        versusBest: z
          .strictObject({
            method: z.enum(["mcnemar", "delong", "bootstrap", "noise-band", "none"]),
            /** best - this run. */
            delta: z.number().optional(),
            pValue: z.number().min(0).max(1).optional(),
            tied: z.boolean().optional(),
            note: z.string().max(2000).optional(),
          })
          .optional(),
      }),
    )
    .max(1000)
    .optional(),
  bestRun: z.string().max(100).optional(),
  /** Per-class and confusion-matrix detail from predictions, when both sides had them. */
  classification: z
    .strictObject({
      labels: z.array(z.string().max(500)).max(1000),
      candidate: z.array(z.array(z.number().int().min(0))).max(1000),
      baseline: z
        .array(z.array(z.number().int().min(0)))
        .max(1000)
        .optional(),
    })
    .optional(),
};

/** The current comparison document; `schemas/comparison.schema.json` is generated from it. */
export const ComparisonDocumentV2 = z.strictObject({
  schema: z.literal("ctrain.comparison/v2"),
  ...ComparisonFields,
  rows: z.array(ComparisonRow).max(100_000),
  examples: PairedExamples.optional(),
});

const V1_VERDICTS: Record<z.infer<typeof MetricVerdictV1>, MetricVerdict> = {
  failed: "failed",
  inconclusive: "inconclusive",
  // v1 chose these labels from the sign of the point estimate: read them as claims nobody tested.
  "regressed-within-tolerance": "unchanged",
  improved: "unchanged",
  pass: "unchanged",
  skipped: "skipped",
};

/** ctrain.comparison/v1, read and upgraded to v2 so reports of older runs still render. */
const ComparisonDocumentV1 = z
  .strictObject({
    schema: z.literal("ctrain.comparison/v1"),
    ...ComparisonFields,
    rows: z.array(z.strictObject({ ...ComparisonRowFields, verdict: MetricVerdictV1.optional() })).max(100_000),
  })
  .transform((document): z.output<typeof ComparisonDocumentV2> => ({
    ...document,
    schema: "ctrain.comparison/v2",
    rows: document.rows.map((row) => ({
      ...row,
      // v1's interval column was a bootstrap interval whatever test decided: it is not the verdict's evidence.
      interval: undefined,
      // v1 said "pass" for a value threshold met on a first run: no baseline value, so nothing was compared.
      verdict:
        row.verdict && (row.baseline === undefined && row.verdict === "pass" ? "skipped" : V1_VERDICTS[row.verdict]),
    })),
  }));

export const ComparisonDocument = z.discriminatedUnion("schema", [ComparisonDocumentV2, ComparisonDocumentV1]);
export type ComparisonDocument = z.output<typeof ComparisonDocumentV2>;

/** What the model-test stage measured and decided: `model-test.json`, `schemas/model-test.schema.json`. */
export const ModelTestDocument = z.strictObject({
  schema: z.literal("ctrain.model-test/v1"),
  createdAt: IsoTime,
  source: RunSource.optional(),
  /** The command as configured (a string, or the argv words joined for display). */
  command: z.string().max(10_000),
  image: z.string().max(500).optional(),
  passed: z.boolean(),
  /** Every reason the stage failed, most basic first (loading, contract, budgets). */
  failures: z
    .array(
      z.strictObject({
        kind: z.enum(["load", "protocol", "contract", "budget"]),
        message: z.string().max(4000),
        /** `<inputs file>:<line>` of the request the failure is about. */
        location: z.string().max(2000).optional(),
        field: z.string().max(500).optional(),
      }),
    )
    .max(100),
  inputs: z.strictObject({ file: RelativePath, requests: z.number().int().min(0) }),
  contract: z
    .strictObject({
      schema: RelativePath.optional(),
      expected: RelativePath.optional(),
      checked: z.number().int().min(0),
      failed: z.number().int().min(0),
    })
    .optional(),
  /** The figures, each also a run metric named in `metric`. */
  figures: z
    .array(
      z.strictObject({
        name: z.enum(["cold-start-ms", "p50-ms", "p95-ms", "p99-ms", "peak-memory-mb", "model-size-mb"]),
        metric: z.string().max(100),
        value: z.number().min(0),
        budget: z.number().positive().optional(),
        passed: z.boolean(),
      }),
    )
    .max(20),
  /** Timed requests after warm-up; the percentiles interpolate linearly between order statistics (numpy's default). */
  latency: z
    .strictObject({
      requests: z.number().int().min(1),
      warmUp: z.number().int().min(0),
      meanMs: z.number().min(0),
      maxMs: z.number().min(0),
    })
    .optional(),
  model: z.strictObject({ files: z.number().int().min(0), bytes: z.number().int().min(0) }),
  logTail: z.array(z.string().max(10_000)).max(1000).default([]),
});
export type ModelTestDocument = z.infer<typeof ModelTestDocument>;
export type ModelTestFigureName = ModelTestDocument["figures"][number]["name"];

/** What each model-test figure is, for failure messages, the report and the model card. */
export const MODEL_TEST_FIGURE_LABELS: Readonly<Record<ModelTestFigureName, string>> = {
  "cold-start-ms": "cold start",
  "p50-ms": "p50 latency",
  "p95-ms": "p95 latency",
  "p99-ms": "p99 latency",
  "peak-memory-mb": "peak memory",
  "model-size-mb": "model size",
};

export const BUNDLE_DOCUMENTS = {
  run: { file: "run.json", schema: RunDocument },
  validation: { file: "validation.json", schema: ValidationDocument },
  comparison: { file: "comparison.json", schema: ComparisonDocument },
  "model-test": { file: "model-test.json", schema: ModelTestDocument },
} as const;

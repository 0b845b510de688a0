import { z } from "zod";

/**
 * One line of the history store: the summary of one trusted run of the main branch. Records are read back from a
 * branch anyone with write access can push to, so every field is bounded and every text is short.
 */

/** Records one store keeps; the oldest are dropped beyond it (about 20 years of daily runs, a few MiB per 1,000). */
export const HISTORY_RECORDS_MAX = 10_000;
/** One record's line in bytes; a longer line is refused, not cut. */
export const HISTORY_RECORD_MAX_BYTES = 32 * 1024;
/** The store file as read; a larger file is refused whole. */
export const HISTORY_FILE_MAX_BYTES = 64 * 1024 ** 2;
/** Params, metrics, drifted columns and model-test figures kept per record; the rest are counted, not stored. */
export const HISTORY_PARAMS_MAX = 100;
export const HISTORY_METRICS_MAX = 100;
export const HISTORY_DRIFT_COLUMNS_MAX = 200;
export const HISTORY_MODEL_TEST_FIGURES_MAX = 50;
/** Names and text values are cut to this many characters. */
export const HISTORY_TEXT_MAX_CHARS = 200;

export const HISTORY_SCHEMA = "ctrain.history/v1";

const Text = z.string().max(HISTORY_TEXT_MAX_CHARS);
/** `owner/name` as GitHub allows it: the only repository text that links are built from. */
export const RepositoryName = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/);

const MetricSummary = z.strictObject({
  value: z.number().nullable(),
  /** The change against the run's baseline, and the interval of that change the verdict used. */
  delta: z.number().optional(),
  low: z.number().optional(),
  high: z.number().optional(),
  confidence: z.number().gt(0).lt(1).optional(),
  verdict: z.enum(["failed", "inconclusive", "regressed", "unchanged", "improved", "skipped"]).optional(),
});
export type MetricSummary = z.infer<typeof MetricSummary>;

const DriftSummary = z.strictObject({
  dataset: Text,
  column: Text,
  test: z.string().max(50),
  statistic: z.number().nullable(),
  pValue: z.number().min(0).max(1).nullable().optional(),
  drifted: z.boolean(),
});
export type DriftSummary = z.infer<typeof DriftSummary>;

const Names = <T extends z.ZodType>(value: T, max: number) =>
  z.record(Text, value).refine((map) => Object.keys(map).length <= max, { message: `more than ${max} entries` });

export const HistoryRecord = z.strictObject({
  schema: z.literal(HISTORY_SCHEMA),
  /** What deduplicates records: the workflow run id on GitHub (`run-<id>`), the store id locally. */
  id: z.string().min(1).max(200),
  date: z.iso.datetime({ offset: true }),
  commit: z
    .string()
    .regex(/^[0-9a-f]{7,64}$/)
    .optional(),
  repository: RepositoryName.optional(),
  branch: Text.optional(),
  runId: z.number().int().positive().optional(),
  runAttempt: z.number().int().positive().optional(),
  pullRequest: z.number().int().positive().optional(),
  release: Text.optional(),
  verdicts: z
    .strictObject({
      validation: z.enum(["passed", "failed"]).optional(),
      comparison: z.enum(["passed", "failed", "inconclusive", "skipped", "no-gates"]).optional(),
    })
    .default({}),
  params: Names(z.union([z.number(), Text, z.boolean(), z.null()]), HISTORY_PARAMS_MAX).default({}),
  metrics: Names(MetricSummary, HISTORY_METRICS_MAX).default({}),
  drift: z.array(DriftSummary).max(HISTORY_DRIFT_COLUMNS_MAX).default([]),
  model: z.strictObject({ bytes: z.number().int().min(0), files: z.number().int().min(0) }).optional(),
  modelTest: Names(z.number(), HISTORY_MODEL_TEST_FIGURES_MAX).optional(),
  /** What did not fit the caps above, so the site can say so. */
  omitted: z
    .strictObject({
      params: z.number().int().min(0).optional(),
      metrics: z.number().int().min(0).optional(),
      drift: z.number().int().min(0).optional(),
      modelTest: z.number().int().min(0).optional(),
    })
    .optional(),
});
export type HistoryRecord = z.output<typeof HistoryRecord>;
export type HistoryRecordInput = z.input<typeof HistoryRecord>;

import { BUNDLE_DOCUMENT_MAX_BYTES } from "@ctrain/core";
import { z } from "zod";

/**
 * The JSON shape of column and dataset profiles: the summary a person or a report reads, plus the sketch
 * state that makes profiles mergeable. Profiles from other runs are hostile input: `parseColumnProfile` and
 * `parseDatasetProfile` check this shape, and hydration checks that the sketch state is consistent.
 */

const Count = z.number().int().min(0);
const Base64 = z.string().max(BUNDLE_DOCUMENT_MAX_BYTES);
const Uint32 = z.number().int().min(0).max(0xffffffff);

/**
 * The longest string a profile keeps as a value: a longer one is kept as its prefix with its length and content hash,
 * so a 64 MB cell costs the profile a line, not 64 MB. Profiles read back may hold strings up to 64 Ki characters,
 * the bound earlier profiles were written to.
 */
export const PROFILE_STRING_MAX_CHARS = 1024;

/** A value a column can hold besides null: finite numbers, strings, booleans. */
export const ProfileValue = z.union([z.number(), z.string().max(65_536), z.boolean()]);
export type ProfileValue = z.infer<typeof ProfileValue>;

/**
 * `integer` / `float`: every non-null value is a number (float once any is fractional, NaN or infinite);
 * `boolean`, `string`: every non-null value is one; `mixed`: several kinds; `empty`: nulls only.
 */
export const ColumnType = z.enum(["integer", "float", "boolean", "string", "mixed", "empty"]);
export type ColumnType = z.infer<typeof ColumnType>;

export const HistogramBucket = z.strictObject({ low: z.number(), high: z.number(), count: Count });
export type HistogramBucket = z.infer<typeof HistogramBucket>;

export const NumericSummary = z.strictObject({
  /** Finite numbers; the statistics below are over these. */
  count: Count,
  integerCount: Count,
  nanCount: Count,
  positiveInfinityCount: Count,
  negativeInfinityCount: Count,
  min: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number().nullable(),
  /** Population variance (ddof = 0). */
  variance: z.number().min(0).nullable(),
  standardDeviation: z.number().min(0).nullable(),
  /** Values at ranks 0, .01, .05, .1, .25, .5, .75, .9, .95, .99, 1 (0 and 1 are the exact min and max). */
  quantiles: z.array(z.strictObject({ rank: z.number().min(0).max(1), value: z.number() })).max(101),
  /** Normalized rank error of each quantile, with 99% confidence; 0 while the sketch is exact. */
  rankError: z.number().min(0).max(1),
  /** TFDV's two histograms: 10 equal-width buckets over [min, max], and 10 buckets between deciles. */
  histograms: z.strictObject({
    equalWidth: z.array(HistogramBucket).max(100),
    quantiles: z.array(HistogramBucket).max(100),
  }),
});
export type NumericSummary = z.infer<typeof NumericSummary>;

/** String lengths in UTF-16 code units. */
export const StringSummary = z.strictObject({
  minLength: Count,
  maxLength: Count,
  meanLength: z.number().min(0),
  totalLength: Count,
});
export type StringSummary = z.infer<typeof StringSummary>;

export const ColumnSketchState = z.strictObject({
  random: z.tuple([Uint32, Uint32, Uint32, Uint32]),
  /** Sum of squared deviations of the finite numbers from their mean (Welford's M2). */
  m2: z.number().min(0),
  quantiles: z.strictObject({
    k: z.number().int().min(8).max(65_536),
    /** Compactor items by level (weight 2^level), base64 little-endian float64. */
    levels: z.array(Base64).max(64),
    /** Raw values of the sampler's open block. */
    block: Base64,
  }),
  reservoir: z.strictObject({
    capacity: z.number().int().min(1).max(10_000_000),
    seen: Count,
    values: Base64,
  }),
  values: z.strictObject({
    mode: z.enum(["exact", "approximate"]),
    limit: z.number().int().min(1).max(100_000),
    entries: z.array(z.tuple([ProfileValue, z.number().int().min(1)])).max(100_000),
    errorBound: Count,
    /** HyperLogLog registers, base64; null while values are counted exactly. */
    distinct: Base64.nullable(),
    fingerprint: z.tuple([Uint32, Uint32]),
  }),
});
export type ColumnSketchState = z.infer<typeof ColumnSketchState>;

export const ColumnProfile = z.strictObject({
  type: ColumnType,
  /** Values seen, nulls included: the dataset's row count. */
  count: Count,
  nullCount: Count,
  numberCount: Count,
  stringCount: Count,
  booleanCount: Count,
  numeric: NumericSummary.nullable(),
  string: StringSummary.nullable(),
  /** Distinct non-null values (NaN and infinities are counted apart); exact up to the exact-value limit. */
  distinct: z.strictObject({
    count: Count,
    exact: z.boolean(),
    /** 0 when exact; else HyperLogLog's relative standard error. */
    relativeStandardError: z.number().min(0),
  }),
  /** The most frequent values; each count may fall short of the truth by at most `errorBound`. */
  topValues: z.strictObject({
    errorBound: Count,
    values: z.array(z.strictObject({ value: ProfileValue, count: Count })).max(1000),
  }),
  sketch: ColumnSketchState,
});
export type ColumnProfile = z.infer<typeof ColumnProfile>;

export const DatasetProfile = z.strictObject({
  rows: Count,
  /** sha256 (hex) of the row count and each column's counts and value fingerprint: the same for any row order or sharding. */
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  columns: z.record(z.string().max(500), ColumnProfile),
});
export type DatasetProfile = z.infer<typeof DatasetProfile>;

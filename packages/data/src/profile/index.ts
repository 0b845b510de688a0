export { ColumnProfiler } from "./column-profiler.js";
export type { ProfileOptions } from "./column-profiler.js";
export { DatasetProfiler, datasetFingerprint, mergeDatasetProfiles, mergeProfiles } from "./dataset-profiler.js";
export { HLL_RELATIVE_STANDARD_ERROR } from "./hyperloglog.js";
export { DEFAULT_KLL_K, kllRankError } from "./kll.js";
export { DEFAULT_RESERVOIR_CAPACITY } from "./reservoir.js";
export { PROFILE_SAMPLE_BUDGET_BYTES, fitSamples } from "./sample-budget.js";
export {
  ColumnProfile,
  ColumnSketchState,
  ColumnType,
  DatasetProfile,
  HistogramBucket,
  NumericSummary,
  PROFILE_STRING_MAX_CHARS,
  ProfileValue,
  StringSummary,
} from "./schema.js";
export { compareValues, DEFAULT_EXACT_VALUE_LIMIT } from "./value-sketch.js";
export type { ValueCountMode } from "./value-sketch.js";

export { columnDrift, isSkipped } from "./column-drift.js";
export { datasetDrift } from "./dataset-drift.js";
export type { DatasetDriftOptions } from "./dataset-drift.js";
export { defaultThreshold, P_VALUE_TESTS } from "./drift-result.js";
export type {
  ColumnDriftOverride,
  ColumnDriftResult,
  DatasetDriftResult,
  DriftTest,
  SkippedColumn,
} from "./drift-result.js";

export { DatasetChecks, recordedPath } from "./dataset-checks.js";
export type { DatasetCheckOptions } from "./dataset-checks.js";
export { loadRowSchema } from "./row-schema.js";
export type { RowSchema } from "./row-schema.js";
export { RepeatFinder, Seen, REPEAT_TABLE_BYTES } from "./repeat-finder.js";
export { KeyHasher } from "./key-hasher.js";
export { PARTIAL_UNEXPECTED_COUNT, resultsPass, summarizeResults } from "./results.js";
export { INFERRED_DOMAIN_MAX_VALUES, baselineFacts, inferColumnRules } from "./baseline-facts.js";
export type { BaselineFacts } from "./baseline-facts.js";

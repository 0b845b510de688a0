export { CELL_DOUBLED_QUOTES, CELL_NON_ASCII } from "./batch.js";
export type { CellRanges, ClassifiedColumn, RecordBatch, TextBatch, ValueBatch } from "./batch.js";
export { CellKind, INFINITY_SPELLINGS, NULL_SPELLINGS } from "./cell-grammar.js";
export {
  classifyCell,
  classifyValue,
  isIsoTimestamp,
  parseCell,
  parseIsoTimestamp,
  parseNumber,
} from "./cell-kinds.js";
export type { CellValue } from "./cell-kinds.js";
export { CsvBatch } from "./csv-batch.js";
export type { CsvBatchParts } from "./csv-batch.js";
export { readBatches, readPieces, readRecords } from "./dataset.js";
export type { DataRecord } from "./dataset.js";
export { resolveReadOptions } from "./options.js";
export type { DataFormat, ReadOptions, ResolvedReadOptions } from "./options.js";
export { describeProgress } from "./progress.js";
export type { ReadProgress } from "./progress.js";
export { planSegments } from "./segments.js";
export type { FilePiece, Segment } from "./segments.js";
export { resolveDataFiles } from "./sources.js";
export type { DataFile } from "./sources.js";
export { CELL_KIND_NAMES, ColumnTypeInference } from "./type-inference.js";
export type { InferredColumnType, ColumnTypeReport, TypeFailure, TypeInferenceOptions } from "./type-inference.js";
export { alignUp, copyCellsIn, ensureMemory, instantiateWasm, WASM_PAGE } from "./wasm-instance.js";
export type { CellsInMemory, WasmMemory } from "./wasm-instance.js";

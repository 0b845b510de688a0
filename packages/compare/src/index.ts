export * from "./compare-runs.js";
export * from "./sides.js";
export * from "./predictions-file.js";
export * from "./gate-description.js";
export * from "./values.js";
export * from "./step.js";
export * from "./release-baseline.js";
export * from "./record-evaluation.js";
export { loadReportEvaluation } from "./report-evaluation.js";

export * from "./git.js";
export * from "./store/run-store.js";
export * from "./store/run-cache-store.js";
export * from "./baseline/git-metrics.js";
export * from "./baseline/local-baseline-source.js";
export * from "./registry/local-registry.js";
export * from "./report/local-report-sink.js";
export * from "./run-source.js";

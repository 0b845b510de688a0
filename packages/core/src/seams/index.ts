export type * from "./baseline.js";
export type * from "./report.js";
export type * from "./registry.js";
export type * from "./step.js";
export type * from "./run-cache.js";

export * from "./errors.js";
export * from "./limits.js";
export * from "./config/index.js";
export * from "./bundle/index.js";
export * from "./json-schemas.js";
export type * from "./seams/index.js";
export * from "./seams/baseline-policy.js";
export * from "./format.js";
export * from "./inert-text.js";

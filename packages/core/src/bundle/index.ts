export * from "./values.js";
export * from "./documents.js";
export * from "./io.js";
export * from "./atomic.js";
export * from "./files-fingerprint.js";

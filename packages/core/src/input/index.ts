export * from "./json-text.js";
export * from "./reserved-keys.js";
export * from "./text-file.js";
export * from "./yaml-text.js";

export { startActionsRuntime } from "./server.js";
export type { ActionsRuntime, RuntimeViolation } from "./server.js";
export type { CacheEntry } from "./cache-service.js";
export type { CacheScope } from "./runtime-token.js";
export type { BlobOperation } from "./blob-storage.js";

export * from "./sink.js";
export * from "./check-run.js";
export * from "./comment-thread.js";
export * from "./identity.js";
export * from "./workflow-run.js";

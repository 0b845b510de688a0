export * from "./client.js";
export * from "./context.js";
export * from "./errors.js";
export * from "./inputs.js";
export * from "./action.js";
export * from "./artifacts.js";
export * from "./baseline.js";
export * from "./releases/index.js";

export * from "./checks/index.js";
export * from "./validate/index.js";
export * from "./drift/index.js";
export * from "./profile/index.js";
export * from "./step.js";

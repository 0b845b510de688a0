export * from "./step.js";
export * from "./protocol.js";
export * from "./figures.js";
export * from "./contract.js";
export * from "./golden-inputs.js";
export * from "./line-reader.js";
export * from "./serve-session.js";

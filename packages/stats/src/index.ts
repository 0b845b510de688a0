// Every module's exports are the package's: each holds one family of functions and nothing internal.
export * from "./contingency.js";
export * from "./distances.js";
export * from "./kolmogorov.js";
export * from "./ks-two-sample.js";
export * from "./random.js";
export * from "./special-functions.js";

export * from "./approval-source.js";
export * from "./attest.js";
export * from "./github-registry.js";
export * from "./release-event.js";
export * from "./attestations.js";

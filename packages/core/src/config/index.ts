export * from "./schema.js";
export * from "./load.js";
export { closestName } from "./suggest.js";

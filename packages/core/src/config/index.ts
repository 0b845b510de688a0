export * from "./schema.js";
export * from "./load.js";
export { closestName } from "./suggest.js";
export { CONFIG_KEY_DESCRIPTIONS } from "./descriptions.js";

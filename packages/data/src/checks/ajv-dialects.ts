// ajv's dialects and formats, in a module of their own that row-schema.ts imports on first use: a dataset without a
// row schema never compiles them. Static imports here, as the bundler's interop with CommonJS needs them.
import { Ajv } from "ajv";
import { Ajv2019 } from "ajv/dist/2019.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsPlugin from "ajv-formats";

export const ajvDialects = {
  Ajv,
  Ajv2019,
  Ajv2020,
  /** ajv-formats is CommonJS: its function is `.default` under both Node's and esbuild's interop. */
  addFormats: (ajv: Ajv): void => void addFormatsPlugin.default(ajv),
};

export type AjvDialects = typeof ajvDialects;

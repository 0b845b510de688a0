import { z } from "zod";
import { booleanInput, integerInput, listInput, numberInput, readInputs } from "@ctrain/github";

/** `90` is 90 minutes, as train.timeout reads a bare number; `30s`, `2h` pass through to the config's check. */
const durationInput = z.string().transform((value) => (/^\d+(\.\d+)?$/.test(value) ? Number(value) : value));

export function readTrainInputs() {
  return readInputs({
    command: z.string().optional(),
    config: z.string().optional(),
    name: z.string().optional(),
    "working-directory": z.string().optional(),
    params: z.string().optional(),
    timeout: durationInput.optional(),
    "kill-grace": numberInput.optional(),
    metrics: listInput.optional(),
    curves: listInput.optional(),
    predictions: z.string().optional(),
    "model-files": listInput.optional(),
    "log-tail-lines": integerInput.optional(),
    cache: booleanInput.default(true),
    "cache-paths": listInput.optional(),
    "cache-key-files": listInput.optional(),
    "cache-key-prefix": z.string().optional(),
    force: booleanInput.default(false),
    upload: booleanInput.default(true),
    "retention-days": integerInput.optional(),
  });
}

/** Inputs that override ctrain.yml keys; a bad value is reported against the input. */
export const CONFIG_OVERRIDES = {
  command: "train.command",
  "working-directory": "train.working-directory",
  timeout: "train.timeout",
  "kill-grace": "train.kill-grace",
  metrics: "train.metrics",
  curves: "train.curves",
  predictions: "train.predictions",
  "model-files": "train.model-files",
  "log-tail-lines": "train.log-tail-lines",
  "cache-paths": "train.cache.paths",
  "cache-key-files": "train.cache.key-files",
  "cache-key-prefix": "train.cache.key-prefix",
};

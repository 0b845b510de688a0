import { z } from "zod";
import { booleanInput, integerInput, listInput, readInputs } from "@ctrain/github";

export function readValidateInputs() {
  return readInputs({
    config: z.string().optional(),
    datasets: listInput.optional(),
    bundle: z.string().default(".ctrain"),
    baseline: z.string().optional(),
    "run-name": z.string().default("default"),
    workflow: z.string().optional(),
    "fail-on-error": booleanInput.default(true),
    "fail-on-drift": booleanInput.optional(),
    "max-annotations": integerInput.pipe(z.number().int().min(0, "expected 0 or more")).default(10),
    "merge-profiles": listInput.optional(),
    seed: integerInput.default(0),
    threads: integerInput.optional(),
  });
}
export type ValidateInputs = ReturnType<typeof readValidateInputs>;

/** Inputs that override ctrain.yml keys; a bad value is reported against the input. */
export const CONFIG_OVERRIDES = {
  baseline: "compare.baseline",
  workflow: "compare.workflow",
  "fail-on-drift": "data.drift.fail-on-drift",
  threads: "data.threads",
};

import { z } from "zod";
import { actionInputs, booleanInput, integerInput } from "@ctrain/github";

/** The action's inputs as action.yml declares them (a test holds the two together), and the keys they override. */
export const INPUTS = actionInputs(
  {
    config: z
      .string()
      .optional()
      .describe(
        "Path to ctrain.yml (its `model-test:` section names the command, the golden inputs, the contract and the budgets). Defaults to ctrain.yml in the workspace, if present.",
      ),
    bundle: z
      .string()
      .default(".ctrain")
      .describe(
        "The run bundle folder the train step wrote; model-test.json is written here and the figures into its run.json.",
      ),
    image: z
      .string()
      .optional()
      .describe("A container image to run the command in (needs Docker on the runner). Overrides model-test.image."),
    upload: booleanInput
      .default(true)
      .describe(
        "Upload the bundle again as the workflow artifact ctrain-run-<name>, replacing the train step's, so later runs compare with the figures.",
      ),
    "retention-days": integerInput
      .optional()
      .describe("Days to keep the artifact (1-90); empty uses the repository's setting."),
    "if-unconfigured": z
      .enum(["error", "skip"])
      .default("error")
      .describe(
        "Without a `model-test:` section in ctrain.yml: `error` fails the step, `skip` logs that the model is not tested and succeeds (the reusable workflows use it).",
      ),
  },
  { image: "model-test.image" },
);

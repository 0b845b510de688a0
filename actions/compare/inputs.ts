import { z } from "zod";
import { actionInputs, booleanInput, listInput, tokenInput } from "@ctrain/github";

/** The action's inputs as action.yml declares them (a test holds the two together), and the keys they override. */
export const INPUTS = actionInputs(
  {
    config: z
      .string()
      .optional()
      .describe(
        "Path to ctrain.yml (its `compare:` section holds the metric gates). Defaults to ctrain.yml in the workspace, if present.",
      ),
    bundle: z
      .string()
      .default(".ctrain")
      .describe("The run bundle folder the train step wrote (run.json, predictions); comparison.json is written here."),
    baseline: z
      .string()
      .optional()
      .describe(
        "Where the baseline comes from: auto, none, branch:<name>, release:<tag|latest>, run:<id>, git:<ref> or path:<folder>. Overrides compare.baseline.",
      ),
    "run-name": z
      .string()
      .optional()
      .describe(
        "The run bundle's name; baselines are the `ctrain-run-<name>` artifacts of earlier runs. Defaults to the name in the candidate's run.json (the train step's `name`).",
      ),
    candidates: listInput
      .optional()
      .describe(
        "For sweeps, bundle folders (one per line, globs allowed) of several candidate runs; the best by compare.objective is compared.",
      ),
    workflow: z
      .string()
      .optional()
      .describe(
        "The workflow file (or id) whose runs hold baselines. Defaults to the current workflow. Overrides compare.workflow.",
      ),
    "fail-on-regression": booleanInput
      .optional()
      .describe(
        "Fail the step when a gate fails. The comparison is written either way. Overrides compare.fail-on-regression.",
      ),
    "github-token": tokenInput.describe("Token used to find baseline runs and download their artifacts."),
  },
  {
    baseline: "compare.baseline",
    workflow: "compare.workflow",
    "fail-on-regression": "compare.fail-on-regression",
  },
);

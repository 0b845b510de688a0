import { z } from "zod";
import { actionInputs, booleanInput, integerInput, listInput, tokenInput } from "@ctrain/github";

/** The action's inputs as action.yml declares them (a test holds the two together), and the keys they override. */
export const INPUTS = actionInputs(
  {
    config: z
      .string()
      .optional()
      .describe(
        "Path to ctrain.yml (its `data:` section names the datasets and their checks). Default ctrain.yml in the workspace.",
      ),
    datasets: listInput
      .optional()
      .describe("Only these datasets of data.datasets, one per line or comma-separated. Default all."),
    bundle: z
      .string()
      .default(".ctrain")
      .describe("The run bundle folder; validation.json and profile/<dataset>.json are written here."),
    baseline: z
      .string()
      .optional()
      .describe(
        "Where the baseline profile comes from: auto, none, branch:<name>, release:<tag|latest>, run:<id> or path:<folder>. Overrides compare.baseline.",
      ),
    "run-name": z
      .string()
      .default("default")
      .describe("The run bundle's name; baselines are the `ctrain-run-<name>` artifacts of earlier runs."),
    workflow: z
      .string()
      .optional()
      .describe(
        "The workflow file (or id) whose runs hold baselines. Defaults to the current workflow. Overrides compare.workflow.",
      ),
    "fail-on-error": booleanInput
      .default(true)
      .describe("Fail the step when a check of severity error fails. validation.json is written either way."),
    "fail-on-drift": booleanInput
      .optional()
      .describe(
        "Fail the step on dataset drift (drifted share of columns >= data.drift.dataset-share). Overrides data.drift.fail-on-drift.",
      ),
    "max-annotations": integerInput
      .pipe(z.number().int().min(0, "expected 0 or more"))
      .default(10)
      .describe("Error and warning annotations on failing rows, each (GitHub shows at most 10 of each per step)."),
    "merge-profiles": listInput
      .optional()
      .describe(
        "Instead of reading data: folders (one per line, globs allowed) of shard bundles, each with profile/<dataset>.json written by a matrix job; their profiles are merged into this bundle's and drift is measured on the merge.",
      ),
    shard: z
      .string()
      .optional()
      .describe(
        "This job's shard, i/N (e.g. 2/4; N at most 64): validate only the i-th of N contiguous shares of each dataset's files (of its records, cut at record boundaries, when it has fewer files than shards), and save the partitions of the key, duplicate-rows and unique-column checks (keys/<dataset>/) in the bundle, so that merge-profiles finds repeats across shards exactly; the sketches' seed is offset by i-1. Upload the bundle for the merging job.",
      ),
    seed: integerInput
      .default(0)
      .describe(
        "Seed of the profile sketches. In a matrix of shards give each job its own (e.g. strategy.job-index) so their samples are independent.",
      ),
    threads: integerInput
      .optional()
      .describe(
        "Threads to read, check and profile with, each with its own memory budget. Overrides data.threads; default every core of the runner.",
      ),
    "github-token": tokenInput.describe("Token used to find baseline runs and download their bundles."),
  },
  {
    baseline: "compare.baseline",
    workflow: "compare.workflow",
    "fail-on-drift": "data.drift.fail-on-drift",
    threads: "data.threads",
  },
);

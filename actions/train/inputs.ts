import { z } from "zod";
import { actionInputs, booleanInput, integerInput, listInput, numberInput } from "@ctrain/github";

/** `90` is 90 minutes, as train.timeout reads a bare number; `30s`, `2h` pass through to the config's check. */
const durationInput = z.string().transform((value) => (/^\d+(\.\d+)?$/.test(value) ? Number(value) : value));

/** The action's inputs as action.yml declares them (a test holds the two together), and the keys they override. */
export const INPUTS = actionInputs(
  {
    command: z
      .string()
      .optional()
      .describe("The training command, run with bash -eo pipefail in the working directory. Overrides train.command."),
    config: z
      .string()
      .optional()
      .describe("Path to ctrain.yml; without it, ctrain.yml is read when it exists and defaults apply otherwise."),
    name: z
      .string()
      .optional()
      .describe(
        "The run's name, unique per workflow run: the artifact is ctrain-run-<name>. Default: the job id, plus the param overrides when there are any (so each matrix job of a sweep gets its own).",
      ),
    "working-directory": z
      .string()
      .optional()
      .describe(
        "Where the command runs; params, metrics, curves, predictions and model-files paths are relative to it. Overrides train.working-directory.",
      ),
    params: z
      .string()
      .optional()
      .describe(
        "Param overrides over train.params, one key=value per line (model.lr=0.01), or a JSON mapping such as the matrix passed through toJSON(matrix). The command reads the merged params from $CTRAIN_PARAMS_FILE (JSON).",
      ),
    timeout: durationInput
      .optional()
      .describe(
        "How long the command may run: 30s, 90m, 2h, or a number of minutes. Overrides train.timeout (default 6h).",
      ),
    "kill-grace": numberInput
      .optional()
      .describe(
        "Seconds between TERM and KILL when a timeout stops the command. Overrides train.kill-grace (default 10).",
      ),
    metrics: listInput
      .optional()
      .describe(
        "Metric files the command writes (JSON or YAML; nested keys flattened as a.b.c), one per line or comma-separated. Overrides train.metrics. Default: metrics.json (or .yaml/.yml) in $CTRAIN_OUTPUT_DIR when the command writes it.",
      ),
    curves: listInput
      .optional()
      .describe(
        "Learning-curve files (CSV/TSV with a header, or JSON Lines) with a step or epoch column. Overrides train.curves.",
      ),
    predictions: z
      .string()
      .optional()
      .describe(
        "A predictions file the command writes, copied into the bundle for compare to evaluate. Overrides train.predictions.",
      ),
    "model-files": listInput
      .optional()
      .describe(
        "Model files, directories or globs; each is recorded with size and sha256, and pickle-based formats are flagged. Overrides train.model-files.",
      ),
    "log-tail-lines": integerInput
      .optional()
      .describe(
        "How many last lines of the command's output run.json keeps (0-1000). Overrides train.log-tail-lines (default 50).",
      ),
    cache: booleanInput
      .default(true)
      .describe(
        "Restore train.cache.paths before the command and save them after a successful run, keyed by the key files and dataset fingerprints.",
      ),
    "cache-paths": listInput
      .optional()
      .describe("Folders to cache (e.g. ~/.cache/pip), relative to the workspace. Overrides train.cache.paths."),
    "cache-key-files": listInput
      .optional()
      .describe(
        "Lockfiles whose content keys the cache (requirements.txt, poetry.lock, ...), relative to the workspace. Overrides train.cache.key-files.",
      ),
    "cache-key-prefix": z
      .string()
      .optional()
      .describe("The cache key's prefix (default ctrain-train). Overrides train.cache.key-prefix."),
    force: booleanInput
      .default(false)
      .describe(
        "Train even when the run cache holds the results of a run with the same command, code, data, params, lockfiles, platform and declared environment (train.run-cache). The new results replace nothing: cache entries are immutable.",
      ),
    upload: booleanInput
      .default(true)
      .describe("Upload the run bundle (.ctrain) as the workflow artifact ctrain-run-<name>."),
    "retention-days": integerInput
      .optional()
      .describe("Days to keep the artifact (1-90); empty uses the repository's setting."),
  },
  {
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
  },
);

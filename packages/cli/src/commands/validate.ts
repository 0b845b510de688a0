import { UserError } from "@ctrain/core";
import type { ValidationOutcome } from "@ctrain/data";
import { stringOption, type Command } from "../command.js";
import { validateStep } from "../steps.js";
import { WORKSPACE_OPTIONS, openWorkspace } from "../workspace.js";
import { terminal } from "../terminal.js";

/** One line per dataset: rows, checks, drift; then the first error if input was unreadable. */
export function describeValidation(outcome: ValidationOutcome): string {
  const lines = outcome.validation.datasets.map((dataset) => {
    const failed = dataset.results.filter((result) => !result.success);
    const drift = dataset.drift
      ? `, drift: ${dataset.drift.columns.filter((column) => column.drifted).length}/${dataset.drift.columns.length} columns${dataset.drift.datasetDrift ? " (dataset drifted)" : ""}`
      : "";
    return `${dataset.success ? "passed" : "failed"}  ${dataset.name}: ${dataset.rows.toLocaleString("en")} rows, ${dataset.results.length - failed.length}/${dataset.results.length} checks passed${drift}${
      failed.length
        ? `\n        failed: ${failed
            .slice(0, 5)
            .map((result) => `${result.check}${result.column ? `(${result.column})` : ""}`)
            .join(", ")}`
        : ""
    }`;
  });
  return lines.join("\n") + "\n";
}

export const validateCommand: Command = {
  name: "validate",
  summary: "check, profile and measure drift of the datasets in data.datasets",
  usage: "ctrain validate [--dataset <name> ...] [--base <branch>] [--threads <n>] [--shard <i/N> --bundle <dir>]",
  options: {
    ...WORKSPACE_OPTIONS,
    dataset: { type: "string", multiple: true, description: "only this dataset (repeat the flag)", valueName: "name" },
    base: {
      type: "string",
      description: "the branch whose run holds the baseline profiles (default: the repository's default branch)",
      valueName: "branch",
    },
    threads: {
      type: "string",
      description: "threads to read, check and profile with (overrides data.threads; default: every core)",
      valueName: "n",
    },
    shard: {
      type: "string",
      description:
        "validate only shard i of N of each dataset's files (or records, with fewer files than shards), for `ctrain profile merge` (with its own --bundle)",
      valueName: "i/N",
    },
  },
  async run(values) {
    const threads = stringOption(values, "threads");
    const workspace = openWorkspace(
      values,
      threads === undefined ? {} : { "data.threads": { value: Number(threads), source: "--threads" } },
    );
    const outcome = await validateStep(workspace, {
      datasets: values.dataset as string[] | undefined,
      shard: stringOption(values, "shard"),
    });
    terminal.out.write(describeValidation(outcome));
    if (outcome.errors[0]) throw outcome.errors[0];
    return outcome.verdict.passed ? 0 : 1;
  },
};

export const profileMergeCommand: Command = {
  name: "profile merge",
  summary: "merge the profiles of sharded validation runs into one validation.json and profile per dataset",
  usage: "ctrain profile merge <shard folder or glob> ...",
  options: { ...WORKSPACE_OPTIONS },
  async run(values, positionals) {
    const workspace = openWorkspace(values);
    if (positionals.length === 0)
      throw new UserError("name the shard bundle folders to merge", {
        hint: "ctrain profile merge 'shards/*/.ctrain'",
      });
    const outcome = await validateStep(workspace, { mergeShards: positionals });
    terminal.out.write(describeValidation(outcome));
    return outcome.verdict.passed ? 0 : 1;
  },
};

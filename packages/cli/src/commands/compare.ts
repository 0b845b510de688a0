import { DEFAULT_BUNDLE_DIR, type ComparisonDocument } from "@ctrain/core";
import { diffMarkdownTable, dvcDiffJson, type DiffRow } from "@ctrain/metrics";
import { toMetricValue } from "@ctrain/compare";
import type { Command } from "../command.js";
import { compareStep } from "../steps.js";
import { WORKSPACE_OPTIONS, flagOverrides, openWorkspace } from "../workspace.js";
import { stringOption } from "../command.js";

/** The gated metrics, one line each, and the overall verdict. */
export function describeVerdicts(document: ComparisonDocument): string {
  const lines = document.rows
    .filter((row) => row.verdict)
    .map((row) => `  ${row.verdict!.padEnd(28)} ${row.name}${row.threshold ? `  (${row.threshold})` : ""}`);
  lines.push(`verdict: ${document.verdict}${document.failed.length ? ` (failed: ${document.failed.join(", ")})` : ""}`);
  return lines.join("\n") + "\n";
}

export const compareCommand: Command = {
  name: "compare",
  summary: "compare the run in the bundle with its baseline and gate every metric",
  usage: "ctrain compare [--baseline <spec>] [--base <branch>] [--md | --json] [--all]",
  options: {
    ...WORKSPACE_OPTIONS,
    baseline: {
      type: "string",
      short: "b",
      description: "auto, none, branch:<name>, release:<tag|latest>, run:<id>, git:<ref> or path:<folder>",
      valueName: "spec",
    },
    base: { type: "string", description: "the branch changes merge into (default: main)", valueName: "branch" },
    candidates: {
      type: "string",
      multiple: true,
      description: "for sweeps: a candidate bundle folder (repeat the flag)",
      valueName: "dir",
    },
    md: { type: "boolean", description: "print the DVC-style markdown table (metrics diff --md)" },
    json: { type: "boolean", description: "print DVC-style JSON ({path: {key: {old, new, diff}}})" },
    all: { type: "boolean", description: "include unchanged metrics" },
    "no-fail": { type: "boolean", description: "exit 0 even when a gate fails" },
  },
  async run(values) {
    const workspace = openWorkspace(values, flagOverrides(values, { baseline: "compare.baseline" }));
    const candidates = values.candidates as string[] | undefined;
    const { document } = await compareStep(workspace, candidates, Boolean(values.json || values.md));
    const metricRows: DiffRow[] = document.rows
      .filter((row) => row.kind === "metric")
      .map((row) => ({
        key: row.name,
        old: toMetricValue(row.baseline),
        new: toMetricValue(row.candidate),
        delta: row.delta,
        relativeDelta: row.relativeDelta,
        changed: row.changed,
      }));
    const path = stringOption(values, "bundle") ?? `${DEFAULT_BUNDLE_DIR}/run.json`;
    if (values.json) {
      process.stdout.write(
        JSON.stringify(dvcDiffJson({ [path]: metricRows }, { all: Boolean(values.all) }), null, 2) + "\n",
      );
    } else {
      const table = diffMarkdownTable(
        { [path]: metricRows },
        {
          all: Boolean(values.all),
          oldLabel: document.baseline.commit?.slice(0, 7) ?? "baseline",
          newLabel: "workspace",
        },
      );
      process.stdout.write(table);
      if (!values.md) {
        process.stdout.write(`\nbaseline: ${document.baseline.description}\n`);
        for (const row of document.rows.filter((candidate) => candidate.verdict)) {
          process.stdout.write(
            `  ${row.verdict!.padEnd(28)} ${row.name}${row.threshold ? `  (${row.threshold})` : ""}\n`,
          );
        }
        process.stdout.write(
          `verdict: ${document.verdict}${document.failed.length ? ` (failed: ${document.failed.join(", ")})` : ""}\n`,
        );
      }
    }
    return document.verdict === "failed" && workspace.config.compare["fail-on-regression"] && !values["no-fail"]
      ? 1
      : 0;
  },
};

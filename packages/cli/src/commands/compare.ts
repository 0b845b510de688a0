import { DEFAULT_BUNDLE_DIR, type ComparisonDocument } from "@ctrain/core";
import { formatNumber, formatSigned } from "@ctrain/report";
import { diffMarkdownTable, dvcDiffJson, type DiffRow } from "@ctrain/metrics";
import { toMetricValue } from "@ctrain/compare";
import type { Command } from "../command.js";
import { compareStep } from "../steps.js";
import { WORKSPACE_OPTIONS, flagOverrides, openWorkspace } from "../workspace.js";
import { stringOption } from "../command.js";
import { terminal } from "../terminal.js";

/** The gated metrics, one line each with the evidence, the reasons of every failed or open gate, and the verdict. */
export function describeVerdicts(document: ComparisonDocument): string {
  const lines: string[] = [];
  for (const row of document.rows.filter((candidate) => candidate.verdict)) {
    const untested = row.verdict === "unchanged" && row.evidence?.method === "none";
    const label = untested ? "not tested" : row.verdict!;
    const change = row.delta === null ? "" : `  change ${formatSigned(row.delta)}`;
    const interval = row.interval
      ? `  ${formatNumber(row.interval.confidence * 100)}% [${formatNumber(row.interval.low)}, ${formatNumber(row.interval.high)}] ${row.interval.method}`
      : "";
    const p = row.pValue === undefined ? "" : `  p ${row.pValue < 1e-4 ? "< 0.0001" : formatNumber(row.pValue)}`;
    lines.push(
      `  ${label.padEnd(12)} ${row.name}${change}${interval}${p}${row.threshold ? `  (${row.threshold})` : ""}`,
    );
    const reasons =
      row.verdict === "failed" || row.verdict === "inconclusive"
        ? row.reasons
        : untested && row.evidence?.note
          ? [row.evidence.note]
          : [];
    for (const reason of reasons) lines.push(`               - ${reason}`);
  }
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
    base: {
      type: "string",
      description: "the branch changes merge into (default: the repository's default branch)",
      valueName: "branch",
    },
    candidates: {
      type: "string",
      multiple: true,
      description: "for sweeps: a candidate bundle folder or a glob of them, e.g. 'sweep/*' (repeat the flag)",
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
      terminal.out.write(
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
      terminal.out.write(table);
      if (!values.md) {
        terminal.out.write(`\nbaseline: ${document.baseline.description}\n${describeVerdicts(document)}`);
      }
    }
    return document.verdict === "failed" && workspace.config.compare["fail-on-regression"] && !values["no-fail"]
      ? 1
      : 0;
  },
};

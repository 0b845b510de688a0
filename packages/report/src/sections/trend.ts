import type { RecordedValue, RunDocument } from "@ctrain/core";
import { noiseBand } from "@ctrain/metrics";
import { labelCell, valueCell } from "../cells.js";
import { lineChart } from "../chart.js";
import { heading, label, link, text, type Block, type Cell } from "../document.js";
import { shortSha } from "../format.js";
import type { Section } from "../fit.js";
import type { ReportContext } from "../input.js";

/** Metrics drawn in the trend: the gated ones (failing first), else the run's first numeric ones. */
const TREND_METRICS_MAX = 4;

function keyMetrics(context: ReportContext): string[] {
  const gated = (context.input.comparison?.rows ?? [])
    .filter((row) => row.kind === "metric" && row.verdict !== undefined && row.verdict !== "skipped")
    .sort((a, b) => Number(b.verdict === "failed") - Number(a.verdict === "failed"))
    .map((row) => row.name);
  const names = gated.length
    ? gated
    : Object.entries(context.input.run?.metrics ?? {})
        .filter(([, value]) => typeof value === "number")
        .map(([name]) => name);
  return names.slice(0, TREND_METRICS_MAX);
}

function numeric(value: RecordedValue | undefined): number {
  return typeof value === "number" ? value : NaN;
}

function runName(run: RunDocument): string {
  return shortSha(run.source.commit) ?? (run.source.runId ? `run ${run.source.runId}` : run.createdAt.slice(0, 10));
}

/** The base branch's run-to-run noise around its median: 95% of runs of an unchanged model fall inside. */
function bandOf(history: RunDocument[], metric: string): { low: number; high: number; name: string } | undefined {
  const band = noiseBand(history.map((run) => numeric(run.metrics[metric])));
  if (!band) return undefined;
  const halfWidth = 1.96 * band.sd;
  return { low: band.median - halfWidth, high: band.median + halfWidth, name: "run-to-run noise (95%)" };
}

/** Key metrics over the base branch's recent runs and this one: a Mermaid chart per metric, with the table beside. */
export function trendSection(context: ReportContext): Section | undefined {
  const history = (context.input.history ?? []).slice(0, context.trendRuns).reverse();
  const candidate = context.input.run;
  if (!history.length || context.trendRuns === 0) return undefined;
  const runs = candidate ? [...history, candidate] : history;
  const metrics = keyMetrics(context);
  if (!metrics.length) return undefined;
  const branch = history[0]!.source.branch;
  const title: Block = heading(3, label("Trend on "), branch ? text(branch) : label("the base branch"));
  const isCandidate = (index: number): boolean => candidate !== undefined && index === runs.length - 1;
  const rows = runs.map((run, index): Cell[] => {
    const name = label(isCandidate(index) ? `${runName(run)} (this run)` : runName(run));
    const url = context.trustedUrl(run.source.runUrl);
    return [
      [url ? link(url, name) : name],
      labelCell(run.createdAt.slice(0, 10)),
      ...metrics.map((metric) => valueCell(run.metrics[metric])),
    ];
  });
  const table: Block = {
    kind: "table",
    head: [labelCell("run"), labelCell("date"), ...metrics.map((metric) => [text(metric)])],
    align: ["left", "left", ...metrics.map((): "right" => "right")],
    rows,
  };
  const charts: Block[] = metrics.flatMap((metric) => {
    const chart = lineChart({
      title: metric,
      xLabel: "run",
      points: runs.map((run, index) => ({
        x: isCandidate(index) ? "this run" : runName(run),
        y: numeric(run.metrics[metric]),
      })),
      band: bandOf(history, metric),
    });
    return chart ? [{ kind: "chart" as const, chart }] : [];
  });
  const variants: Section["variants"] = [];
  if (context.charts && charts.length) variants.push(() => [title, ...charts, table]);
  variants.push(
    () => [title, table],
    () => [],
  );
  return { priority: 30, variants };
}

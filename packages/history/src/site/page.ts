import { createHash } from "node:crypto";
import { htmlDataText, htmlText } from "@ctrain/report";
import type { HistoryRecord } from "../record.js";
import { CLIENT_SCRIPT } from "./client-script.js";
import { driftHeatmap } from "./drift-heatmap.js";
import { runLinks } from "./links.js";
import { metricChart } from "./metric-chart.js";
import { runTable } from "./run-table.js";
import { CHARTED_METRICS_MAX, TABLE_METRICS_MAX, metricsByImportance, shortDate } from "./view.js";

const STYLE = `
:root { color-scheme: light; font-family: system-ui, sans-serif; color: #1f2328; }
body { margin: 0 auto; max-width: 1200px; padding: 16px 24px 48px; }
h1 { font-size: 1.5rem; margin-bottom: 4px; } h2 { margin-top: 32px; border-bottom: 1px solid #d0d7de; }
nav a { margin-right: 16px; } a { color: #0969da; }
table { border-collapse: collapse; font-size: 0.875rem; } th, td { padding: 4px 8px; border-bottom: 1px solid #eaeef2; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; } .mono { font-family: ui-monospace, monospace; }
th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; }
th[aria-sort=ascending] button::after { content: " \\25B2"; } th[aria-sort=descending] button::after { content: " \\25BC"; }
td.failed, td.regressed { color: #cf222e; font-weight: 600; } td.improved { color: #1a7f37; } td.drifted { color: #bc4c00; }
.table-wrap { max-height: 70vh; overflow: auto; border: 1px solid #d0d7de; }
.table-wrap thead th { position: sticky; top: 0; background: #f6f8fa; }
#filter { font: inherit; padding: 4px 8px; width: 28em; max-width: 100%; margin: 8px 12px 8px 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 16px; }
svg { width: 100%; height: auto; background: #fff; font-size: 12px; }
.chart-title { font-size: 15px; font-weight: 600; } .tick { text-anchor: end; dominant-baseline: middle; fill: #57606a; }
.axis { text-anchor: middle; fill: #57606a; } .grid { stroke: #d0d7de; } .line { fill: none; stroke: #0969da; stroke-width: 1.5; }
.marks { stroke: #0969da; stroke-width: 5; stroke-linecap: round; } .interval { stroke: #54aeff; stroke-width: 1.5; }
.release { stroke: #8250df; stroke-dasharray: 4 3; } .release-label { fill: #8250df; font-size: 11px; }
.row-label { text-anchor: end; dominant-baseline: middle; } .axis-end { text-anchor: end; }
.compare-table .differs th, .compare-table .differs td { background: #fff8c5; }
#chart-tip { position: absolute; background: #1f2328; color: #fff; padding: 4px 8px; border-radius: 4px; font-size: 12px; pointer-events: none; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.note { color: #57606a; }
`;

export interface SiteOptions {
  /** `owner/name`, shown in the title. */
  repository?: string;
  branch?: string;
  /** When the site was built; the page says so. */
  generatedAt?: Date;
  /** Store lines that were refused, counted on the page so nothing is dropped silently. */
  refused?: number;
}

/** Significant digits of the numbers in the page's data: more than any table shows, far fewer bytes than 17. */
const DATA_DIGITS = 6;

/** The page's copy of a record: what the script shows, with numbers shortened. */
function compactRecord(key: string, value: unknown): unknown {
  if (key === "schema" || key === "repository") return undefined;
  return typeof value === "number" && !Number.isInteger(value) ? Number(value.toPrecision(DATA_DIGITS)) : value;
}

/** JSON inside a script element: no `<` can end the element and no line separator can break older parsers. */
function inlineJson(value: unknown): string {
  return JSON.stringify(value, compactRecord).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * The history site as one self-contained HTML page: styles, script and data inline, no request to anywhere (the
 * content security policy forbids every fetch and any script but the page's own). Runs are given oldest first.
 */
export function renderHistorySite(records: readonly HistoryRecord[], options: SiteOptions = {}): string {
  const runs = [...records].sort((a, b) => Date.parse(a.date) - Date.parse(b.date));
  const metrics = metricsByImportance(runs);
  const charts = metrics.slice(0, CHARTED_METRICS_MAX);
  const tableMetrics = metrics.slice(0, TABLE_METRICS_MAX);
  const data = { runs: runs.map((run) => ({ ...run, links: runLinks(run) })), charts, tableMetrics };
  const scriptHash = createHash("sha256").update(CLIENT_SCRIPT).digest("base64");
  const where = [options.repository, options.branch].filter((part): part is string => part !== undefined);
  const title = `ctrain history${where.length ? `: ${where.join(" on ")}` : ""}`;
  const span = runs.length
    ? `${runs.length} runs from ${shortDate(runs[0]!.date)} to ${shortDate(runs.at(-1)!.date)} (UTC)`
    : "no runs recorded yet";
  const chartBlocks = charts.flatMap((name, index) => metricChart(name, runs, index) ?? []);
  const heatmap = driftHeatmap(runs);
  const hiddenMetrics = metrics.length - charts.length;
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; base-uri 'none'; form-action 'none'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${htmlDataText(title)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<header><h1>${htmlDataText(title)}</h1><p class="note">${htmlText(span)}.`,
    options.generatedAt ? ` Built ${htmlText(shortDate(options.generatedAt.toISOString()))} UTC.` : "",
    options.refused ? ` ${options.refused} damaged store lines were left out.` : "",
    "</p>",
    '<nav><a href="#runs">Runs</a><a href="#compare">Compare</a><a href="#metrics">Metrics</a><a href="#drift">Drift</a></nav></header>',
    '<section id="runs"><h2>Runs</h2>',
    '<label for="filter" class="visually-hidden">Filter runs</label>',
    '<input id="filter" type="search" placeholder="Filter: commit, date, release, verdict, param=value" autocomplete="off">',
    '<span id="shown" class="note"></span>',
    '<p class="note">Tick two runs to compare them; click a column to sort.</p>',
    `<div class="table-wrap">${runTable(tableMetrics)}</div></section>`,
    '<section id="compare"><h2>Compare</h2><div id="compare-view"><noscript>Comparing runs needs JavaScript.</noscript></div></section>',
    '<section id="metrics"><h2>Metrics</h2>',
    '<p class="note">One dot per run. Whiskers: the interval of the change against the run\'s baseline, placed on the baseline; dashed lines: releases.',
    hiddenMetrics > 0 ? ` ${hiddenMetrics} more metrics are in the compare view.` : "",
    "</p>",
    chartBlocks.length
      ? `<div class="charts">${chartBlocks.join("")}</div>`
      : '<p class="note">No numeric metrics recorded.</p>',
    "</section>",
    '<section id="drift"><h2>Drift by column</h2>',
    heatmap
      ? `<p class="note">Each cell is a group of consecutive runs, shaded by the share of them whose drift test flagged the column.</p>${heatmap}`
      : '<p class="note">No run recorded drift tests.</p>',
    "</section>",
    '<div id="chart-tip" hidden></div>',
    `<script type="application/json" id="history-data">${inlineJson(data)}</script>`,
    `<script>${CLIENT_SCRIPT}</script>`,
    "</body></html>",
  ].join("\n");
}

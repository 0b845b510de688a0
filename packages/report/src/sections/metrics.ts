import type { ComparisonRow, RecordedValue } from "@ctrain/core";
import { labelCell, numberCell, percentChangeCell, signedCell, valueCell } from "../cells.js";
import { heading, label, paragraph, text, type Block, type Cell } from "../document.js";
import { formatCount, formatNumber } from "../format.js";
import { tableWithin, type Measure, type Section } from "../fit.js";
import type { ReportContext } from "../input.js";
import { byVerdict, metricVerdictLabel } from "../verdict.js";

const HEAD = ["metric", "baseline", "candidate", "delta", "delta %", "interval (test)", "p", "verdict"].map(labelCell);
const ALIGN: ("left" | "right")[] = ["left", "right", "right", "right", "right", "right", "right", "left"];

function metricName(row: ComparisonRow): Cell {
  const mark = row.direction === "higher" ? " ↑" : row.direction === "lower" ? " ↓" : "";
  return [text(row.name), label(mark)];
}

/** The one interval the verdict used, with its level and test. */
function intervalCell(row: ComparisonRow): Cell {
  const { interval } = row;
  if (!interval) return labelCell(row.evidence?.method === "none" ? "not tested" : "–");
  const confidence = `${formatNumber(interval.confidence * 100)}%`;
  return labelCell(
    `[${formatNumber(interval.low)}, ${formatNumber(interval.high)}] (${confidence}, ${interval.method})`,
  );
}

function pValueCell(row: ComparisonRow): Cell {
  if (row.pValue === undefined) return numberCell(undefined);
  return labelCell(row.pValue < 1e-4 ? "< 0.0001" : formatNumber(row.pValue));
}

function verdictCell(row: ComparisonRow): Cell {
  const verdict = metricVerdictLabel(row);
  if (!verdict) return numberCell(undefined);
  const cell: Cell = [label(verdict)];
  // Reasons explain what a reviewer acts on: a failed or open gate, and why a change went untested.
  if (row.verdict === "failed" || row.verdict === "inconclusive") {
    if (row.reasons.length) cell.push(label(": "), text(row.reasons.join("; ")));
  } else if (row.evidence?.method === "none" && row.evidence.note) {
    cell.push(label(": "), text(row.evidence.note));
  }
  return cell;
}

const comparisonRow = (row: ComparisonRow): Cell[] => [
  metricName(row),
  valueCell(row.baseline),
  valueCell(row.candidate),
  signedCell(row.delta),
  percentChangeCell(row.relativeDelta),
  intervalCell(row),
  pValueCell(row),
  verdictCell(row),
];

const needsAttention = (row: ComparisonRow): boolean => row.verdict === "failed" || row.verdict === "inconclusive";
const gatedOrChanged = (row: ComparisonRow): boolean =>
  (row.verdict !== undefined && row.verdict !== "skipped") || row.changed;

function comparisonVariant(rows: ComparisonRow[], shown: ComparisonRow[], budget: number, measure: Measure): Block[] {
  const title = heading(3, label("Metrics"));
  const hidden = rows.length - shown.length;
  if (!shown.length) {
    return [
      title,
      paragraph(
        label(`None of the ${formatCount(rows.length)} metrics needs attention; the table is in the full report.`),
      ),
    ];
  }
  const table = tableWithin(
    { head: HEAD, rows: shown.map(comparisonRow), align: ALIGN },
    budget - measure(`### Metrics\n\n`),
    measure,
    (count) => `…and ${formatCount(count + hidden)} more metrics in the full report.`,
  );
  const blocks = [title, ...table];
  const lastIsNote = table.length > 0 && table[table.length - 1]!.kind === "paragraph";
  if (hidden && !lastIsNote) {
    blocks.push(paragraph(label(`${formatCount(hidden)} passing or unchanged metrics are in the full report.`)));
  }
  return blocks;
}

function runMetricsVariant(metrics: [string, RecordedValue][], budget: number, measure: Measure): Block[] {
  return [
    heading(3, label("Metrics")),
    ...tableWithin(
      {
        head: [labelCell("metric"), labelCell("value")],
        rows: metrics.map(([name, value]) => [[text(name)], valueCell(value)]),
        align: ["left", "right"],
      },
      budget - measure(`### Metrics\n\n`),
      measure,
      (count) => `…and ${formatCount(count)} more metrics in the full report.`,
    ),
  ];
}

/**
 * The DVC-style metrics table, failing rows first. Shortened to the gated or changed rows, then to the failing and
 * inconclusive ones, which are kept as long as any room is left. Without a comparison, the run's own metrics.
 */
export function metricsSection(context: ReportContext): Section | undefined {
  const { comparison, run } = context.input;
  if (comparison) {
    const rows = comparison.rows.filter((row) => row.kind === "metric").sort(byVerdict);
    if (!rows.length) return undefined;
    const attention = rows.filter(needsAttention);
    return {
      priority: 90,
      variants: [
        (budget, measure) => comparisonVariant(rows, rows, budget, measure),
        (budget, measure) => comparisonVariant(rows, rows.filter(gatedOrChanged), budget, measure),
        (budget, measure) => comparisonVariant(rows, attention, budget, measure),
      ],
    };
  }
  const metrics = Object.entries(run?.metrics ?? {});
  if (!metrics.length) return undefined;
  return { priority: 90, variants: [(budget, measure) => runMetricsVariant(metrics, budget, measure)] };
}

import { lowerIsBetter, sliceMetricKey, type SliceEvaluation } from "@ctrain/metrics";
import { labelCell, numberCell, textCell } from "../cells.js";
import { heading, label, paragraph, text, type Block, type Cell } from "../document.js";
import type { Section } from "../fit.js";
import { MISSING, formatCount, formatNumber } from "../format.js";
import type { ReportContext } from "../input.js";

/** Columns of the table: the gated metrics the slices have, at most this many. */
const SLICE_METRICS_MAX = 2;
/** Rows per grouping in the comment; the full report lists every slice. */
const SLICES_SHORT = 10;
/** Without gates, the metric a slice table is sorted by, the first the slices have. */
const HEADLINE_METRICS = ["accuracy", "roc_auc", "f1", "r2", "mae", "ndcg@10", "map@10", "subset_accuracy"];

/** The metrics the tables show: those the comparison gated, else the task's headline metric. */
function shownMetrics(context: ReportContext, slices: readonly SliceEvaluation[]): string[] {
  const present = new Set(slices.flatMap((slice) => Object.keys(slice.metrics)));
  const gated = (context.input.comparison?.rows ?? [])
    .filter((row) => row.kind === "metric" && row.verdict && !row.name.includes(":"))
    .map((row) => row.name)
    .filter((name) => present.has(name));
  const chosen = gated.length ? gated : HEADLINE_METRICS.filter((name) => present.has(name)).slice(0, 1);
  return [...new Set(chosen)].slice(0, SLICE_METRICS_MAX);
}

/** Worst first by the first metric; slices without it last. */
function worstFirst(metric: string): (a: SliceEvaluation, b: SliceEvaluation) => number {
  const sign = lowerIsBetter(metric) ? -1 : 1;
  return (a, b) => {
    const [x, y] = [a.metrics[metric], b.metrics[metric]];
    if (x === undefined || Number.isNaN(x)) return y === undefined || Number.isNaN(y) ? 0 : 1;
    if (y === undefined || Number.isNaN(y)) return -1;
    return sign * (x - y);
  };
}

/** Every slice of each grouping, worst first, with its size, its metrics and the interval of their change. */
export function slicesSection(context: ReportContext): Section | undefined {
  const slices = context.input.evaluation?.slices ?? [];
  if (!slices.length) return undefined;
  const metrics = shownMetrics(context, slices);
  if (!metrics.length) return undefined;
  const rowsByName = new Map((context.input.comparison?.rows ?? []).map((row) => [row.name, row]));
  const groupings = [...new Set(slices.map((slice) => slice.grouping))];

  const tableOf = (grouping: string, limit: number): Block[] => {
    const members = slices.filter((slice) => slice.grouping === grouping).sort(worstFirst(metrics[0]!));
    const rows: Cell[][] = members.slice(0, limit).map((slice) => [
      textCell(Object.values(slice.values).join(", ")),
      numberCell(slice.rows, formatCount),
      ...metrics.flatMap((metric): Cell[] => {
        const interval = rowsByName.get(sliceMetricKey(slice.key, metric))?.interval;
        return [
          numberCell(slice.metrics[metric]),
          labelCell(
            interval
              ? `[${formatNumber(interval.low)}, ${formatNumber(interval.high)}] (${formatNumber(interval.confidence * 100)}%)`
              : MISSING,
          ),
        ];
      }),
      slice.gated ? labelCell("gated") : [label("not gated: "), text(slice.reason ?? "too few rows")],
    ]);
    const blocks: Block[] = [
      heading(4, label("Slices by "), text(grouping)),
      {
        kind: "table",
        head: [
          labelCell("slice"),
          labelCell("rows"),
          ...metrics.flatMap((metric) => [[text(metric)], [label("change interval of "), text(metric)]]),
          labelCell(""),
        ],
        rows,
        align: ["left", "right", ...metrics.flatMap(() => ["right", "left"] as const), "left"],
      },
    ];
    if (members.length > limit) {
      blocks.push(paragraph(label(`${formatCount(members.length - limit)} more slices in the full report.`)));
    }
    return blocks;
  };
  const render = (limit: number): Block[] => [
    heading(3, label("Slices")),
    paragraph(label(`Worst first by ${metrics[0]}; a change interval is the paired test's, where the slice is gated.`)),
    ...groupings.flatMap((grouping) => tableOf(grouping, limit)),
  ];
  return { priority: 24, variants: [() => render(Infinity), () => render(SLICES_SHORT), () => []] };
}

import { labelCell, valueCell } from "../cells.js";
import { heading, label, strong, text, type Block, type Cell } from "../document.js";
import type { Section } from "../fit.js";
import { formatNumber } from "../format.js";
import type { ReportContext } from "../input.js";

/** Metric columns beyond the objective; more would not fit a comment's width. */
const METRIC_COLUMNS_MAX = 5;
const SHORT_LIST = 10;

type VersusBest = NonNullable<NonNullable<ReportContext["input"]["comparison"]>["leaderboard"]>[number]["versusBest"];

/** Whether the best run beats this one for real: "tied" when the paired test cannot tell them apart. */
function versusBestCell(versus: VersusBest, isBest: boolean): Cell {
  if (isBest) return labelCell("best");
  if (!versus || versus.method === "none" || versus.pValue === undefined) return labelCell("not tested");
  const p = versus.pValue < 1e-4 ? "< 0.0001" : formatNumber(versus.pValue);
  return labelCell(`${versus.tied ? "tied" : "behind"} (${versus.method} p ${p})`);
}

/** The sweep's runs ranked by the objective, the best one in bold, each tested against the best. */
export function leaderboardSection(context: ReportContext): Section | undefined {
  const comparison = context.input.comparison;
  const entries = [...(comparison?.leaderboard ?? [])].sort((a, b) => a.rank - b.rank);
  if (!entries.length) return undefined;
  const metricNames = [...new Set(entries.flatMap((entry) => Object.keys(entry.metrics)))].slice(0, METRIC_COLUMNS_MAX);
  const rows = entries.map((entry): Cell[] => {
    const name: Cell = [text(entry.name)];
    return [
      labelCell(String(entry.rank)),
      entry.name === comparison?.bestRun ? [strong(...name)] : name,
      valueCell(entry.objective),
      versusBestCell(entry.versusBest, entry.name === comparison?.bestRun),
      ...metricNames.map((metric) => valueCell(entry.metrics[metric])),
    ];
  });
  const table = (shown: Cell[][]): Block[] => [
    heading(3, label("Sweep leaderboard")),
    {
      kind: "table",
      head: [
        labelCell("rank"),
        labelCell("run"),
        labelCell("objective"),
        labelCell("vs best"),
        ...metricNames.map((metric) => [text(metric)]),
      ],
      align: ["right", "left", "right", "left", ...metricNames.map((): "right" => "right")],
      rows: shown,
    },
  ];
  const variants: Section["variants"] = [() => table(rows)];
  if (rows.length > SHORT_LIST) variants.push(() => table(rows.slice(0, SHORT_LIST)));
  variants.push(() => []);
  return { priority: 35, variants };
}

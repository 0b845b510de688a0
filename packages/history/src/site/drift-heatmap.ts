import { formatNumber, htmlDataText, htmlText } from "@ctrain/report";
import type { HistoryRecord } from "../record.js";
import { CHART_WIDTH } from "./metric-chart.js";
import { shortDate } from "./view.js";

/** Columns shown (the most often drifted first) and time bins across: bounded whatever the history's length. */
const HEATMAP_COLUMNS_MAX = 40;
const HEATMAP_BINS_MAX = 60;
const LABEL_WIDTH = 220;
const ROW_HEIGHT = 16;
const TOP = 8;
const LABEL_CHARS = 32;

interface Cell {
  tested: number;
  drifted: number;
  /** The largest statistic in the bin and its test. */
  statistic?: number;
  test?: string;
}

/** Runs (oldest first) in at most HEATMAP_BINS_MAX consecutive groups of near-equal size. */
function bins(count: number): { start: number; end: number }[] {
  const binCount = Math.min(count, HEATMAP_BINS_MAX);
  return Array.from({ length: binCount }, (_, bin) => ({
    start: Math.floor((bin * count) / binCount),
    end: Math.floor(((bin + 1) * count) / binCount),
  }));
}

/** White to red by the share of runs in the bin that found the column drifted. */
function fill(cell: Cell): string {
  if (cell.tested === 0) return "#eaeef2";
  const share = cell.drifted / cell.tested;
  const channel = (from: number, to: number): number => Math.round(from + (to - from) * share);
  return `rgb(${channel(255, 207)},${channel(255, 34)},${channel(255, 46)})`;
}

/**
 * Drift by column over time: a row per `dataset/column`, a cell per group of consecutive runs, shaded by the share
 * of those runs whose drift test flagged the column. Undefined when no run recorded drift.
 */
export function driftHeatmap(runs: readonly HistoryRecord[]): string | undefined {
  const columns = new Map<string, { drifted: number; cells: Cell[] }>();
  const groups = bins(runs.length);
  groups.forEach((group, binIndex) => {
    for (const run of runs.slice(group.start, group.end)) {
      for (const drift of run.drift) {
        const key = `${drift.dataset}/${drift.column}`;
        const column = columns.get(key) ?? { drifted: 0, cells: groups.map((): Cell => ({ tested: 0, drifted: 0 })) };
        const cell = column.cells[binIndex]!;
        cell.tested++;
        if (drift.drifted) {
          cell.drifted++;
          column.drifted++;
        }
        if (drift.statistic !== null && (cell.statistic === undefined || drift.statistic > cell.statistic)) {
          cell.statistic = drift.statistic;
          cell.test = drift.test;
        }
        columns.set(key, column);
      }
    }
  });
  if (!columns.size) return undefined;
  const shown = [...columns]
    .sort(([nameA, a], [nameB, b]) => b.drifted - a.drifted || (nameA < nameB ? -1 : 1))
    .slice(0, HEATMAP_COLUMNS_MAX);
  const cellWidth = (CHART_WIDTH - LABEL_WIDTH - 8) / groups.length;
  const height = TOP + shown.length * ROW_HEIGHT + 28;
  const parts = [
    `<svg class="heatmap" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${CHART_WIDTH} ${height}" role="img" aria-label="drift by column over ${runs.length} runs">`,
    `<title>Drift by column over ${runs.length} runs</title>`,
  ];
  shown.forEach(([name, column], row) => {
    const y = TOP + row * ROW_HEIGHT;
    parts.push(
      `<text class="row-label" x="${LABEL_WIDTH - 6}" y="${y + ROW_HEIGHT / 2}">${htmlDataText(name, LABEL_CHARS)}<title>${htmlDataText(name)}</title></text>`,
    );
    column.cells.forEach((cell, binIndex) => {
      const group = groups[binIndex]!;
      const span = `${shortDate(runs[group.start]!.date)} to ${shortDate(runs[group.end - 1]!.date)}`;
      const detail =
        cell.tested === 0
          ? "not tested"
          : `drifted in ${cell.drifted} of ${cell.tested} runs` +
            (cell.statistic === undefined ? "" : `; largest ${cell.test} statistic ${formatNumber(cell.statistic)}`);
      parts.push(
        `<rect x="${(LABEL_WIDTH + binIndex * cellWidth).toFixed(1)}" y="${y}" width="${Math.max(cellWidth - 1, 0.5).toFixed(1)}" height="${ROW_HEIGHT - 2}" fill="${fill(cell)}"><title>${htmlDataText(name)}, ${htmlText(span)}: ${htmlText(detail)}</title></rect>`,
      );
    });
  });
  const axisY = TOP + shown.length * ROW_HEIGHT + 16;
  parts.push(
    `<text class="axis-start" x="${LABEL_WIDTH}" y="${axisY}">${htmlText(shortDate(runs[0]!.date))}</text>`,
    `<text class="axis-end" x="${CHART_WIDTH - 8}" y="${axisY}">${htmlText(shortDate(runs.at(-1)!.date))}</text>`,
    "</svg>",
  );
  return parts.join("");
}

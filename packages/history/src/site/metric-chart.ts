import { axisTicks, formatNumber, htmlDataText, htmlText } from "@ctrain/report";
import type { HistoryRecord } from "../record.js";

// Hand-written: the report's svgChart draws lines with one noise band; history needs per-run intervals and release
// markers, and thousands of points as single paths (one element per mark would weigh megabytes).
export const CHART_WIDTH = 760;
const HEIGHT = 280;
const MARGIN = { top: 36, right: 20, bottom: 40, left: 72 };
const PLOT_WIDTH = CHART_WIDTH - MARGIN.left - MARGIN.right;
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom;
/** Release labels closer than this (in pixels) to the previous label are left out; the table lists every release. */
const RELEASE_LABEL_GAP = 48;
const RELEASE_LABEL_CHARS = 14;

const round = (value: number): string => String(Math.round(value * 10) / 10);

/** x of run `index` of `count`: the same rule the page's script uses to find the run under the pointer. */
function chartX(index: number, count: number): number {
  return MARGIN.left + (count <= 1 ? PLOT_WIDTH / 2 : (index * PLOT_WIDTH) / (count - 1));
}

/** The interval of the change against the run's baseline, placed on the run's own value (baseline + interval). */
function intervalOf(metric: HistoryRecord["metrics"][string] | undefined): [number, number] | undefined {
  if (metric?.value == null || metric.low === undefined || metric.high === undefined || metric.delta === undefined)
    return undefined;
  const baseline = metric.value - metric.delta;
  return [baseline + metric.low, baseline + metric.high];
}

/**
 * One metric over the runs (oldest first): its values as a line with a dot per run, each recorded interval as a
 * whisker, and a dashed marker at each run that was released. Every text is escaped.
 */
export function metricChart(name: string, runs: readonly HistoryRecord[], chartIndex: number): string | undefined {
  const values = runs.map((run) => run.metrics[name]?.value ?? null);
  const intervals = runs.map((run) => intervalOf(run.metrics[name]));
  const extent = [...values, ...intervals.flat()].filter(
    (value): value is number => typeof value === "number" && Number.isFinite(value),
  );
  if (!extent.length) return undefined;
  let low = Math.min(...extent);
  let high = Math.max(...extent);
  const pad = high > low ? (high - low) * 0.08 : Math.abs(high) * 0.05 || 1;
  low -= pad;
  high += pad;
  const yAt = (value: number): number => MARGIN.top + PLOT_HEIGHT - ((value - low) / (high - low)) * PLOT_HEIGHT;
  const count = runs.length;

  const line: string[] = [];
  const dots: string[] = [];
  const whiskers: string[] = [];
  let drawing = false;
  values.forEach((value, index) => {
    if (value === null) {
      drawing = false;
      return;
    }
    const x = round(chartX(index, count));
    const y = round(yAt(value));
    line.push(`${drawing ? "L" : "M"}${x} ${y}`);
    dots.push(`M${x} ${y}h0`);
    drawing = true;
    const interval = intervals[index];
    if (interval) whiskers.push(`M${x} ${round(yAt(interval[0]))}V${round(yAt(interval[1]))}`);
  });

  const releases: string[] = [];
  const releaseLabels: string[] = [];
  let lastLabelX = Number.NEGATIVE_INFINITY;
  runs.forEach((run, index) => {
    if (run.release === undefined) return;
    const x = chartX(index, count);
    releases.push(`M${round(x)} ${MARGIN.top}V${MARGIN.top + PLOT_HEIGHT}`);
    if (x - lastLabelX < RELEASE_LABEL_GAP) return;
    lastLabelX = x;
    releaseLabels.push(
      `<text class="release-label" x="${round(x + 3)}" y="${MARGIN.top - 4}">${htmlDataText(run.release, RELEASE_LABEL_CHARS)}<title>release ${htmlDataText(run.release)}</title></text>`,
    );
  });

  const title = htmlDataText(name);
  const parts = [
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${CHART_WIDTH} ${HEIGHT}" role="img" aria-label="${title} over ${count} runs" data-chart="${chartIndex}" data-x0="${MARGIN.left}" data-width="${PLOT_WIDTH}" data-count="${count}">`,
    `<title>${title} over ${count} runs</title>`,
    `<text class="chart-title" x="${MARGIN.left}" y="18">${title}</text>`,
  ];
  for (const tick of axisTicks(low, high)) {
    const y = round(yAt(tick));
    parts.push(
      `<path class="grid" d="M${MARGIN.left} ${y}H${CHART_WIDTH - MARGIN.right}"/>`,
      `<text class="tick" x="${MARGIN.left - 6}" y="${y}">${htmlText(formatNumber(tick))}</text>`,
    );
  }
  parts.push(
    `<text class="axis" x="${MARGIN.left + PLOT_WIDTH / 2}" y="${HEIGHT - 10}">runs, oldest to newest (${count})</text>`,
  );
  if (releases.length) parts.push(`<path class="release" d="${releases.join("")}"/>`, ...releaseLabels);
  if (whiskers.length) parts.push(`<path class="interval" d="${whiskers.join("")}"/>`);
  parts.push(`<path class="line" d="${line.join("")}"/>`, `<path class="marks" d="${dots.join("")}"/>`, "</svg>");
  return parts.join("");
}

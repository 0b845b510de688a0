import type { Chart } from "./document.js";

/** Charts hold at most this many points; longer series are thinned evenly, keeping the first and the last. */
const CHART_POINTS_MAX = 40;
/** Values beyond this have no exact decimal form in a chart's axis syntax. */
const CHARTABLE_MAGNITUDE = 1e15;

/** A chart of one line, or undefined when fewer than two of its points can be drawn. */
export function lineChart(options: {
  title: string;
  xLabel: string;
  points: { x: string; y: number }[];
  band?: Chart["band"];
}): Chart | undefined {
  const drawable = thin(
    options.points.filter((point) => Number.isFinite(point.y) && Math.abs(point.y) < CHARTABLE_MAGNITUDE),
  );
  if (drawable.length < 2) return undefined;
  return {
    title: options.title,
    xLabel: options.xLabel,
    x: drawable.map((point) => point.x),
    series: [{ name: options.title, values: drawable.map((point) => point.y) }],
    ...(options.band ? { band: options.band } : {}),
  };
}

export function thin<T>(items: T[], limit = CHART_POINTS_MAX): T[] {
  if (items.length <= limit) return items;
  const kept: T[] = [];
  for (let index = 0; index < limit; index++) kept.push(items[Math.round((index * (items.length - 1)) / (limit - 1))]!);
  return kept;
}

/** The y range with a little room around the lines and the noise band; a flat line gets room around its value. */
export function chartRange(chart: Chart): { low: number; high: number } {
  const values = chart.series.flatMap((series) => series.values);
  if (chart.band) values.push(chart.band.low, chart.band.high);
  const low = Math.min(...values);
  const high = Math.max(...values);
  const pad = high > low ? (high - low) * 0.1 : Math.abs(low) * 0.05 || 1;
  return { low: low - pad, high: high + pad };
}

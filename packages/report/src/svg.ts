import { chartRange } from "./chart.js";
import type { Chart } from "./document.js";
import { htmlText, singleLine } from "./escape.js";
import { formatNumber } from "./format.js";

// Hand-written rather than a charting library: a line chart is ~80 lines of SVG, needs no DOM, and stays a few KiB.
const WIDTH = 720;
const HEIGHT = 320;
const MARGIN = { top: 40, right: 24, bottom: 56, left: 72 };
const COLORS = ["#0969da", "#cf222e", "#1a7f37", "#8250df", "#bc4c00"];
const X_LABELS_MAX = 8;

/** Round tick steps (1, 2, 5 times a power of ten) so axis labels stay short. */
export function axisTicks(low: number, high: number, count = 5): number[] {
  const rough = (high - low) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) ?? rough;
  const values: number[] = [];
  for (let value = Math.ceil(low / step) * step; value <= high + step * 1e-9; value += step) {
    values.push(Number(value.toPrecision(12)));
  }
  return values;
}

const round = (value: number): string => String(Math.round(value * 100) / 100);
const textOf = (value: string): string => htmlText(singleLine(value, 80));

/** A self-contained SVG line chart; every label is escaped text. */
export function svgChart(chart: Chart): string {
  const { low, high } = chartRange(chart);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const count = chart.x.length;
  const xAt = (index: number): number =>
    MARGIN.left + (count === 1 ? plotWidth / 2 : (index * plotWidth) / (count - 1));
  const yAt = (value: number): number => MARGIN.top + plotHeight - ((value - low) / (high - low)) * plotHeight;
  const labelEvery = Math.ceil(count / X_LABELS_MAX);

  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" font-family="system-ui, sans-serif" font-size="12">`,
    `<title>${textOf(chart.title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="600">${textOf(chart.title)}</text>`,
  ];
  if (chart.band) {
    const top = round(yAt(chart.band.high));
    const height = round(yAt(chart.band.low) - yAt(chart.band.high));
    parts.push(
      `<rect x="${MARGIN.left}" y="${top}" width="${plotWidth}" height="${height}" fill="#ddf4ff"><title>${textOf(chart.band.name)}</title></rect>`,
    );
  }
  for (const tick of axisTicks(low, high)) {
    const y = round(yAt(tick));
    parts.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}" stroke="#d0d7de"/>`,
      `<text x="${MARGIN.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${htmlText(formatNumber(tick))}</text>`,
    );
  }
  chart.x.forEach((label, index) => {
    if (index % labelEvery !== 0 && index !== count - 1) return;
    parts.push(
      `<text x="${round(xAt(index))}" y="${HEIGHT - MARGIN.bottom + 18}" text-anchor="middle">${htmlText(singleLine(label, 16))}</text>`,
    );
  });
  parts.push(
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 12}" text-anchor="middle" fill="#57606a">${textOf(chart.xLabel)}</text>`,
  );
  chart.series.forEach((series, seriesIndex) => {
    const color = COLORS[seriesIndex % COLORS.length]!;
    const points = series.values.map((value, index) => `${round(xAt(index))},${round(yAt(value))}`);
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.join(" ")}"/>`);
    for (const point of points) {
      const [x, y] = point.split(",");
      parts.push(`<circle cx="${x}" cy="${y}" r="3" fill="${color}"/>`);
    }
    if (chart.series.length > 1) {
      const y = MARGIN.top + 14 * seriesIndex;
      parts.push(
        `<text x="${WIDTH - MARGIN.right}" y="${y}" text-anchor="end" fill="${color}">${textOf(series.name)}</text>`,
      );
    }
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

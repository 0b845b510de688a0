import { chartRange } from "./chart.js";
import type { Chart } from "./document.js";

/** Longest label in a Mermaid chart; longer ones crowd the axis. */
const LABEL_MAX_CHARS = 40;

/**
 * Mermaid's grammar has no escape for quotes and treats some punctuation as syntax, so labels keep only characters
 * that are plain text everywhere in it; the table beside each chart shows the names in full.
 */
function mermaidLabel(value: string): string {
  const plain = value
    .replace(/[^A-Za-z0-9 ._-]/g, "_")
    .replace(/\s+/g, " ")
    .trim();
  return `"${(plain || "_").slice(0, LABEL_MAX_CHARS)}"`;
}

/** A decimal Mermaid parses: no exponent (charts hold only values below 1e15), about 9 significant digits. */
function mermaidNumber(value: number): string {
  if (value === 0) return "0";
  const digits = Math.min(20, Math.max(0, 8 - Math.floor(Math.log10(Math.abs(value)))));
  const fixed = value.toFixed(digits);
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}

/** The lines of an `xychart-beta` block (without its fence). */
export function mermaidChart(chart: Chart): string[] {
  const { low, high } = chartRange(chart);
  return [
    "xychart-beta",
    `  title ${mermaidLabel(chart.title)}`,
    `  x-axis ${mermaidLabel(chart.xLabel)} [${chart.x.map(mermaidLabel).join(", ")}]`,
    `  y-axis ${mermaidLabel(chart.series[0]?.name ?? chart.title)} ${mermaidNumber(low)} --> ${mermaidNumber(high)}`,
    ...chart.series.map((series) => `  line [${series.values.map(mermaidNumber).join(", ")}]`),
    // xychart has no shaded area: the noise band's edges are two flat lines.
    ...(chart.band
      ? [chart.band.low, chart.band.high].map((edge) => `  line [${chart.x.map(() => mermaidNumber(edge)).join(", ")}]`)
      : []),
  ];
}

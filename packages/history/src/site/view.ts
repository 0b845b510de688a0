import type { HistoryRecord } from "../record.js";

/** Metrics drawn as charts, and the first of them shown as table columns; the compare view shows every metric. */
export const CHARTED_METRICS_MAX = 12;
export const TABLE_METRICS_MAX = 4;

/**
 * Metrics by how much they matter to the history: gated ones (a verdict recorded) first, then the ones most runs
 * recorded, then in the order runs first named them.
 */
export function metricsByImportance(runs: readonly HistoryRecord[]): string[] {
  const seen = new Map<string, { order: number; gated: number; present: number }>();
  for (const run of runs) {
    for (const [name, metric] of Object.entries(run.metrics)) {
      const entry = seen.get(name) ?? { order: seen.size, gated: 0, present: 0 };
      if (metric.verdict !== undefined && metric.verdict !== "skipped") entry.gated++;
      if (metric.value !== null) entry.present++;
      seen.set(name, entry);
    }
  }
  return [...seen]
    .filter(([, entry]) => entry.present > 0)
    .sort(([, a], [, b]) => b.gated - a.gated || b.present - a.present || a.order - b.order)
    .map(([name]) => name);
}

/** `2026-03-01 14:05` in UTC: sortable, and the same wherever the page is opened. */
export function shortDate(iso: string): string {
  return new Date(iso).toISOString().slice(0, 16).replace("T", " ");
}

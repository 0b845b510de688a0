import type { KllSortedView } from "./kll.js";
import { kllRankError } from "./kll.js";
import type { Moments } from "./moments.js";
import type { HistogramBucket, NumericSummary } from "./schema.js";

const SUMMARY_QUANTILE_RANKS = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1] as const;
const HISTOGRAM_BUCKETS = 10;

export interface NumericCounts {
  integerCount: number;
  nanCount: number;
  positiveInfinityCount: number;
  negativeInfinityCount: number;
}

/** The readable part of a numeric profile, from exact moments and the quantile sketch. */
export function summarizeNumbers(
  moments: Moments,
  sketch: KllSortedView,
  k: number,
  counts: NumericCounts,
): NumericSummary {
  const variance = moments.variance();
  const empty = moments.count === 0;
  const quantileAt = (rank: number): number =>
    rank === 0 ? moments.min : rank === 1 ? moments.max : sketch.quantile(rank);
  // numpy.linspace(min, max, 11): i * step + min, the last edge exactly max.
  const step = (moments.max - moments.min) / HISTOGRAM_BUCKETS;
  const equalWidthEdges = Array.from({ length: HISTOGRAM_BUCKETS + 1 }, (_, i) =>
    i === HISTOGRAM_BUCKETS ? moments.max : i * step + moments.min,
  );
  const decileEdges = Array.from({ length: HISTOGRAM_BUCKETS + 1 }, (_, i) => quantileAt(i / HISTOGRAM_BUCKETS));
  return {
    count: moments.count,
    integerCount: counts.integerCount,
    nanCount: counts.nanCount,
    positiveInfinityCount: counts.positiveInfinityCount,
    negativeInfinityCount: counts.negativeInfinityCount,
    min: empty ? null : moments.min,
    max: empty ? null : moments.max,
    mean: empty ? null : moments.mean,
    variance,
    standardDeviation: variance === null ? null : Math.sqrt(variance),
    quantiles: empty ? [] : SUMMARY_QUANTILE_RANKS.map((rank) => ({ rank, value: quantileAt(rank) })),
    rankError: sketch.isExact ? 0 : kllRankError(k),
    histograms: {
      equalWidth: empty ? [] : histogram(equalWidthEdges, sketch, moments.count),
      quantiles: empty ? [] : histogram(decileEdges, sketch, moments.count),
    },
  };
}

/**
 * Buckets [edge_i, edge_i+1), the last one closed (numpy's convention); counts are estimated from the
 * sketch and rounded cumulatively, so they add up to the count. All values in one bucket when min = max.
 */
function histogram(edges: number[], sketch: KllSortedView, count: number): HistogramBucket[] {
  const first = edges[0]!;
  const last = edges.at(-1)!;
  if (first === last) return [{ low: first, high: last, count }];
  const below = edges.map((edge, i) => (i === edges.length - 1 ? count : Math.round(count * sketch.shareBelow(edge))));
  return edges.slice(0, -1).map((low, i) => ({ low, high: edges[i + 1]!, count: below[i + 1]! - below[i]! }));
}

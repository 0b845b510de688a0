import { UserError } from "@ctrain/core";
import { compensatedMean } from "./summation.js";

/**
 * Ranking metrics over queries: each query's documents are ranked by score, highest first, and judged by their
 * relevance (a number >= 0; relevant means > 0). A query scores by itself; the metric is the mean over queries,
 * a query without any relevant document counting 0 (as scikit-learn's ndcg_score counts it).
 */
export interface RankedQuery {
  readonly relevance: Float64Array;
  readonly score: Float64Array;
}

/** Splits rows into queries by their group value, in order of first appearance. */
export function queriesOf(
  groups: readonly string[],
  relevance: ArrayLike<number>,
  score: ArrayLike<number>,
  where: string,
): RankedQuery[] {
  const rowsOfGroup = new Map<string, number[]>();
  groups.forEach((group, row) => {
    const value = relevance[row]!;
    if (!(value >= 0) || !Number.isFinite(value)) {
      throw new UserError(`relevance ${value} at row ${row + 1} is not a finite number >= 0`, {
        location: where,
        hint: "write graded relevance as 0 (irrelevant), 1, 2, ...",
      });
    }
    if (Number.isNaN(score[row]!)) {
      throw new UserError(`score is NaN at row ${row + 1}`, {
        location: where,
        hint: "fix or drop rows without a score",
      });
    }
    const rows = rowsOfGroup.get(group) ?? [];
    rows.push(row);
    rowsOfGroup.set(group, rows);
  });
  return [...rowsOfGroup.values()].map((rows) => ({
    relevance: Float64Array.from(rows, (row) => relevance[row]!),
    score: Float64Array.from(rows, (row) => score[row]!),
  }));
}

/** 1 / log2(rank + 1) for ranks 1..k, 0 beyond k (scikit-learn's discount, computed as it does). */
function discounts(length: number, k: number): Float64Array {
  return Float64Array.from({ length }, (_, i) => (i < k ? 1 / (Math.log(i + 2) / Math.log(2)) : 0));
}

/**
 * NDCG@k of one query as scikit-learn's ndcg_score(ignore_ties=False): documents with tied scores share the mean
 * relevance of their group over the discounts of the ranks the group spans (McSherry & Najork).
 */
export function queryNdcg({ relevance, score }: RankedQuery, k: number): number {
  const discount = discounts(relevance.length, k);
  const ideal = Float64Array.from(relevance)
    .sort()
    .reverse()
    .reduce((sum, gain, i) => sum + gain * discount[i]!, 0);
  if (ideal === 0) return 0;
  const order = Array.from({ length: score.length }, (_, i) => i).sort((a, b) => score[b]! - score[a]!);
  let gain = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    let relevanceSum = 0;
    let discountSum = 0;
    while (end < order.length && score[order[end]!] === score[order[start]!]) {
      relevanceSum += relevance[order[end]!]!;
      discountSum += discount[end]!;
      end++;
    }
    gain += (relevanceSum / (end - start)) * discountSum;
    start = end;
  }
  return gain / ideal;
}

/**
 * AP@k of one query: the sum of precision@i at each relevant rank i <= k, over min(k, relevant documents).
 * Tied scores keep the file's order (a stable sort), the one ranking choice that needs no averaging.
 */
export function queryAveragePrecisionAtK({ relevance, score }: RankedQuery, k: number): number {
  let relevantTotal = 0;
  for (const value of relevance) if (value > 0) relevantTotal++;
  if (relevantTotal === 0) return 0;
  const order = Array.from({ length: score.length }, (_, i) => i).sort((a, b) => score[b]! - score[a]!);
  let hits = 0;
  let sum = 0;
  for (let rank = 0; rank < Math.min(k, order.length); rank++) {
    if (relevance[order[rank]!]! > 0) {
      hits++;
      sum += hits / (rank + 1);
    }
  }
  return sum / Math.min(k, relevantTotal);
}

export const DEFAULT_RANKING_K = [10];

/** `ndcg@k` and `map@k` for every k, plus query_count. */
export function rankingScores(queries: readonly RankedQuery[], ks: readonly number[]): Record<string, number> {
  const metrics: Record<string, number> = { query_count: queries.length };
  for (const k of ks) {
    metrics[`ndcg@${k}`] = compensatedMean(queries.map((query) => queryNdcg(query, k)));
    metrics[`map@${k}`] = compensatedMean(queries.map((query) => queryAveragePrecisionAtK(query, k)));
  }
  return metrics;
}

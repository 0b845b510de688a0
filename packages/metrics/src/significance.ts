import { UserError } from "@ctrain/core";
import type { PairedClassification } from "./paired.js";
import { placementBelow } from "./roc-auc.js";
import { binomialHalfCdf, chiSquareSurvival, twoSidedNormalPValue } from "@ctrain/data";

export interface McNemarResult {
  /** Rows the baseline got right and the candidate wrong. */
  readonly baselineOnlyCorrect: number;
  /** Rows the candidate got right and the baseline wrong. */
  readonly candidateOnlyCorrect: number;
  /** Accuracy delta, candidate - baseline: (c - b) / n. */
  readonly delta: number;
  /** Exact two-sided p: binomtest(min(b, c), b + c, 0.5), statsmodels' mcnemar(exact=True). */
  readonly pValue: number;
  /** For comparison only: the chi-square approximation without and with continuity correction. */
  readonly chiSquare: { readonly statistic: number; readonly pValue: number; readonly correctedPValue: number };
}

/** McNemar's exact test on paired correctness: only rows where the two models disagree carry information. */
export function mcnemarTest(paired: PairedClassification): McNemarResult {
  const truth = paired.baseline.trueCodes;
  const baseline = paired.baseline.predCodes;
  const candidate = paired.candidate.predCodes;
  if (!baseline || !candidate) {
    throw new UserError("McNemar's test needs predicted labels from both models", {
      location: paired.candidate.source,
    });
  }
  let b = 0;
  let c = 0;
  for (let row = 0; row < paired.rows; row++) {
    const baselineRight = baseline[row] === truth[row];
    const candidateRight = candidate[row] === truth[row];
    if (baselineRight && !candidateRight) b++;
    else if (candidateRight && !baselineRight) c++;
  }
  return { ...mcnemarFromCounts(b, c), delta: (c - b) / paired.rows };
}

export function mcnemarFromCounts(b: number, c: number): Omit<McNemarResult, "delta"> {
  const discordant = b + c;
  const statistic = discordant === 0 ? 0 : (b - c) ** 2 / discordant;
  // statsmodels' continuity correction, (|b - c| - 1)^2 / (b + c), unclamped as it computes it.
  const corrected = discordant === 0 ? 0 : (Math.abs(b - c) - 1) ** 2 / discordant;
  return {
    baselineOnlyCorrect: b,
    candidateOnlyCorrect: c,
    pValue: discordant === 0 ? 1 : Math.min(1, 2 * binomialHalfCdf(Math.min(b, c), discordant)),
    chiSquare: {
      statistic,
      pValue: discordant === 0 ? 1 : chiSquareSurvival(statistic, 1),
      correctedPValue: discordant === 0 ? 1 : chiSquareSurvival(corrected, 1),
    },
  };
}

export interface DeLongResult {
  readonly baseline: number;
  readonly candidate: number;
  /** candidate - baseline. */
  readonly delta: number;
  readonly baselineVariance: number;
  readonly candidateVariance: number;
  readonly covariance: number;
  /** Standard error of the delta. */
  readonly standardError: number;
  readonly z: number;
  /** Two-sided p-value of "both AUCs are equal". */
  readonly pValue: number;
}

/**
 * DeLong's test for two correlated ROC AUCs on one test set, with Sun & Xu's (2014) fast structural
 * components: each positive's placement among the negatives (and vice versa) from sorted scores,
 * O(n log n) instead of comparing every pair.
 */
export function deLongTest(paired: PairedClassification): DeLongResult {
  const isPositive = paired.baseline.isPositive;
  const scores = [paired.baseline.positiveScore, paired.candidate.positiveScore];
  if (!isPositive || !scores[0] || !scores[1]) {
    throw new UserError("DeLong's test needs a binary problem with a score (or probabilities) from both models", {
      location: paired.candidate.source,
    });
  }
  const components = scores.map((score) => structuralComponents(score!, isPositive, paired.candidate.source));
  const [a, b] = components as [StructuralComponents, StructuralComponents];
  const covariance = (x: Float64Array, y: Float64Array): number => {
    let meanX = 0;
    let meanY = 0;
    for (let i = 0; i < x.length; i++) {
      meanX += x[i]!;
      meanY += y[i]!;
    }
    meanX /= x.length;
    meanY /= y.length;
    let sum = 0;
    for (let i = 0; i < x.length; i++) sum += (x[i]! - meanX) * (y[i]! - meanY);
    return sum / (x.length - 1);
  };
  const m = a.positive.length;
  const n = a.negative.length;
  const variance = (x: StructuralComponents, y: StructuralComponents): number =>
    covariance(x.positive, y.positive) / m + covariance(x.negative, y.negative) / n;
  const baselineVariance = variance(a, a);
  const candidateVariance = variance(b, b);
  const covarianceAB = variance(a, b);
  const delta = b.auc - a.auc;
  const deltaVariance = baselineVariance + candidateVariance - 2 * covarianceAB;
  const standardError = Math.sqrt(Math.max(0, deltaVariance));
  // Identical rankings give a zero variance and a zero delta: no evidence of a difference.
  const z = standardError > 0 ? delta / standardError : delta === 0 ? 0 : Math.sign(delta) * Infinity;
  return {
    baseline: a.auc,
    candidate: b.auc,
    delta,
    baselineVariance,
    candidateVariance,
    covariance: covarianceAB,
    standardError,
    z,
    pValue: twoSidedNormalPValue(z),
  };
}

interface StructuralComponents {
  readonly auc: number;
  /** V10: per positive row, the share of negatives scored below it (ties half). */
  readonly positive: Float64Array;
  /** V01: per negative row, the share of positives scored above it (ties half). */
  readonly negative: Float64Array;
}

function structuralComponents(scores: Float64Array, isPositive: Uint8Array, source: string): StructuralComponents {
  const positiveScores = scores.filter((_, row) => isPositive[row] === 1);
  const negativeScores = scores.filter((_, row) => isPositive[row] === 0);
  if (positiveScores.length < 2 || negativeScores.length < 2 || scores.some(Number.isNaN)) {
    throw new UserError("DeLong's test needs two or more rows of each class and no NaN scores", { location: source });
  }
  const sortedPositive = Float64Array.from(positiveScores).sort();
  const sortedNegative = Float64Array.from(negativeScores).sort();
  const positive = positiveScores.map((score) => placementBelow(sortedNegative, score) / sortedNegative.length);
  const negative = negativeScores.map(
    (score) => (sortedPositive.length - placementBelow(sortedPositive, score)) / sortedPositive.length,
  );
  let auc = 0;
  for (const value of positive) auc += value;
  return { auc: auc / positive.length, positive, negative };
}

export interface NoiseBand {
  readonly runs: number;
  readonly median: number;
  /** Median absolute deviation, unscaled. */
  readonly mad: number;
  /** k * 1.4826 * MAD: the MAD scaled to a normal standard deviation, times k. */
  readonly halfWidth: number;
  readonly k: number;
  /** candidate - median. */
  readonly delta: number;
  /** The candidate lies outside median ± halfWidth. */
  readonly outside: boolean;
}

export const NOISE_BAND_K = 3;
export const NOISE_BAND_MIN_RUNS = 3;

/**
 * Without predictions, repeated or historical baseline runs show how much a metric moves by chance: a
 * candidate is a real change when |candidate - median| > k * 1.4826 * MAD (k = 3; at least 3 runs).
 * With identical runs the MAD is 0 and any difference counts. Returns undefined with too few runs.
 */
export function noiseBand(history: readonly number[], candidate: number, k = NOISE_BAND_K): NoiseBand | undefined {
  const runs = history.filter((value) => Number.isFinite(value));
  if (runs.length < NOISE_BAND_MIN_RUNS) return undefined;
  const median = medianOf(runs);
  const mad = medianOf(runs.map((value) => Math.abs(value - median)));
  const halfWidth = k * 1.4826 * mad;
  const delta = candidate - median;
  return { runs: runs.length, median, mad, halfWidth, k, delta, outside: Math.abs(delta) > halfWidth };
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

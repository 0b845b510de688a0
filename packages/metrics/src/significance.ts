import { UserError } from "@ctrain/core";
import type { PairedClassification } from "./paired.js";
import { placementBelow } from "./roc-auc.js";
import { binomialCdf, binomialHalfCdf, chiSquareSurvival, twoSidedNormalPValue } from "@ctrain/stats";
import type { Alternative } from "./bootstrap.js";

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

type DiscordantCounts = Pick<McNemarResult, "baselineOnlyCorrect" | "candidateOnlyCorrect">;

/**
 * McNemar's exact p against `alternative` ("greater": the candidate is right more often). One-sided: the binomial
 * tail of the candidate's wins among the discordant rows; two-sided: statsmodels' mcnemar(exact=True).
 */
export function mcnemarPValue(result: DiscordantCounts, alternative: Alternative): number {
  const b = result.baselineOnlyCorrect;
  const c = result.candidateOnlyCorrect;
  const discordant = b + c;
  if (discordant === 0) return 1;
  if (alternative === "two-sided") return Math.min(1, 2 * binomialHalfCdf(Math.min(b, c), discordant));
  // P(C >= c) for greater, P(C <= c) for less; C ~ Binomial(b + c, 1/2).
  return alternative === "greater" ? binomialHalfCdf(b, discordant) : binomialHalfCdf(c, discordant);
}

/**
 * Clopper-Pearson's interval for the share of discordant rows the candidate won, scaled to the accuracy change
 * ((b + c) / n * (2 share - 1)): the inversion of the exact two-sided test, so it excludes 0 exactly when p < 1 -
 * confidence. Bisection on the binomial tails: no incomplete-beta inverse is in reach and 60 halvings are exact enough.
 */
export function mcnemarInterval(result: DiscordantCounts, rows: number, confidence: number): readonly [number, number] {
  const b = result.baselineOnlyCorrect;
  const c = result.candidateOnlyCorrect;
  const discordant = b + c;
  if (discordant === 0) return [0, 0];
  const tail = (1 - confidence) / 2;
  const solve = (tooLow: (share: number) => boolean): number => {
    let low = 0;
    let high = 1;
    for (let i = 0; i < 60; i++) {
      const middle = (low + high) / 2;
      if (tooLow(middle)) low = middle;
      else high = middle;
    }
    return (low + high) / 2;
  };
  // Lower end: the share at which seeing c or more wins has probability `tail`; upper: c or fewer.
  const lower = c === 0 ? 0 : solve((share) => 1 - binomialCdf(c - 1, discordant, share) < tail);
  const upper = c === discordant ? 1 : solve((share) => binomialCdf(c, discordant, share) > tail);
  const scale = discordant / rows;
  return [scale * (2 * lower - 1), scale * (2 * upper - 1)];
}

export function mcnemarFromCounts(b: number, c: number): Omit<McNemarResult, "delta"> {
  const discordant = b + c;
  const statistic = discordant === 0 ? 0 : (b - c) ** 2 / discordant;
  // statsmodels' continuity correction, (|b - c| - 1)^2 / (b + c), unclamped as it computes it.
  const corrected = discordant === 0 ? 0 : (Math.abs(b - c) - 1) ** 2 / discordant;
  return {
    baselineOnlyCorrect: b,
    candidateOnlyCorrect: c,
    pValue: mcnemarPValue({ baselineOnlyCorrect: b, candidateOnlyCorrect: c }, "two-sided"),
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
  /** The run-to-run standard deviation, 1.4826 * MAD (the MAD scaled to a normal's): robust to a real change among the runs. */
  readonly sd: number;
}

/**
 * How much a metric moves by chance from run to run, from the base branch's recent runs (at least `minRuns`):
 * undefined with fewer runs, or when they do not vary at all (a spread of 0 would call every difference real).
 */
export function noiseBand(history: readonly number[], minRuns = NOISE_BAND_MIN_RUNS): NoiseBand | undefined {
  const runs = history.filter((value) => Number.isFinite(value));
  if (runs.length < minRuns) return undefined;
  const median = medianOf(runs);
  const mad = medianOf(runs.map((value) => Math.abs(value - median)));
  if (mad === 0) return undefined;
  return { runs: runs.length, median, mad, sd: 1.4826 * mad };
}

export const NOISE_BAND_MIN_RUNS = 3;

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

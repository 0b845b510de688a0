import { UserError } from "@ctrain/core";
import {
  classifierStatistic,
  regressorStatistic,
  type AucStatistic,
  type CellStatistic,
  type PairedStatistic,
  type RowStatistic,
} from "./bootstrap-statistics.js";
import type { PairedClassification, PairedRegression } from "./paired.js";
import { BlockResampler } from "./block-resampler.js";
import { placementBelow } from "./roc-auc.js";
import { normalCdf, normalQuantile, Random } from "@ctrain/stats";

export interface BootstrapOptions {
  /** Resamples drawn (default 2000; scipy's default is 9999). */
  readonly resamples?: number;
  /** Two-sided confidence level of the interval (default 0.95). */
  readonly confidence?: number;
  readonly seed?: number;
  /** "bca" (scipy's default, the default here) or "percentile". */
  readonly method?: "bca" | "percentile";
}

export type ResampleScheme = "multinomial-cells" | "row-indices" | "stratified-row-indices";

export interface BootstrapInterval {
  readonly baseline: number;
  readonly candidate: number;
  /** candidate - baseline on the full test set. */
  readonly delta: number;
  /** Interval of the delta; null when no resample gave a finite delta. */
  readonly interval: readonly [number, number] | null;
  readonly confidence: number;
  readonly method: "bca" | "percentile";
  /** Why BCa was not used when it was asked for (e.g. every resample gave the same delta). */
  readonly fallbackReason?: string;
  readonly resamples: number;
  readonly seed: number;
  readonly scheme: ResampleScheme;
  /** Standard deviation of the resampled deltas. */
  readonly standardError: number;
}

export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_SEED = 20240601;

/** Cells outnumbered this many times by rows are drawn as multinomial counts, else row by row. */
const ROWS_PER_CELL_FOR_MULTINOMIAL = 16;

/** Which side of `d0` the alternative hypothesis puts the change on. */
export type Alternative = "greater" | "less" | "two-sided";

/**
 * The resampled deltas of one paired bootstrap, from which intervals at any level and p-values against any
 * change come, all from the same draws (so an interval and a test never disagree).
 */
export interface IntervalAt {
  /** null when no resample gave a finite delta. */
  readonly interval: readonly [number, number] | null;
  readonly method: "bca" | "percentile";
  /** Why BCa was not used when it was asked for (e.g. every resample gave the same delta). */
  readonly fallbackReason?: string;
}

export interface BootstrapDistribution {
  readonly baseline: number;
  readonly candidate: number;
  readonly delta: number;
  readonly resamples: number;
  readonly seed: number;
  readonly scheme: ResampleScheme;
  readonly standardError: number;
  /** Two-sided interval of the delta at `confidence`, by BCa unless it does not apply there (then the reason). */
  interval(confidence: number): IntervalAt;
  /**
   * p of "delta = d0" against `alternative`, by inverting the interval: the level at which d0 is the interval's end
   * (for the percentile method, the share of resampled deltas on the other side of d0).
   */
  pValue(d0: number, alternative: Alternative): number;
}

/** Resamples test rows with replacement (one index draw scores both models) and returns the delta's interval. */
export function bootstrapDelta(
  statistic: PairedStatistic,
  rows: number,
  options: BootstrapOptions = {},
): BootstrapInterval {
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) {
    throw new UserError(`confidence must lie strictly between 0 and 1, got ${confidence}`, { location: "confidence" });
  }
  const distribution = bootstrapDistribution(statistic, rows, options);
  const { interval: _interval, pValue: _pValue, ...summary } = distribution;
  return { ...summary, confidence, ...distribution.interval(confidence) };
}

export function bootstrapDistribution(
  statistic: PairedStatistic,
  rows: number,
  options: Omit<BootstrapOptions, "confidence"> = {},
): BootstrapDistribution {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(resamples) || resamples < 2) {
    throw new UserError(`bootstrap resamples must be an integer >= 2, got ${resamples}`, { location: "resamples" });
  }
  const random = Random.seeded(seed);
  const sampler = samplerFor(statistic, rows, random);
  const observed = sampler.observed();
  const deltas = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) deltas[b] = sampler.resampleDelta();
  const finite = deltas.filter((delta) => Number.isFinite(delta)).sort();
  const delta = observed[1]! - observed[0]!;
  const base = { baseline: observed[0]!, candidate: observed[1]!, delta, resamples, seed, scheme: sampler.scheme };
  if (finite.length === 0) {
    const fallbackReason = "no resample gave a finite delta";
    return {
      ...base,
      standardError: Number.NaN,
      interval: () => ({ interval: null, method: "percentile", fallbackReason }),
      pValue: () => 1,
    };
  }
  const standardError = standardDeviation(finite);
  const correction =
    (options.method ?? "bca") === "percentile"
      ? undefined
      : finite.length < resamples
        ? { reason: `${resamples - finite.length} resamples gave no finite delta` }
        : bcaCorrection(finite, delta, sampler.jackknife());
  const bca = correction && !("reason" in correction) ? correction : undefined;
  const fallbackReason = correction && "reason" in correction ? correction.reason : undefined;
  // BCa's levels, as scipy.stats.bootstrap computes them; the identity when BCa does not apply.
  const levelOf = (z: number): number =>
    bca ? normalCdf(bca.z0 + (bca.z0 + z) / (1 - bca.acceleration * (bca.z0 + z))) : normalCdf(z);
  const percentile = (confidence: number): readonly [number, number] => {
    const tail = (1 - confidence) / 2;
    return [quantile(finite, tail), quantile(finite, 1 - tail)];
  };
  const interval = (confidence: number): IntervalAt => {
    if (!bca) {
      return { interval: percentile(confidence), method: "percentile", ...(fallbackReason ? { fallbackReason } : {}) };
    }
    const tail = (1 - confidence) / 2;
    const lower = levelOf(normalQuantile(tail));
    const upper = levelOf(normalQuantile(1 - tail));
    if (!(lower >= 0 && upper <= 1 && lower <= upper)) {
      return {
        interval: percentile(confidence),
        method: "percentile",
        fallbackReason: "BCa levels fell outside [0, 1]",
      };
    }
    return { interval: [quantile(finite, lower), quantile(finite, upper)], method: "bca" };
  };
  const pValue = (d0: number, alternative: Alternative): number => {
    if (alternative === "two-sided") return Math.min(1, 2 * Math.min(pValue(d0, "greater"), pValue(d0, "less")));
    // The share of resampled deltas below d0 (ties half), kept off 0 and 1 by half a resample: B draws cannot show a
    // p-value below 1 / (2B).
    let below = 0;
    for (const value of finite) below += value < d0 ? 1 : value === d0 ? 0.5 : 0;
    const share = Math.min(Math.max(below / finite.length, 0.5 / finite.length), 1 - 0.5 / finite.length);
    // The z whose BCa level is that share: the interval's lower end reaches d0 at level normalCdf(z).
    const w = normalQuantile(share) - (bca?.z0 ?? 0);
    const z = bca ? w / (1 + bca.acceleration * w) - bca.z0 : w;
    const lowerTail = normalCdf(z);
    return alternative === "greater" ? lowerTail : 1 - lowerTail;
  };
  return { ...base, standardError, interval, pValue };
}

/** Leave-one-out deltas with how many rows give each (rows of one cell give the same value). */
interface Jackknife {
  readonly values: Float64Array;
  readonly multiplicity: Float64Array;
}

/**
 * Efron's BCa correction as scipy.stats.bootstrap computes it: bias z0 from the share of resampled deltas
 * below the observed one (ties count half), acceleration from the jackknife skewness.
 */
function bcaCorrection(
  sorted: Float64Array,
  observed: number,
  jackknife: Jackknife,
): { z0: number; acceleration: number } | { reason: string } {
  let below = 0;
  let belowOrEqual = 0;
  for (const delta of sorted) {
    if (delta < observed) below++;
    if (delta <= observed) belowOrEqual++;
  }
  const z0 = normalQuantile((below + belowOrEqual) / (2 * sorted.length));
  if (!Number.isFinite(z0))
    return { reason: "every resampled delta lies on one side of the observed delta (bias correction is infinite)" };
  let total = 0;
  let sum = 0;
  for (let i = 0; i < jackknife.values.length; i++) {
    total += jackknife.multiplicity[i]!;
    sum += jackknife.multiplicity[i]! * jackknife.values[i]!;
  }
  const mean = sum / total;
  let squares = 0;
  let cubes = 0;
  for (let i = 0; i < jackknife.values.length; i++) {
    const deviation = mean - jackknife.values[i]!;
    squares += jackknife.multiplicity[i]! * deviation * deviation;
    cubes += jackknife.multiplicity[i]! * deviation * deviation * deviation;
  }
  const acceleration = cubes / (6 * squares ** 1.5);
  if (!Number.isFinite(acceleration)) return { reason: "the jackknife deltas do not vary (acceleration is undefined)" };
  return { z0, acceleration };
}

/** numpy's default (linear) percentile of sorted values at probability q. */
export function quantile(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low]! + (position - low) * (sorted[high]! - sorted[low]!);
}

function standardDeviation(values: Float64Array): number {
  let mean = 0;
  for (const value of values) mean += value / values.length;
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  return Math.sqrt(squares / Math.max(1, values.length - 1));
}

interface Sampler {
  readonly scheme: ResampleScheme;
  observed(): Float64Array;
  resampleDelta(): number;
  jackknife(): Jackknife;
}

function samplerFor(statistic: PairedStatistic, rows: number, random: Random): Sampler {
  if (statistic.kind === "cells") return cellSampler(statistic, rows, random);
  if (statistic.kind === "rows") return rowSampler(statistic, rows, random);
  return aucSampler(statistic, rows, random);
}

function cellSampler(statistic: CellStatistic, rows: number, random: Random): Sampler {
  const cells = statistic.cellCount;
  const full = new Float64Array(cells);
  for (const cell of statistic.cellOfRow) full[cell]!++;
  const counts = new Float64Array(cells);
  const out = new Float64Array(2);
  const evaluate = (): number => {
    statistic.evaluate(counts, out);
    return out[1]! - out[0]!;
  };
  const multinomial = cells * ROWS_PER_CELL_FOR_MULTINOMIAL <= rows;
  const resampler = BlockResampler.over(rows, random);
  // Largest cells first: later conditional probabilities stay well away from rounding trouble.
  const order = Array.from({ length: cells }, (_, cell) => cell).sort((a, b) => full[b]! - full[a]!);
  return {
    scheme: multinomial ? "multinomial-cells" : "row-indices",
    observed() {
      const result = new Float64Array(2);
      statistic.evaluate(full, result);
      return result;
    },
    resampleDelta() {
      if (multinomial) {
        // A multinomial draw as a chain of binomials: each cell takes its share of the draws still unplaced.
        let remainingDraws = rows;
        let remainingRows = rows;
        for (const cell of order) {
          const drawn = remainingDraws === 0 ? 0 : random.nextBinomial(remainingDraws, full[cell]! / remainingRows);
          counts[cell] = drawn;
          remainingDraws -= drawn;
          remainingRows -= full[cell]!;
        }
      } else {
        counts.fill(0);
        countDrawnCells(resampler.resample(), statistic.cellOfRow, counts);
      }
      return evaluate();
    },
    jackknife() {
      const values = new Float64Array(cells);
      counts.set(full);
      for (let cell = 0; cell < cells; cell++) {
        counts[cell]!--;
        values[cell] = evaluate();
        counts[cell]!++;
      }
      return { values, multiplicity: full };
    },
  };
}

function rowSampler(statistic: RowStatistic, rows: number, random: Random): Sampler {
  const { features, width } = statistic;
  const sums = new Float64Array(width);
  const full = new Float64Array(width);
  for (let row = 0; row < rows; row++) for (let k = 0; k < width; k++) full[k]! += features[row * width + k]!;
  const resampler = BlockResampler.over(rows, random);
  return {
    scheme: "row-indices",
    observed: () => Float64Array.from(statistic.observed),
    resampleDelta() {
      resampler.resampleSums(features, width, sums);
      return statistic.delta(sums, rows);
    },
    jackknife() {
      const values = new Float64Array(rows);
      for (let row = 0; row < rows; row++) {
        for (let k = 0; k < width; k++) sums[k] = full[k]! - features[row * width + k]!;
        values[row] = statistic.delta(sums, rows - 1);
      }
      return { values, multiplicity: new Float64Array(rows).fill(1) };
    },
  };
}

function aucSampler(statistic: AucStatistic, rows: number, random: Random): Sampler {
  const rowsOfStratum = Array.from({ length: statistic.strata }, () => [] as number[]);
  statistic.stratumOfRow.forEach((stratum, row) => rowsOfStratum[stratum]!.push(row));
  const resamplers = rowsOfStratum.map((list) => new BlockResampler(Int32Array.from(list), random));
  const tallies = statistic.tasks.map((task) =>
    task.models.map((model) => ({
      positive: new Float64Array(model.groups),
      negative: new Float64Array(model.groups),
    })),
  );
  const positivesOf = statistic.tasks.map((task) => task.isPositive.reduce((sum, p) => sum + p, 0));

  const tallyAll = (drawn: Int32Array): void => {
    statistic.tasks.forEach((task, t) =>
      task.models.forEach((model, m) => tallyDrawnRows(drawn, task.isPositive, model.groupOfRow, tallies[t]![m]!)),
    );
  };
  /** Weighted AUCs of both models from the tallies: one sweep through the tie groups per task and model. */
  const aucs = (): Float64Array => {
    const result = new Float64Array(2);
    statistic.tasks.forEach((task, t) => {
      const positives = positivesOf[t]!;
      const negatives = rows - positives;
      for (let m = 0; m < 2; m++) {
        const { positive, negative } = tallies[t]![m]!;
        let u = 0;
        let below = 0;
        for (let g = 0; g < positive.length; g++) {
          u += positive[g]! * (below + negative[g]! / 2);
          below += negative[g]!;
        }
        result[m]! += (statistic.weights[t]! * u) / (positives * negatives);
      }
    });
    return result;
  };
  const clear = (): void => {
    for (const pair of tallies)
      for (const counts of pair) {
        counts.positive.fill(0);
        counts.negative.fill(0);
      }
  };
  return {
    scheme: "stratified-row-indices",
    observed() {
      clear();
      tallyAll(Int32Array.from({ length: rows }, (_, row) => row));
      return aucs();
    },
    resampleDelta() {
      clear();
      for (const resampler of resamplers) tallyAll(resampler.resample());
      const result = aucs();
      return result[1]! - result[0]!;
    },
    jackknife() {
      return aucJackknife(statistic, rows, positivesOf);
    },
  };
}

/**
 * Leave-one-out AUC deltas in closed form: dropping a positive row removes its placement among the
 * negatives from U (and one positive from n1); dropping a negative likewise. Class weights follow the
 * smaller set, as a one-vs-rest average over the remaining rows would.
 */
function aucJackknife(statistic: AucStatistic, rows: number, positivesOf: readonly number[]): Jackknife {
  const values = new Float64Array(rows);
  statistic.tasks.forEach((task, t) => {
    const positives = positivesOf[t]!;
    const negatives = rows - positives;
    for (let m = 0; m < 2; m++) {
      const scores = task.models[m]!.scores;
      const sortedPositive = scores.filter((_, row) => task.isPositive[row] === 1).sort();
      const sortedNegative = scores.filter((_, row) => task.isPositive[row] === 0).sort();
      let u = 0;
      for (const score of sortedPositive) u += placementBelow(sortedNegative, score);
      const sign = m === 0 ? -1 : 1;
      for (let row = 0; row < rows; row++) {
        const positive = task.isPositive[row] === 1;
        const auc = positive
          ? (u - placementBelow(sortedNegative, scores[row]!)) / ((positives - 1) * negatives)
          : (u - (positives - placementBelow(sortedPositive, scores[row]!))) / (positives * (negatives - 1));
        const weight = statistic.prevalenceWeighted
          ? (positives - (positive ? 1 : 0)) / (rows - 1)
          : statistic.weights[t]!;
        values[row]! += sign * weight * auc;
      }
    }
  });
  return { values, multiplicity: new Float64Array(rows).fill(1) };
}

/** Paired bootstrap of candidate - baseline for any classifier metric of `evaluateClassifier`'s keys. */
export function bootstrapClassifierDelta(
  paired: PairedClassification,
  metric: string,
  options?: BootstrapOptions,
): BootstrapInterval {
  return bootstrapDelta(classifierStatistic(paired, metric), paired.rows, options);
}

/** The resampled deltas behind `bootstrapClassifierDelta`, for tests against any change. */
export function bootstrapClassifierDistribution(
  paired: PairedClassification,
  metric: string,
  options?: Omit<BootstrapOptions, "confidence">,
): BootstrapDistribution {
  return bootstrapDistribution(classifierStatistic(paired, metric), paired.rows, options);
}

/** The resampled deltas behind `bootstrapRegressorDelta`. */
export function bootstrapRegressorDistribution(
  paired: PairedRegression,
  metric: string,
  options?: Omit<BootstrapOptions, "confidence">,
): BootstrapDistribution {
  return bootstrapDistribution(regressorStatistic(paired, metric), paired.rows, options);
}

/** Paired bootstrap of candidate - baseline for mae, mse, rmse or r2. */
export function bootstrapRegressorDelta(
  paired: PairedRegression,
  metric: string,
  options?: BootstrapOptions,
): BootstrapInterval {
  return bootstrapDelta(regressorStatistic(paired, metric), paired.rows, options);
}

function countDrawnCells(drawn: Int32Array, cellOfRow: Int32Array, counts: Float64Array): void {
  for (let draw = 0; draw < drawn.length; draw++) counts[cellOfRow[drawn[draw]!]!]!++;
}

/** Counts drawn rows per tie group, positives and negatives apart (top-level: as a closure V8 ran it slower). */
function tallyDrawnRows(
  drawn: Int32Array,
  isPositive: Uint8Array,
  groupOfRow: Int32Array,
  tally: { positive: Float64Array; negative: Float64Array },
): void {
  const { positive, negative } = tally;
  for (let draw = 0; draw < drawn.length; draw++) {
    const row = drawn[draw]!;
    if (isPositive[row] === 1) positive[groupOfRow[row]!]!++;
    else negative[groupOfRow[row]!]!++;
  }
}

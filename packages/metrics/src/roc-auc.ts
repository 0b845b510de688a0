import { UserError } from "@ctrain/core";
import type { PreparedClassification } from "./predictions.js";

/**
 * ROC AUC as the Mann-Whitney U statistic over n1 * n0: tied scores count one half, which equals
 * scikit-learn's trapezoid under a ROC curve whose tied scores collapse into one threshold.
 */

export interface ScoresByClass {
  /** Scores of the positive rows, ascending. */
  readonly positive: Float64Array;
  /** Scores of the negative rows, ascending. */
  readonly negative: Float64Array;
}

export function scoresByClass(scores: ArrayLike<number>, isPositive: Uint8Array, where: string): ScoresByClass {
  let positives = 0;
  for (let row = 0; row < isPositive.length; row++) positives += isPositive[row]!;
  const positive = new Float64Array(positives);
  const negative = new Float64Array(isPositive.length - positives);
  let p = 0;
  let n = 0;
  for (let row = 0; row < isPositive.length; row++) {
    const score = scores[row]!;
    if (Number.isNaN(score)) {
      throw new UserError(`score is NaN at row ${row + 1}`, {
        location: where,
        hint: "fix or drop rows without a score",
      });
    }
    if (isPositive[row]) positive[p++] = score;
    else negative[n++] = score;
  }
  if (positive.length === 0 || negative.length === 0) {
    throw new UserError(
      `ROC AUC is undefined: y_true holds only ${positive.length === 0 ? "negative" : "positive"} rows (one class)`,
      { location: where, hint: "evaluate on a test set that contains both classes" },
    );
  }
  // Typed-array sort is numeric and native: far faster than sorting row indices with a comparator.
  return { positive: positive.sort(), negative: negative.sort() };
}

/** U / (n1 n0) by one merge walk over the two sorted score lists. */
export function aucOfSorted({ positive, negative }: ScoresByClass): number {
  let u = 0;
  let below = 0;
  let j = 0;
  for (let i = 0; i < positive.length;) {
    const score = positive[i]!;
    while (j < negative.length && negative[j]! < score) j++;
    below = j;
    let equal = 0;
    while (j + equal < negative.length && negative[j + equal] === score) equal++;
    let run = 0;
    while (i + run < positive.length && positive[i + run] === score) run++;
    u += run * (below + equal / 2);
    i += run;
  }
  return u / (positive.length * negative.length);
}

export function binaryRocAuc(scores: ArrayLike<number>, isPositive: Uint8Array, where: string): number {
  return aucOfSorted(scoresByClass(scores, isPositive, where));
}

/** One-vs-rest AUC per probability column, as roc_auc_score(multi_class="ovr") computes before averaging. */
export function oneVsRestAucs(prepared: PreparedClassification): number[] {
  const probabilities = prepared.probabilities!;
  const width = probabilities.classLabels.length;
  return probabilities.classLabels.map((label, column) => {
    const isPositive = probabilities.trueColumn.map((c) => (c === column ? 1 : 0));
    const scores = new Float64Array(prepared.rows);
    for (let row = 0; row < prepared.rows; row++) scores[row] = probabilities.values[row * width + column]!;
    return binaryRocAuc(
      scores,
      Uint8Array.from(isPositive),
      `${prepared.source}: one-vs-rest ROC AUC of class ${JSON.stringify(label)}`,
    );
  });
}

/** How many of `sorted` lie below `value`, ties counting one half (a DeLong placement count). */
export function placementBelow(sorted: Float64Array, value: number): number {
  const lower = firstIndex(sorted, (x) => x >= value);
  const upper = firstIndex(sorted, (x) => x > value);
  return lower + (upper - lower) / 2;
}

function firstIndex(sorted: Float64Array, predicate: (x: number) => boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (predicate(sorted[middle]!)) high = middle;
    else low = middle + 1;
  }
  return low;
}

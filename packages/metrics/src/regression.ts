import { compensatedSum } from "./summation.js";

export interface RegressionScores {
  readonly mse: number;
  readonly rmse: number;
  readonly mae: number;
  readonly r2: number;
}

/**
 * scikit-learn's regression metrics. R2 follows force_finite=True: with a constant y_true it is 1.0 for a
 * perfect fit and 0.0 otherwise; with fewer than two rows it is NaN, as scikit-learn returns.
 */
export function regressionScores(yTrue: Float64Array, yPred: Float64Array): RegressionScores {
  const rows = yTrue.length;
  const squared = new Float64Array(rows);
  const absolute = new Float64Array(rows);
  for (let row = 0; row < rows; row++) {
    const error = yTrue[row]! - yPred[row]!;
    squared[row] = error * error;
    absolute[row] = Math.abs(error);
  }
  const residualSum = compensatedSum(squared);
  const mse = residualSum / rows;
  return { mse, rmse: Math.sqrt(mse), mae: compensatedSum(absolute) / rows, r2: rSquared(yTrue, residualSum) };
}

export function rSquared(yTrue: Float64Array, residualSum: number): number {
  if (yTrue.length < 2) return Number.NaN;
  // A constant y_true is detected by value, not by a rounded mean: 0.1 three times averages to 0.1 + 1ulp.
  if (yTrue.every((value) => value === yTrue[0])) return residualSum === 0 ? 1 : 0;
  const mean = compensatedSum(yTrue) / yTrue.length;
  const deviations = yTrue.map((value) => (value - mean) ** 2);
  const totalSum = compensatedSum(deviations);
  return 1 - residualSum / totalSum;
}

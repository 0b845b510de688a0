import { compensatedSum } from "./summation.js";

export interface RegressionScores {
  readonly mse: number;
  readonly rmse: number;
  readonly mae: number;
  readonly r2: number;
  readonly mape: number;
  readonly median_absolute_error: number;
  readonly explained_variance: number;
}

/** scikit-learn's mean_absolute_percentage_error divides by max(|y_true|, machine epsilon): a 0 gives a huge ratio. */
export const MAPE_EPSILON = 2.220446049250313e-16;

/**
 * scikit-learn's regression metrics. R2 and explained variance follow force_finite=True: with a constant y_true
 * they are 1.0 for a perfect fit and 0.0 otherwise; R2 with fewer than two rows is NaN, as scikit-learn returns.
 * MAPE is a ratio (0.1 = 10%), not a percentage.
 */
export function regressionScores(yTrue: Float64Array, yPred: Float64Array): RegressionScores {
  const rows = yTrue.length;
  const squared = new Float64Array(rows);
  const absolute = new Float64Array(rows);
  const residuals = new Float64Array(rows);
  for (let row = 0; row < rows; row++) {
    const error = yTrue[row]! - yPred[row]!;
    residuals[row] = error;
    squared[row] = error * error;
    absolute[row] = Math.abs(error);
  }
  const residualSum = compensatedSum(squared);
  const mse = residualSum / rows;
  return {
    mse,
    rmse: Math.sqrt(mse),
    mae: compensatedSum(absolute) / rows,
    r2: rSquared(yTrue, residualSum),
    mape: compensatedSum(rowPercentageErrors(yTrue, yPred)) / rows,
    median_absolute_error: median(absolute),
    explained_variance: explainedVariance(yTrue, residuals),
  };
}

export function rowPercentageErrors(yTrue: Float64Array, yPred: Float64Array): Float64Array {
  return yTrue.map((y, row) => Math.abs(y - yPred[row]!) / Math.max(Math.abs(y), MAPE_EPSILON));
}

/** numpy's median: the middle value, or the mean of the two middle values. */
export function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Variance (ddof 0); exactly 0 when every value is equal, which a rounded mean would miss. */
function variance(values: Float64Array): number {
  if (values.every((value) => value === values[0])) return 0;
  const mean = compensatedSum(values) / values.length;
  return compensatedSum(values.map((value) => (value - mean) ** 2)) / values.length;
}

/** 1 - Var(y - yhat) / Var(y): like R2 but blind to a constant bias. */
export function explainedVariance(yTrue: Float64Array, residuals: Float64Array): number {
  const numerator = variance(residuals);
  const denominator = variance(yTrue);
  if (denominator === 0) return numerator === 0 ? 1 : 0;
  return 1 - numerator / denominator;
}

/** scikit-learn's mean_pinball_loss at quantile level `alpha`: alpha * under-prediction, (1 - alpha) * over. */
export function rowPinballLosses(yTrue: Float64Array, quantile: Float64Array, alpha: number): Float64Array {
  return yTrue.map((y, row) => {
    const difference = y - quantile[row]!;
    return difference >= 0 ? alpha * difference : (alpha - 1) * difference;
  });
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

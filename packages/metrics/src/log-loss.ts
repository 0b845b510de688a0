import type { PreparedClassification } from "./predictions.js";

/** Probabilities are clipped to [eps, 1 - eps] with eps = float64 machine epsilon, as scikit-learn does. */
export const LOG_LOSS_EPSILON = 2.220446049250313e-16;

/**
 * Each row's -log P(true class). scikit-learn >= 1.5 no longer renormalizes rows (1.2-1.4 did, after
 * clipping); rows here already sum to 1 within PROBABILITY_SUM_TOLERANCE, so both agree to that tolerance.
 * Undefined without probabilities, and for a binary score outside [0, 1] (a decision value, not a probability).
 */
export function rowLogLosses(prepared: PreparedClassification): Float64Array | undefined {
  const clip = (p: number): number => Math.min(Math.max(p, LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON);
  const losses = new Float64Array(prepared.rows);
  const probabilities = prepared.probabilities;
  if (probabilities) {
    const width = probabilities.classLabels.length;
    for (let row = 0; row < prepared.rows; row++) {
      losses[row] = -Math.log(clip(probabilities.values[row * width + probabilities.trueColumn[row]!]!));
    }
    return losses;
  }
  const { positiveScore, isPositive } = prepared;
  if (!positiveScore || !isPositive || positiveScore.some((score) => !(score >= 0 && score <= 1))) return undefined;
  for (let row = 0; row < prepared.rows; row++) {
    const p = clip(positiveScore[row]!);
    losses[row] = -Math.log(isPositive[row] ? p : 1 - p);
  }
  return losses;
}

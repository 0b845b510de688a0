/**
 * Neumaier-compensated sum: a million per-row losses add up to within an ulp or two of numpy's
 * pairwise sum, where a plain loop drifts by ~1e-12 relative.
 */
export function compensatedSum(values: ArrayLike<number>): number {
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    const total = sum + value;
    compensation += Math.abs(sum) >= Math.abs(value) ? sum - total + value : value - total + sum;
    sum = total;
  }
  return sum + compensation;
}

export function compensatedMean(values: ArrayLike<number>): number {
  return compensatedSum(values) / values.length;
}

/** Effect-size scores between a reference and a current distribution. */

function normalized(weights: readonly number[]): number[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight) => weight / total);
}

/** x ln(x / y), 0 when x = 0 (scipy.special.rel_entr). */
function relativeEntropy(x: number, y: number): number {
  if (x === 0) return 0;
  return x * Math.log(x / y);
}

export interface JensenShannonResult {
  /** sqrt((KL(p||m) + KL(q||m)) / 2) in nats: scipy.spatial.distance.jensenshannon(p, q), Evidently's score. */
  distance: number;
  /** (KL(p||m) + KL(q||m)) / 2 in bits, within [0, 1]: the divergence TFDV reports. */
  divergence: number;
}

/** Jensen-Shannon distance and divergence of two weight vectors over the same categories (each normalized). */
export function jensenShannon(p: readonly number[], q: readonly number[]): JensenShannonResult {
  const pn = normalized(p);
  const qn = normalized(q);
  let sum = 0;
  pn.forEach((pi, i) => {
    const qi = qn[i]!;
    const mi = (pi + qi) / 2;
    sum += relativeEntropy(pi, mi) + relativeEntropy(qi, mi);
  });
  // Rounding can leave the sum a hair below 0 for identical inputs, where scipy's sqrt gives NaN.
  const half = Math.max(0, sum / 2);
  return { distance: Math.sqrt(half), divergence: half / Math.LN2 };
}

/** max_i |p_i - q_i| over normalized weights: TFDV's L-infinity distance for categorical drift. */
export function lInfinity(p: readonly number[], q: readonly number[]): number {
  const pn = normalized(p);
  const qn = normalized(q);
  return pn.reduce((largest, pi, i) => Math.max(largest, Math.abs(pi - qn[i]!)), 0);
}

/**
 * First Wasserstein distance between two samples, the area between their ECDFs
 * (scipy.stats.wasserstein_distance). Values must be finite.
 */
export function wasserstein(u: ArrayLike<number>, v: ArrayLike<number>): number {
  const a = Float64Array.from(u).sort();
  const b = Float64Array.from(v).sort();
  let i = 0;
  let j = 0;
  let area = 0;
  let previous = Math.min(a[0]!, b[0]!);
  while (i < a.length || j < b.length) {
    const value = Math.min(i < a.length ? a[i]! : Infinity, j < b.length ? b[j]! : Infinity);
    area += Math.abs(i / a.length - j / b.length) * (value - previous);
    previous = value;
    while (i < a.length && a[i]! <= value) i++;
    while (j < b.length && b[j]! <= value) j++;
  }
  return area;
}

/** Standard deviations below this do not shrink the normalization further (Evidently's floor). */
const MIN_NORMALIZING_STD = 0.001;

/**
 * Evidently's normed Wasserstein score: wasserstein(reference, current) / max(std(reference), 0.001), std with
 * ddof = 0. `referenceStd` may be passed when the reference is a sample and the full data's std is known.
 */
export function normedWasserstein(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  referenceStd: number = populationStd(reference),
): number {
  return wasserstein(reference, current) / Math.max(referenceStd, MIN_NORMALIZING_STD);
}

function populationStd(values: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i]!;
  mean /= values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i]! - mean) ** 2;
  return Math.sqrt(squares / values.length);
}

/** A share of 0 would make PSI infinite; Evidently replaces it by this floor. */
export const PSI_SHARE_FLOOR = 1e-4;

/** PSI = sum (r_i - c_i) ln(r_i / c_i) over two weight vectors of the same bins, zero shares floored. */
export function psiFromWeights(reference: readonly number[], current: readonly number[]): number {
  const r = normalized(reference).map((share) => (share === 0 ? PSI_SHARE_FLOOR : share));
  const c = normalized(current).map((share) => (share === 0 ? PSI_SHARE_FLOOR : share));
  return r.reduce((sum, ri, i) => sum + (ri - c[i]!) * Math.log(ri / c[i]!), 0);
}

/**
 * PSI of numbers over 10 bins cut at the reference's deciles (numpy's default linear quantiles; equal
 * deciles merge bins). Bins are [edge_i, edge_i+1), the outer ones open-ended. Values must be finite.
 */
export function psi(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  const sortedReference = Float64Array.from(reference).sort();
  const edges = [...new Set(Array.from({ length: 9 }, (_, i) => linearQuantile(sortedReference, (i + 1) / 10)))];
  return psiFromWeights(binCounts(sortedReference, edges), binCounts(Float64Array.from(current).sort(), edges));
}

/** Counts per bin of sorted values: bin i holds edges[i-1] <= x < edges[i]. */
function binCounts(sorted: Float64Array, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  let bin = 0;
  for (const value of sorted) {
    while (bin < edges.length && value >= edges[bin]!) bin++;
    counts[bin]!++;
  }
  return counts;
}

/** numpy.quantile(sorted, q) with the default 'linear' method, including its two-sided interpolation. */
export function linearQuantile(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const gamma = position - below;
  const a = sorted[below]!;
  const b = sorted[above]!;
  const difference = b - a;
  return gamma >= 0.5 ? b - difference * (1 - gamma) : a + difference * gamma;
}

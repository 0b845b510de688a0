import { kolmogorovSurvival } from "./kolmogorov.js";

export interface KsTwoSampleResult {
  /** D = max |F1 - F2| over the pooled values (ties counted on both sides, as searchsorted side='right'). */
  statistic: number;
  /** Two-sided p-value. */
  pValue: number;
  /** `exact` when both samples have at most 10,000 values (and the exact sum stays in range), else `asymptotic`. */
  method: "exact" | "asymptotic";
}

/** Largest sample size for which the exact p-value is tried, as scipy's `method='auto'`. */
const MAX_EXACT_SIZE = 10_000;

/**
 * Two-sample Kolmogorov-Smirnov test, two-sided, matching scipy.stats.ks_2samp(x, y, method='auto'): exact
 * p-values by Hodges' lattice paths when max(n1, n2) <= 10,000, else kstwo.sf(D, round(n1 n2 / (n1 + n2))).
 * Values must be finite.
 */
export function ksTwoSample(x: ArrayLike<number>, y: ArrayLike<number>): KsTwoSampleResult {
  const a = Float64Array.from(x).sort();
  const b = Float64Array.from(y).sort();
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new Error("the KS test needs values in both samples");
  let above = -Infinity;
  let below = Infinity;
  let i = 0;
  let j = 0;
  while (i < n1 || j < n2) {
    const value = Math.min(i < n1 ? a[i]! : Infinity, j < n2 ? b[j]! : Infinity);
    while (i < n1 && a[i]! <= value) i++;
    while (j < n2 && b[j]! <= value) j++;
    const difference = i / n1 - j / n2;
    if (difference > above) above = difference;
    if (difference < below) below = difference;
  }
  const belowMagnitude = Math.min(1, Math.max(0, -below));
  const d = belowMagnitude > above ? belowMagnitude : above;

  if (Math.max(n1, n2) <= MAX_EXACT_SIZE) {
    const exact = exactTwoSided(n1, n2, d);
    if (exact.pValue !== undefined) return { statistic: exact.statistic, pValue: exact.pValue, method: "exact" };
    return { statistic: exact.statistic, pValue: asymptotic(n1, n2, exact.statistic), method: "asymptotic" };
  }
  return { statistic: d, pValue: asymptotic(n1, n2, d), method: "asymptotic" };
}

function asymptotic(n1: number, n2: number, d: number): number {
  const effectiveSize = (n1 * n2) / (n1 + n2);
  return Math.min(1, Math.max(0, kolmogorovSurvival(roundHalfToEven(effectiveSize), d)));
}

/**
 * Exact two-sided p-value; D is first snapped to the lattice h / lcm(n1, n2) the statistic lives on.
 * pValue is undefined when the computation leaves [0, 1] (scipy then falls back to the asymptotic one).
 */
function exactTwoSided(n1: number, n2: number, d: number): { statistic: number; pValue: number | undefined } {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfToEven(d * lcm);
  const statistic = h / lcm;
  if (h === 0) return { statistic, pValue: 1 };
  const p = n1 === n2 ? probabilityOutsideSquare(n1, h) : probabilityOutsideBand(n1, n2, g, h);
  return { statistic, pValue: p >= 0 && p <= 1 ? p : undefined };
}

/**
 * P(D_{n,n} >= h/n) = 2 (C(2n, n-h) - C(2n, n-2h) + ...) / C(2n, n), with each term divided by C(2n, n)
 * and nested Horner-like, which avoids the alternating sum's cancellation.
 */
function probabilityOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let ratio = 1;
    for (let j = 0; j < h; j++) ratio = ((n - k * h - j) * ratio) / (n + k * h + j + 1);
    p = ratio * (1 - p);
  }
  return 2 * p;
}

/**
 * Share of the lattice paths from (0,0) to (m,n) that leave the band |x/m - y/n| < h / lcm(m,n), by Hodges'
 * inside method rewritten to carry 1 - p directly (Viehmann, "Numerically more stable computation of the
 * p-values for the two-sample Kolmogorov-Smirnov test", arXiv:2102.08037), one column at a time over a
 * sliding window.
 */
function probabilityOutsideBand(m: number, n: number, g: number, h: number): number {
  if (m < n) [m, n] = [n, m];
  const mg = m / g;
  const ng = n / g;
  let minJ = 0;
  let maxJ = Math.min(Math.ceil(h / mg), n + 1);
  let currentLength = maxJ - minJ;
  const column = new Float64Array(Math.min(2 * maxJ + 2, n + 1)).fill(1);
  column.fill(0, minJ, maxJ);
  for (let i = 1; i <= m; i++) {
    const lastMinJ = minJ;
    const lastLength = currentLength;
    minJ = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxJ = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxJ <= minJ) return 1;
    let value = minJ === 0 ? 0 : 1;
    for (let jj = 0; jj < maxJ - minJ; jj++) {
      const j = jj + minJ;
      value = (column[jj + minJ - lastMinJ]! * i + value * j) / (i + j);
      column[jj] = value;
    }
    currentLength = maxJ - minJ;
    if (lastLength > currentLength) column.fill(1, maxJ - minJ, maxJ - minJ + (lastLength - currentLength));
  }
  return column[maxJ - minJ - 1]!;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** numpy's round(): halves go to the even neighbour. */
function roundHalfToEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction !== 0.5) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Special functions for drift and significance p-values and interval levels: ln Γ, the regularized incomplete
 * gamma P and Q, the normal CDF and its inverse, the chi-square survival function and the binomial(n, 1/2) CDF.
 * Hand-written: no maintained npm package offers them with scipy's accuracy in the far tails; each is a short
 * textbook algorithm checked against scipy in the tests.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9): about 1e-15 relative. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const EPSILON = 1e-16;
const TINY = 1e-300;

/** Regularized lower incomplete gamma P(a, x) by its series; converges fast for x < a + 1. */
function gammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < 10_000; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Regularized upper incomplete gamma Q(a, x) by its continued fraction (modified Lentz); for x >= a + 1. */
function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** Q(a, x) = Γ(a, x) / Γ(a): the chi-square survival function is Q(k/2, x/2). */
export function upperGammaRegularized(a: number, x: number): number {
  if (x <= 0) return 1;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

function lowerGammaRegularized(a: number, x: number): number {
  if (x <= 0) return 0;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Standard normal CDF Φ(x) via erfc(t) = Q(1/2, t²), accurate in both tails. */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const half = (x * x) / 2;
  return x < 0 ? 0.5 * upperGammaRegularized(0.5, half) : 0.5 + 0.5 * lowerGammaRegularized(0.5, half);
}

/** Two-sided p-value of a standard normal statistic: 2 Φ(-|z|). */
export function twoSidedNormalPValue(z: number): number {
  return Number.isNaN(z) ? Number.NaN : upperGammaRegularized(0.5, (z * z) / 2);
}

export function chiSquareSurvival(statistic: number, degreesOfFreedom: number): number {
  return upperGammaRegularized(degreesOfFreedom / 2, statistic / 2);
}

const ACKLAM_A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
];
const ACKLAM_B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
];
const ACKLAM_C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const ACKLAM_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

function polynomial(coefficients: readonly number[], x: number): number {
  return coefficients.reduce((sum, c) => sum * x + c, 0);
}

/** Inverse standard normal CDF (scipy's ndtri): Acklam's approximation plus one Halley step. */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  // 1 - p is exact for p >= 1/2, and the lower tail is where Φ is computed without cancellation.
  if (p > 0.5) return -normalQuantile(1 - p);
  if (p === 0) return -Infinity;
  let x: number;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = polynomial(ACKLAM_C, q) / (polynomial(ACKLAM_D, q) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = (polynomial(ACKLAM_A, r) * q) / (polynomial(ACKLAM_B, r) * r + 1);
  }
  const u = (normalCdf(x) - p) * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** P(X <= k) for X ~ Binomial(n, 1/2). */
export function binomialHalfCdf(k: number, n: number): number {
  return binomialCdf(k, n, 0.5);
}

/**
 * P(X <= k) for X ~ Binomial(n, p): the shorter tail summed away from the mode by the ratio of neighbouring terms
 * (each tail's terms shrink, so the sum neither underflows where it matters nor loses the small one to cancellation).
 */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  const logPmf = (i: number): number =>
    logGamma(n + 1) - logGamma(i + 1) - logGamma(n - i + 1) + i * Math.log(p) + (n - i) * Math.log1p(-p);
  const odds = p / (1 - p);
  if (k <= n * p) {
    let term = Math.exp(logPmf(k));
    let sum = 0;
    for (let i = k; i >= 0 && term > 0; i--) {
      sum += term;
      term *= i / ((n - i + 1) * odds);
    }
    return Math.min(1, sum);
  }
  let term = Math.exp(logPmf(k + 1));
  let upper = 0;
  for (let i = k + 1; i <= n && term > 0; i++) {
    upper += term;
    term *= ((n - i) * odds) / (i + 1);
  }
  return Math.max(0, 1 - upper);
}

/**
 * Survival function of the two-sided one-sample Kolmogorov-Smirnov statistic D_n for finite n, P(D_n >= d):
 * the distribution scipy calls `kstwo`, computed as scipy computes it, by Simard & L'Ecuyer's choice of
 * method per region ("Computing the Two-Sided Kolmogorov-Smirnov Distribution", J. Stat. Softw. 39(11), 2011):
 * - Ruben-Gambino closed forms for d <= 1/n and d >= 1 - 1/n;
 * - 2 x the one-sided Smirnov tail (Birnbaum-Tingey sum) where the two tails cannot overlap or barely do;
 * - Durbin's matrix algorithm in Marsaglia, Tsang & Wang's form, or Pomeranz's recursion, for small n;
 * - Pelz-Good's asymptotic series for large n.
 */

const SCALE_EXPONENT = 128;
const SCALE = 2 ** SCALE_EXPONENT;
const INVERSE_SCALE = 2 ** -SCALE_EXPONENT;
const MIN_LOG = -708.3964185322641;

function clip(p: number): number {
  return Math.min(1, Math.max(0, p));
}

/** x * 2^exponent without overflowing the power of two on the way. */
function scaleByPowerOfTwo(x: number, exponent: number): number {
  while (exponent > 1000) {
    x *= 2 ** 1000;
    exponent -= 1000;
  }
  while (exponent < -1000) {
    x *= 2 ** -1000;
    exponent += 1000;
  }
  return x * 2 ** exponent;
}

/** P(D_n >= d), scipy.stats.kstwo.sf(d, n), for an integer n >= 1. */
export function kolmogorovSurvival(n: number, d: number): number {
  if (d >= 1) return 0;
  if (d <= 0) return 1;
  const t = n * d;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= i * (1 / n) * (2 * t - 1);
    } else {
      cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip(1 - cdf);
  }
  if (t >= n - 1) return clip(2 * Math.pow(1 - d, n));
  if (d >= 0.5) return clip(2 * smirnovSurvival(n, d));
  const ndSquared = t * d;
  if (n <= 140) {
    if (ndSquared <= 0.754693) return clip(1 - durbinCdf(n, d));
    if (ndSquared <= 4) return clip(1 - pomeranzCdf(n, d));
    return clip(2 * smirnovSurvival(n, d));
  }
  if (ndSquared >= 370) return 0;
  if (ndSquared >= 2.2) return clip(2 * smirnovSurvival(n, d));
  const cdf = n <= 100_000 && n * Math.pow(d, 1.5) <= 1.4 ? durbinCdf(n, d) : pelzGoodCdf(n, d);
  return clip(1 - cdf);
}

/** B_2j / (2j (2j - 1)) for j = 8 down to 1 (B the Bernoulli numbers). */
const STIRLING = [
  -0.029550653594771242, 0.00641025641025641, -0.0019175269175269176, 0.0008417508417508417, -0.0005952380952380953,
  0.0007936507936507937, -0.002777777777777778, 0.08333333333333333,
];

/** ln(n! / n^n) by Stirling's series with n ln n taken out, so nothing cancels. */
function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  let series = 0;
  for (const coefficient of STIRLING) series = series * (rn / n) + coefficient;
  return Math.log(n) / 2 - n + Math.log(2 * Math.PI) / 2 + rn * series;
}

/**
 * One-sided Smirnov tail P(D_n+ >= x) by the Birnbaum-Tingey sum
 * x * sum_{v < n(1-x)} C(n, v) (x + v/n)^(v-1) (1 - x - v/n)^(n-v), each term in logs. Only called with
 * 1/n < x < 1 - 1/n. scipy sums in double-double; doubles with a compensated ln C(n, v) agree to about 1e-12
 * relative up to n = 10^6 (every term is positive, so the sum itself loses nothing to cancellation).
 */
function smirnovSurvival(n: number, x: number): number {
  if (-2 * n * x * x < MIN_LOG) return 0;
  if (n > 1_000_000) {
    // scipy's approximation p ~ exp(-(6nx + 1)^2 / 18n) where the exact sum would take too long.
    const logP = -Math.pow(6 * n * x + 1, 2) / 18 / n;
    return logP < -Math.LN2 ? Math.exp(logP) : 1 + Math.expm1(logP);
  }
  const terms = n - Math.floor(n * x);
  let sum = Math.pow(1 - x, n) / x;
  // ln C(n, v) grows to ~n while each step adds ~ln n: compensated (Kahan) summation keeps the running
  // total exact enough; plain addition lost 2e-8 relative at n = 10^6.
  let logBinomial = 0;
  let compensation = 0;
  for (let v = 1; v < terms; v++) {
    const step = Math.log((n - v + 1) / v) - compensation;
    const next = logBinomial + step;
    compensation = next - logBinomial - step;
    logBinomial = next;
    // 1 - x - v/n >= 0 for every v summed; max() keeps rounding from making it negative.
    const complement = Math.max(0, (n - v) / n - x);
    const term = Math.exp(logBinomial + (v - 1) * Math.log(x + v / n) + (n - v) * Math.log(complement));
    sum += term;
    if (term === 0 ? v > Math.floor(n / 2) : 4 * (terms - v) * term < Number.EPSILON * sum && v !== terms - 1) break;
  }
  return x * sum;
}

/** P(D_n <= d) by Durbin's matrix: the k-th diagonal entry of H^n * n!/n^n, scaled to stay in range. */
function durbinCdf(n: number, d: number): number {
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let factorialInverse = 1;
  for (let j = 1; j <= m; j++) {
    v[j - 1] = 1 - Math.pow(h, j);
    w[j - 1] = factorialInverse;
    factorialInverse /= j;
    v[j - 1] = v[j - 1]! * factorialInverse;
  }
  const tail = Math.pow(Math.max(2 * h - 1, 0), m) - 2 * Math.pow(h, m);
  v[m - 1] = (1 + tail) * factorialInverse;

  let matrix: Float64Array = new Float64Array(m * m);
  for (let i = 1; i < m; i++) for (let row = i - 1; row < m; row++) matrix[row * m + i] = w[row - i + 1]!;
  for (let row = 0; row < m; row++) matrix[row * m] = v[row]!;
  for (let column = 0; column < m; column++) matrix[(m - 1) * m + column] = v[m - 1 - column]!;

  let power: Float64Array = identity(m);
  let powerExponent = 0;
  let matrixExponent = 0;
  for (let remaining = n; remaining > 0; remaining = Math.floor(remaining / 2)) {
    if (remaining % 2 === 1) {
      power = multiply(power, matrix, m);
      powerExponent += matrixExponent;
    }
    matrix = multiply(matrix, matrix, m);
    matrixExponent *= 2;
    if (Math.abs(matrix[(k - 1) * m + (k - 1)]!) > SCALE) {
      for (let i = 0; i < matrix.length; i++) matrix[i] = matrix[i]! * INVERSE_SCALE;
      matrixExponent += SCALE_EXPONENT;
    }
  }
  let p = power[(k - 1) * m + (k - 1)]!;
  let exponent = powerExponent;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < INVERSE_SCALE) {
      p *= SCALE;
      exponent -= SCALE_EXPONENT;
    }
  }
  return clip(scaleByPowerOfTwo(p, exponent));
}

function identity(m: number): Float64Array {
  const matrix = new Float64Array(m * m);
  for (let i = 0; i < m; i++) matrix[i * m + i] = 1;
  return matrix;
}

function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const product = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < m; l++) {
      const ail = a[i * m + l]!;
      if (ail === 0) continue;
      for (let j = 0; j < m; j++) product[i * m + j] = product[i * m + j]! + ail * b[l * m + j]!;
    }
  }
  return product;
}

/** Interval of non-zero entries of row i in Pomeranz's recursion. */
function pomeranzBounds(i: number, n: number, ll: number, ceilF: number, roundF: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilF - 1;
    j2 = ll + ceilF - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilF - 1;
        j2 = n + ll + ceilF - 1;
      } else {
        j1 = half - 1 - ll - roundF - 1;
        j2 = half + ll - 1 + ceilF - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundF - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** P(D_n <= d) by Pomeranz's recursion (CACM Algorithm 487): rows convolved with Poisson-like weights. */
function pomeranzCdf(n: number, d: number): number {
  const t = n * d;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilF = f > 0 ? 1 : 0;
  const roundF = f > 0.5 ? 1 : 0;
  const powers = 2 * (ll + 1);
  const gPower = new Float64Array(powers);
  const twoGPower = new Float64Array(powers);
  const oneMinusTwoGPower = new Float64Array(powers);
  gPower[0] = twoGPower[0] = oneMinusTwoGPower[0] = 1;
  for (let j = 1; j < powers; j++) {
    gPower[j] = (gPower[j - 1]! * (g / n)) / j;
    twoGPower[j] = (twoGPower[j - 1]! * ((2 * g) / n)) / j;
    oneMinusTwoGPower[j] = (oneMinusTwoGPower[j - 1]! * ((1 - 2 * g) / n)) / j;
  }
  let previous = new Float64Array(powers);
  let current = new Float64Array(powers);
  current[0] = 1;
  let previousStart = 0;
  let currentStart = 0;
  let exponent = 0;
  let [j1, j2] = pomeranzBounds(0, n, ll, ceilF, roundF);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [previous, current] = [current, previous];
    [previousStart, currentStart] = [currentStart, previousStart];
    current.fill(0);
    [j1, j2] = pomeranzBounds(i, n, ll, ceilF, roundF);
    const weights = i === 1 || i === 2 * n + 1 ? gPower : i % 2 === 1 ? twoGPower : oneMinusTwoGPower;
    const length = j2 - k1 + 1;
    if (length <= 0) continue;
    // Full convolution of previous[k1 - previousStart, +length) with weights[0, length), entries j1 - k1 on.
    const source = previous.subarray(k1 - previousStart, k1 - previousStart + length);
    const kernel = weights.subarray(0, length);
    const offset = j1 - k1;
    for (let out = 0; out < j2 - j1 + 1; out++) {
      const at = offset + out;
      let sum = 0;
      for (let s = Math.max(0, at - kernel.length + 1); s <= Math.min(at, source.length - 1); s++) {
        sum += source[s]! * kernel[at - s]!;
      }
      current[out] = sum;
    }
    let largest = 0;
    for (const value of current) if (value > largest) largest = value;
    if (largest > 0 && largest < INVERSE_SCALE) {
      for (let j = 0; j < current.length; j++) current[j] = current[j]! * SCALE;
      exponent -= SCALE_EXPONENT;
    }
    currentStart = previousStart + j1 - k1;
  }
  let answer = current[n - currentStart]!;
  for (let j = 1; j <= n; j++) {
    if (Math.abs(answer) > SCALE) {
      answer *= INVERSE_SCALE;
      exponent += SCALE_EXPONENT;
    }
    answer *= j;
  }
  return clip(scaleByPowerOfTwo(answer, exponent));
}

const PI_SQUARED = Math.PI ** 2;
const PI_FOUR = Math.PI ** 4;
const PI_SIX = Math.PI ** 6;
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** P(D_n <= d) by Pelz & Good's series (J. R. Stat. Soc. B 38(2), 1976), for large n. */
function pelzGoodCdf(n: number, d: number): number {
  if (d <= 0) return 0;
  if (d >= 1) return 1;
  const z = Math.sqrt(n) * d;
  const z2 = z ** 2;
  const z3 = z ** 3;
  const z4 = z ** 4;
  const z6 = z ** 6;
  const qLog = -PI_SQUARED / 8 / z2;
  if (qLog < -708) return 0;
  const q = Math.exp(qLog);
  const k1a = -z2;
  const k1b = PI_SQUARED / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI_SQUARED) / 4;
  const k2c = (PI_FOUR * (1 - 2 * z2)) / 16;
  const k3d = (PI_SIX * (5 - 30 * z2)) / 64;
  const k3c = (PI_FOUR * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI_SQUARED * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const terms = [0, 0, 0, 0];
  const maxK = Math.ceil((16 * z) / Math.PI);
  // Horner scheme over odd m = 2k - 1 of c_m q^(m^2).
  for (let k = maxK; k >= 1; k--) {
    const m = 2 * k - 1;
    const m2 = m ** 2;
    const m4 = m ** 4;
    const m6 = m ** 6;
    const qPower = Math.pow(q, 8 * k);
    const coefficients = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) terms[i] = terms[i]! * qPower + coefficients[i]!;
  }
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) terms[i] = (terms[i]! * q * SQRT_2PI) / divisors[i]!;
  // The sums over all integers k in K2 and K3.
  const q2 = Math.exp(-PI_SQUARED / 2 / z2);
  let k2Extra = 0;
  let k3Extra = 0;
  const sqrt3z = Math.sqrt(3) * z;
  for (let k = maxK; k >= 1; k--) {
    const kSquared = k ** 2;
    const qPower = Math.pow(q2, kSquared);
    k2Extra += kSquared * qPower;
    k3Extra += (sqrt3z + Math.PI * k) * (sqrt3z - Math.PI * k) * kSquared * qPower;
  }
  terms[2] = terms[2]! + (k2Extra * PI_SQUARED * SQRT_2PI) / (-36 * z3);
  terms[3] = terms[3]! + (k3Extra * PI_SQUARED * SQRT_2PI) / (216 * z6);
  let cdf = 0;
  for (let i = 0; i < 4; i++) cdf += terms[i]! / Math.pow(n, i / 2);
  return cdf;
}

/**
 * xoshiro128** pseudo-random generator, seeded through splitmix32. Hand-written because Math.random can be neither
 * seeded nor saved: the bootstrap must repeat for a seed, and sketches save the state in a profile and resume it.
 */
export type RandomState = [number, number, number, number];

export class Random {
  /** Kept in an Int32Array: 32-bit values in object fields would be boxed as heap numbers on every step. */
  private readonly words: Int32Array;

  private constructor(state: readonly number[]) {
    this.words = Int32Array.from(state);
  }

  /** A generator seeded from any 32-bit number via splitmix32, so nearby seeds give unrelated streams. */
  static seeded(seed: number): Random {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    return new Random([next(), next(), next(), next()]);
  }

  /** Resumes a saved state (checked with `isUsableRandomState` when it comes from a file). */
  static fromState(state: RandomState): Random {
    return new Random(state);
  }

  state(): RandomState {
    const [a, b, c, d] = this.words;
    return [a! >>> 0, b! >>> 0, c! >>> 0, d! >>> 0];
  }

  /** 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const w = this.words;
    const result = Math.imul(rotateLeft(Math.imul(w[1]!, 5), 7), 9) >>> 0;
    const t = w[1]! << 9;
    w[2]! ^= w[0]!;
    w[3]! ^= w[1]!;
    w[1]! ^= w[2]!;
    w[0]! ^= w[3]!;
    w[2]! ^= t;
    w[3] = rotateLeft(w[3]!, 11);
    return result;
  }

  /** Fills out[0..count) with random 32-bit words; state in locals is several times faster than per-call steps. */
  fillUint32(out: Uint32Array, count = out.length): void {
    const w = this.words;
    let s0 = w[0]!;
    let s1 = w[1]!;
    let s2 = w[2]!;
    let s3 = w[3]!;
    for (let i = 0; i < count; i++) {
      out[i] = Math.imul(rotateLeft(Math.imul(s1, 5), 7), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotateLeft(s3, 11);
    }
    w[0] = s0;
    w[1] = s1;
    w[2] = s2;
    w[3] = s3;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  nextDouble(): number {
    return ((this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6)) / 9007199254740992;
  }

  /**
   * Uniform integer in [0, n) without modulo bias: Lemire's multiply-and-reject while 32 bits times n stays
   * exact in a double (n <= 2^21), 53-bit scaling above (bias below 2^-21 relative).
   */
  nextIndex(n: number): number {
    if (n > 2097152) return Math.floor(this.nextDouble() * n);
    for (;;) {
      const product = this.nextUint32() * n;
      const high = Math.floor(product * 2.3283064365386963e-10);
      const low = product - high * 4294967296;
      if (low >= n || low >= (4294967296 - n) % n) return high;
    }
  }

  /** Binomial(n, p) draw: inversion for small means, Hörmann's BTRS transformed rejection otherwise. */
  nextBinomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (p > 0.5) return n - this.nextBinomial(n, 1 - p);
    return n * p < 10 ? this.binomialByInversion(n, p) : this.binomialBtrs(n, p);
  }

  /** Counts geometric waiting times until they pass n: the number that fit is Binomial(n, p). */
  private binomialByInversion(n: number, p: number): number {
    const logQ = Math.log1p(-p);
    let position = 0;
    let successes = 0;
    for (;;) {
      position += Math.max(1, Math.ceil(Math.log(1 - this.nextDouble()) / logQ));
      if (position > n) return successes;
      successes++;
    }
  }

  /** W. Hörmann (1993), "The generation of binomial random variates", algorithm BTRS. */
  private binomialBtrs(n: number, p: number): number {
    const spq = Math.sqrt(n * p * (1 - p));
    const b = 1.15 + 2.53 * spq;
    const a = -0.0873 + 0.0248 * b + 0.01 * p;
    const c = n * p + 0.5;
    const vr = 0.92 - 4.2 / b;
    const alpha = (2.83 + 5.1 / b) * spq;
    const lpq = Math.log(p / (1 - p));
    const m = Math.floor((n + 1) * p);
    const h = logFactorial(m) + logFactorial(n - m);
    for (;;) {
      const u = this.nextDouble() - 0.5;
      let v = this.nextDouble();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + c);
      if (k < 0 || k > n) continue;
      if (us >= 0.07 && v <= vr) return k;
      v = Math.log((v * alpha) / (a / (us * us) + b));
      if (v <= h - logFactorial(k) - logFactorial(n - k) + (k - m) * lpq) return k;
    }
  }
}

function rotateLeft(x: number, bits: number): number {
  return (x << bits) | (x >>> (32 - bits));
}

const SMALL_LOG_FACTORIALS = Array.from({ length: 16 }, (_, k) => {
  let sum = 0;
  for (let i = 2; i <= k; i++) sum += Math.log(i);
  return sum;
});

/**
 * ln k! exactly for small k, by Stirling's series (error below 1e-17 for k >= 16) above: BTRS calls it on every
 * candidate, and this runs the binomial draws twice as fast as logGamma(k + 1).
 */
function logFactorial(k: number): number {
  if (k < 16) return SMALL_LOG_FACTORIALS[k]!;
  const x = k + 1;
  const inverse = 1 / x;
  const inverseSquared = inverse * inverse;
  return (
    (x - 0.5) * Math.log(x) -
    x +
    0.5 * Math.log(2 * Math.PI) +
    inverse * (1 / 12 - inverseSquared * (1 / 360 - inverseSquared * (1 / 1260 - inverseSquared / 1680)))
  );
}

/** True when a saved state can be resumed (xoshiro's all-zero state is absorbing). */
export function isUsableRandomState(state: readonly number[]): boolean {
  return (
    state.length === 4 &&
    state.every((word) => Number.isInteger(word) && word >= 0 && word <= 0xffffffff) &&
    state.some((word) => word !== 0)
  );
}

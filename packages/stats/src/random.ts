/**
 * xoshiro128** pseudo-random generator. Hand-written because sketches need a seeded generator whose state
 * can be saved in a profile and resumed; Math.random is neither.
 */
export type RandomState = [number, number, number, number];

export class Random {
  // A typed array keeps the 32-bit words unboxed; object fields above 2^30 would be heap numbers.
  private readonly words: Uint32Array;

  private constructor(state: RandomState) {
    this.words = Uint32Array.from(state);
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
    return [a!, b!, c!, d!];
  }

  nextUint32(): number {
    const w = this.words;
    const result = Math.imul(rotl(Math.imul(w[1]!, 5), 7), 9) >>> 0;
    const t = w[1]! << 9;
    w[2] = w[2]! ^ w[0]!;
    w[3] = w[3]! ^ w[1]!;
    w[1] = w[1]! ^ w[2]!;
    w[0] = w[0]! ^ w[3]!;
    w[2] = w[2]! ^ t;
    w[3] = rotl(w[3]!, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  nextDouble(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** Uniform integer in [0, bound), bound <= 2^32. */
  nextInt(bound: number): number {
    return Math.floor(this.nextDouble() * bound);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** True when a saved state can be resumed (xoshiro's all-zero state is absorbing). */
export function isUsableRandomState(state: readonly number[]): boolean {
  return (
    state.length === 4 &&
    state.every((word) => Number.isInteger(word) && word >= 0 && word <= 0xffffffff) &&
    state.some((word) => word !== 0)
  );
}

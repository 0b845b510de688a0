/**
 * HyperLogLog distinct counter over 53-bit value hashes: 2^14 one-byte registers, merged by register max,
 * so a merge of shards equals the sketch of the whole exactly. Estimates use Ertl's improved estimator
 * ("New cardinality estimation algorithms for HyperLogLog sketches", 2017), which needs no bias tables and
 * holds its error from tiny to huge cardinalities.
 */

const PRECISION = 14;
export const HLL_REGISTER_COUNT = 1 << PRECISION;
/** Hash bits left for the rank after the register index (53 - 14). */
const RANK_BITS = 53 - PRECISION;
/** Largest register value: all rank bits zero. */
export const HLL_MAX_REGISTER = RANK_BITS + 1;
/** Relative standard error of the estimate, 1.04 / sqrt(2^14) = 0.81%. */
export const HLL_RELATIVE_STANDARD_ERROR = 1.04 / Math.sqrt(HLL_REGISTER_COUNT);

export class HyperLogLog {
  readonly registers: Uint8Array;

  constructor(registers: Uint8Array = new Uint8Array(HLL_REGISTER_COUNT)) {
    this.registers = registers;
  }

  /** Adds a 53-bit hash from `hashValue`: low 14 bits pick the register, the next 39 bits give the rank. */
  add(hash: number): void {
    const low = hash >>> 0;
    const index = low & (HLL_REGISTER_COUNT - 1);
    const high = (hash - low) / 4294967296;
    const rest = low >>> PRECISION;
    // Rank = position of the first one bit in the 39 rank bits (21 high bits, then 18 from the low word).
    const rank = high !== 0 ? Math.clz32(high) - 10 : rest !== 0 ? Math.clz32(rest) + 8 : HLL_MAX_REGISTER;
    if (rank > this.registers[index]!) this.registers[index] = rank;
  }

  merge(other: HyperLogLog): void {
    const mine = this.registers;
    const theirs = other.registers;
    for (let i = 0; i < HLL_REGISTER_COUNT; i++) if (theirs[i]! > mine[i]!) mine[i] = theirs[i]!;
  }

  estimate(): number {
    const histogram = new Float64Array(HLL_MAX_REGISTER + 1);
    for (const register of this.registers) histogram[register]!++;
    const m = HLL_REGISTER_COUNT;
    let z = m * tau(1 - histogram[HLL_MAX_REGISTER]! / m);
    for (let k = RANK_BITS; k >= 1; k--) z = 0.5 * (z + histogram[k]!);
    z += m * sigma(histogram[0]! / m);
    return (m * m) / (2 * Math.LN2 * z);
  }
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const previous = z;
    z += x * y;
    y += y;
    if (z === previous) return z;
  }
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const previous = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
    if (z === previous) return z / 3;
  }
}

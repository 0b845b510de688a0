import type { Random } from "@ctrain/stats";

const BLOCK_BITS = 10;
const BLOCK_SIZE = 1 << BLOCK_BITS;
const BLOCK_MASK = BLOCK_SIZE - 1;

/**
 * Draws n row indices uniformly with replacement, as n independent draws would, but block by block:
 * the number of draws landing in each 1024-row block is one multinomial draw (a chain of binomials), and
 * the draws inside a block are uniform over it. Same distribution, and every read of per-row data that
 * follows stays inside one small block (cache-resident) instead of jumping over megabytes.
 */
export class BlockResampler {
  private readonly words = new Uint32Array(BLOCK_SIZE);
  private readonly blockDraws: Int32Array;
  /** The drawn rows of the last resample, grouped by block. */
  readonly rows: Int32Array;

  constructor(
    private readonly members: Int32Array,
    private readonly random: Random,
  ) {
    this.rows = new Int32Array(members.length);
    this.blockDraws = new Int32Array(Math.ceil(members.length / BLOCK_SIZE));
  }

  /** All rows 0..n-1 as members. */
  static over(rows: number, random: Random): BlockResampler {
    return new BlockResampler(
      Int32Array.from({ length: rows }, (_, row) => row),
      random,
    );
  }

  /** Refills `rows` with a fresh resample of the members. */
  resample(): Int32Array {
    const draws = this.drawsPerBlock();
    let written = 0;
    for (let block = 0; block < draws.length; block++) {
      const start = block * BLOCK_SIZE;
      written = this.drawInBlock(start, Math.min(BLOCK_SIZE, this.members.length - start), draws[block]!, written);
    }
    return this.rows;
  }

  /**
   * sums[k] = the sum of features[row * width + k] over a fresh resample of rows 0..n-1 (members must be
   * the identity), without writing the drawn rows anywhere: the row bootstrap's whole cost. Written as a
   * plain loop: with a per-block callback V8 ran it three times slower.
   */
  resampleSums(features: Float64Array, width: number, sums: Float64Array): void {
    sums.fill(0);
    const draws = this.drawsPerBlock();
    for (let block = 0; block < draws.length; block++) {
      const start = block * BLOCK_SIZE;
      const size = Math.min(BLOCK_SIZE, this.members.length - start);
      if (size < BLOCK_SIZE) {
        for (let i = 0; i < draws[block]!; i++) {
          const at = (start + this.random.nextIndex(size)) * width;
          for (let k = 0; k < width; k++) sums[k]! += features[at + k]!;
        }
        continue;
      }
      for (let done = 0; done < draws[block]!; done += 3 * BLOCK_SIZE) {
        const count = Math.min(3 * BLOCK_SIZE, draws[block]! - done);
        this.random.fillUint32(this.words, Math.ceil(count / 3));
        sumBlockDraws(this.words, count, features, start * width, width, sums);
      }
    }
  }

  /** How many of the n draws land in each block: one multinomial draw, as a chain of binomials. */
  private drawsPerBlock(): Int32Array {
    const total = this.members.length;
    const draws = this.blockDraws;
    let remaining = total;
    for (let block = 0; block < draws.length; block++) {
      const start = block * BLOCK_SIZE;
      const size = Math.min(BLOCK_SIZE, total - start);
      draws[block] = remaining === 0 ? 0 : this.random.nextBinomial(remaining, size / (total - start));
      remaining -= draws[block]!;
    }
    return draws;
  }

  private drawInBlock(start: number, size: number, draws: number, written: number): number {
    const { rows, members, words, random } = this;
    if (size < BLOCK_SIZE) {
      for (let i = 0; i < draws; i++) rows[written++] = members[start + random.nextIndex(size)]!;
      return written;
    }
    // A full block is a power of two, so any 10 bits of a word are an unbiased index: one word serves three draws.
    const end = written + draws;
    while (written < end) {
      const count = Math.min(words.length, Math.ceil((end - written) / 3));
      random.fillUint32(words, count);
      for (let i = 0; i < count && written < end; i++) {
        const word = words[i]!;
        rows[written++] = members[start + (word & BLOCK_MASK)]!;
        if (written < end) rows[written++] = members[start + ((word >>> BLOCK_BITS) & BLOCK_MASK)]!;
        if (written < end) rows[written++] = members[start + ((word >>> (2 * BLOCK_BITS)) & BLOCK_MASK)]!;
      }
    }
    return written;
  }
}

/** Adds the features of `count` rows of the full block at `base`, three 10-bit row offsets per random word. */
function sumBlockDraws(
  words: Uint32Array,
  count: number,
  features: Float64Array,
  base: number,
  width: number,
  sums: Float64Array,
): void {
  const whole = (count / 3) | 0;
  const offsetOf = (draw: number): number =>
    ((words[(draw / 3) | 0]! >>> (BLOCK_BITS * (draw % 3))) & BLOCK_MASK) * width;
  if (width === 1) {
    let sum = 0;
    for (let w = 0; w < whole; w++) {
      const word = words[w]!;
      sum +=
        features[base + (word & BLOCK_MASK)]! +
        features[base + ((word >>> BLOCK_BITS) & BLOCK_MASK)]! +
        features[base + ((word >>> (2 * BLOCK_BITS)) & BLOCK_MASK)]!;
    }
    for (let draw = 3 * whole; draw < count; draw++) sum += features[base + offsetOf(draw)]!;
    sums[0]! += sum;
    return;
  }
  if (width === 2) {
    let first = 0;
    let second = 0;
    for (let w = 0; w < whole; w++) {
      const word = words[w]!;
      const a = base + ((word & BLOCK_MASK) << 1);
      const b = base + (((word >>> BLOCK_BITS) & BLOCK_MASK) << 1);
      const c = base + (((word >>> (2 * BLOCK_BITS)) & BLOCK_MASK) << 1);
      first += features[a]! + features[b]! + features[c]!;
      second += features[a + 1]! + features[b + 1]! + features[c + 1]!;
    }
    for (let draw = 3 * whole; draw < count; draw++) {
      const at = base + offsetOf(draw);
      first += features[at]!;
      second += features[at + 1]!;
    }
    sums[0]! += first;
    sums[1]! += second;
    return;
  }
  for (let draw = 0; draw < count; draw++) {
    const at = base + offsetOf(draw);
    for (let k = 0; k < width; k++) sums[k]! += features[at + k]!;
  }
}

import type { SeededRandom } from "./random.js";

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
  /** The drawn rows of the last resample, grouped by block. */
  readonly rows: Int32Array;

  constructor(
    private readonly members: Int32Array,
    private readonly random: SeededRandom,
  ) {
    this.rows = new Int32Array(members.length);
  }

  /** All rows 0..n-1 as members. */
  static over(rows: number, random: SeededRandom): BlockResampler {
    return new BlockResampler(
      Int32Array.from({ length: rows }, (_, row) => row),
      random,
    );
  }

  /** Refills `rows` with a fresh resample of the members. */
  resample(): Int32Array {
    const total = this.members.length;
    let remainingDraws = total;
    let written = 0;
    for (let start = 0; start < total; start += BLOCK_SIZE) {
      const size = Math.min(BLOCK_SIZE, total - start);
      const draws = remainingDraws === 0 ? 0 : this.random.nextBinomial(remainingDraws, size / (total - start));
      remainingDraws -= draws;
      written = this.drawInBlock(start, size, draws, written);
    }
    return this.rows;
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

import type { Random } from "@ctrain/stats";

/** deepchecks keeps 100k raw values per column for its tests. */
export const DEFAULT_RESERVOIR_CAPACITY = 100_000;

/**
 * A uniform random sample of at most `capacity` numbers from a stream (Vitter's Algorithm X: after the
 * reservoir fills, a skip length is drawn per accepted value, so the values passed over cost a decrement).
 * Two reservoirs merge into a uniform sample of the union: the number taken from each side follows the
 * hypergeometric law of the two stream lengths, then that many are drawn from each side's sample.
 */
export class Reservoir {
  readonly capacity: number;
  private values: Float64Array;
  /** Values offered so far. */
  private offered: number;
  /** Values to pass over before the next one enters; -1 until drawn (lazily, so restoring uses no randomness). */
  private skip = -1;
  private readonly random: Random;

  constructor(capacity: number, random: Random, sample: Float64Array = new Float64Array(0), offered = sample.length) {
    this.capacity = capacity;
    this.random = random;
    this.values = new Float64Array(Math.min(capacity, Math.max(1024, sample.length)));
    this.values.set(sample);
    this.offered = offered;
  }

  /** Values offered to the reservoir (the population the sample stands for). */
  get seen(): number {
    return this.offered;
  }

  get size(): number {
    return Math.min(this.offered, this.capacity);
  }

  /** A copy of the sample. */
  sample(): Float64Array {
    return this.values.slice(0, this.size);
  }

  add(x: number): void {
    if (this.offered < this.capacity) {
      if (this.offered === this.values.length) this.grow();
      this.values[this.offered++] = x;
      return;
    }
    if (this.skip < 0) this.skip = this.drawSkip();
    this.offered++;
    if (this.skip > 0) {
      this.skip--;
      return;
    }
    this.values[this.random.nextIndex(this.capacity)] = x;
    this.skip = -1;
  }

  /** `count` of the sampled values, drawn uniformly (a uniform sample too); `this` supplies the randomness. */
  subsample(count: number): Float64Array {
    return this.drawWithoutReplacement(this.sample(), Math.min(count, this.size));
  }

  /** A uniform sample of both streams, of the smaller capacity; `this` supplies the randomness. */
  merged(other: Reservoir): Reservoir {
    const capacity = Math.min(this.capacity, other.capacity);
    const offered = this.offered + other.offered;
    if (offered <= capacity) {
      const both = new Float64Array(offered);
      both.set(this.sample());
      both.set(other.sample(), this.size);
      return new Reservoir(capacity, this.random, both, offered);
    }
    let remainingHere = this.offered;
    let remainingThere = other.offered;
    let fromHere = 0;
    for (let i = 0; i < capacity; i++) {
      if (this.random.nextDouble() * (remainingHere + remainingThere) < remainingHere) {
        fromHere++;
        remainingHere--;
      } else {
        remainingThere--;
      }
    }
    const merged = new Float64Array(capacity);
    merged.set(this.drawWithoutReplacement(this.sample(), fromHere));
    merged.set(this.drawWithoutReplacement(other.sample(), capacity - fromHere), fromHere);
    return new Reservoir(capacity, this.random, merged, offered);
  }

  private grow(): void {
    const grown = new Float64Array(Math.min(this.capacity, this.values.length * 2));
    grown.set(this.values);
    this.values = grown;
  }

  /** Partial Fisher-Yates shuffle of `pool` (which it reorders): `count` values drawn uniformly. */
  private drawWithoutReplacement(pool: Float64Array, count: number): Float64Array {
    for (let i = 0; i < count; i++) {
      const j = i + this.random.nextIndex(pool.length - i);
      const held = pool[i]!;
      pool[i] = pool[j]!;
      pool[j] = held;
    }
    return pool.subarray(0, count);
  }

  /** How many of the next values to pass over: value t (1-based) is kept with probability capacity / t. */
  private drawSkip(): number {
    const threshold = this.random.nextDouble();
    let t = this.offered + 1;
    let passOver = (t - this.capacity) / t;
    let skip = 0;
    while (passOver > threshold) {
      skip++;
      t++;
      passOver *= (t - this.capacity) / t;
    }
    return skip;
  }
}

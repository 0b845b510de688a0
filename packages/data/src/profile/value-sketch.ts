import { hashValue } from "./hash.js";
import { HyperLogLog } from "./hyperloglog.js";
import type { ProfileValue } from "./schema.js";

/**
 * - `exact`: every distinct value with its count.
 * - `approximate`: past the exact limit. Numbers are no longer counted (a numeric column's shares come from
 *   its quantile sketch and reservoir); strings and booleans keep Misra-Gries counters, each count low by at
 *   most `errorBound`.
 */
export type ValueCountMode = "exact" | "approximate";

/** Keep every distinct value exactly up to this many, as category shares for chi-square and JS need. */
export const DEFAULT_EXACT_VALUE_LIMIT = 1000;

export interface ValueSketchState {
  mode: ValueCountMode;
  limit: number;
  entries: [ProfileValue, number][];
  errorBound: number;
  distinct: HyperLogLog | null;
  fingerprint: [number, number];
}

/**
 * Counts of values, their distinct count and a content fingerprint, all mergeable:
 * - counts are exact while there are at most `limit` distinct values; then numbers are dropped and the other
 *   values keep Misra-Gries counters (mergeable per Agarwal et al., "Mergeable Summaries", 2012);
 * - distinct values are counted exactly while counts are exact, then by HyperLogLog (built from the exact
 *   counts at that moment, so no value is hashed while counting is exact);
 * - the fingerprint is the sum of all value hashes mod 2^32 per 32/21-bit lane: it ignores row order and
 *   sharding and changes with any value.
 */
export class ValueSketch {
  private mode: ValueCountMode = "exact";
  private limit: number;
  private counts = new Map<ProfileValue, number>();
  /** How much any Misra-Gries count may fall short of the true count. */
  private errorBound = 0;
  private distinct: HyperLogLog | null = null;
  private fingerprintLow = 0;
  private fingerprintHigh = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  static fromState(state: ValueSketchState): ValueSketch {
    const sketch = new ValueSketch(state.limit);
    sketch.mode = state.mode;
    sketch.counts = new Map(state.entries);
    sketch.errorBound = state.errorBound;
    if (state.mode !== "exact") {
      if (!state.distinct) throw new Error("a value sketch past its exact limit needs its HyperLogLog registers");
      sketch.distinct = state.distinct;
      [sketch.fingerprintLow, sketch.fingerprintHigh] = state.fingerprint;
    }
    return sketch;
  }

  add(value: ProfileValue): void {
    if (this.mode === "exact") {
      this.count(value);
      if (this.counts.size > this.limit) this.leaveExact();
      return;
    }
    const hash = hashValue(value);
    this.distinct!.add(hash);
    this.fingerprintLow = (this.fingerprintLow + (hash >>> 0)) >>> 0;
    this.fingerprintHigh = (this.fingerprintHigh + Math.floor(hash / 4294967296)) >>> 0;
    if (typeof value !== "number") {
      this.count(value);
      // Reducing once the table doubles keeps the amortized cost per value constant.
      if (this.counts.size > 2 * this.limit) this.reduce();
    }
  }

  merge(other: ValueSketch): void {
    this.limit = Math.min(this.limit, other.limit);
    if (this.mode === "exact" && other.mode === "exact") {
      for (const [value, count] of other.counts) this.count(value, count);
      if (this.counts.size > this.limit) this.leaveExact();
      return;
    }
    const theirs = ValueSketch.fromState(other.state());
    if (this.mode === "exact") this.leaveExact();
    if (theirs.mode === "exact") theirs.leaveExact();
    this.distinct!.merge(theirs.distinct!);
    this.fingerprintLow = (this.fingerprintLow + theirs.fingerprintLow) >>> 0;
    this.fingerprintHigh = (this.fingerprintHigh + theirs.fingerprintHigh) >>> 0;
    for (const [value, count] of theirs.counts) this.count(value, count);
    this.errorBound += theirs.errorBound;
    if (this.counts.size > this.limit) this.reduce();
  }

  /** Distinct values: exact while counts are exact, else the HyperLogLog estimate. */
  distinctCount(): { count: number; exact: boolean } {
    if (this.mode === "exact") return { count: this.counts.size, exact: true };
    return { count: Math.round(this.distinct!.estimate()), exact: false };
  }

  /** Counts as saved: at most `limit` entries (an approximate table is reduced on the way out). */
  state(): ValueSketchState {
    const { entries, errorBound } = this.reducedCounts();
    return {
      mode: this.mode,
      limit: this.limit,
      entries,
      errorBound,
      distinct: this.mode === "exact" ? null : this.distinct,
      fingerprint: this.fingerprint(),
    };
  }

  fingerprint(): [number, number] {
    if (this.mode !== "exact") return [this.fingerprintLow, this.fingerprintHigh];
    let low = 0;
    let high = 0;
    for (const [value, count] of this.counts) {
      const hash = hashValue(value);
      low = (low + Math.imul(hash >>> 0, count)) >>> 0;
      high = (high + Math.imul(Math.floor(hash / 4294967296), count)) >>> 0;
    }
    return [low, high];
  }

  private count(value: ProfileValue, by = 1): void {
    this.counts.set(value, (this.counts.get(value) ?? 0) + by);
  }

  /** Moves the exact counts into the hashed sketches, and keeps the counts of all but numbers as counters. */
  private leaveExact(): void {
    this.distinct = new HyperLogLog();
    [this.fingerprintLow, this.fingerprintHigh] = this.fingerprint();
    for (const value of this.counts.keys()) {
      this.distinct.add(hashValue(value));
      if (typeof value === "number") this.counts.delete(value);
    }
    this.mode = "approximate";
  }

  /** Misra-Gries reduction to `limit` counters, in place: subtract the (limit+1)-th largest count from all. */
  private reduce(): void {
    const cut = this.reductionCut();
    if (cut === 0) return;
    for (const [value, count] of this.counts) {
      if (count > cut) this.counts.set(value, count - cut);
      else this.counts.delete(value);
    }
    this.errorBound += cut;
  }

  /** The counts as `reduce` would leave them, without changing the sketch. */
  private reducedCounts(): { entries: [ProfileValue, number][]; errorBound: number } {
    const cut = this.reductionCut();
    const entries: [ProfileValue, number][] = [];
    for (const [value, count] of this.counts) if (count > cut) entries.push([value, count - cut]);
    return { entries, errorBound: this.errorBound + cut };
  }

  /** The (limit+1)-th largest count, 0 when there are at most `limit` counters. */
  private reductionCut(): number {
    if (this.counts.size <= this.limit) return 0;
    // A loop: Float64Array.from(map.values()) took most of a reduction's time in a CPU profile.
    const counts = new Float64Array(this.counts.size);
    let at = 0;
    for (const count of this.counts.values()) counts[at++] = count;
    return selectAscending(counts, counts.length - 1 - this.limit);
  }
}

/**
 * The k-th smallest value (0-based) by Hoare's quickselect, reordering `values`. Hand-written: a reduction
 * needs this one order statistic, in linear time, where a sort of every counter takes n log n.
 */
function selectAscending(values: Float64Array, k: number): number {
  let low = 0;
  let high = values.length - 1;
  while (low < high) {
    const pivot = values[(low + high) >>> 1]!;
    let i = low;
    let j = high;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const held = values[i]!;
        values[i++] = values[j]!;
        values[j--] = held;
      }
    }
    if (k <= j) high = j;
    else if (k >= i) low = i;
    else break;
  }
  return values[k]!;
}

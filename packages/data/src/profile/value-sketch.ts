import { hashAsciiBytes, hashString, hashValue } from "./hash.js";
import { HyperLogLog } from "./hyperloglog.js";
import { PROFILE_STRING_MAX_CHARS, type ProfileValue } from "./schema.js";
import { ValueTable } from "./value-table.js";

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
 * - distinct values are counted exactly while counts are exact, then by HyperLogLog (built from the hashes of
 *   the exact counts at that moment);
 * - the fingerprint is the sum of all value hashes mod 2^32 per 32/21-bit lane: it ignores row order and
 *   sharding and changes with any value.
 */
export class ValueSketch {
  private mode: ValueCountMode = "exact";
  private limit: number;
  private table = new ValueTable<ProfileValue | StashedAscii>();
  /** The bytes of strings counted past the exact limit and not yet made into strings (see `addAscii`). */
  private stash?: AsciiStash;
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
    for (const [value, count] of state.entries) sketch.table.add(hashValue(value), value, count);
    sketch.errorBound = state.errorBound;
    if (state.mode !== "exact") {
      if (!state.distinct) throw new Error("a value sketch past its exact limit needs its HyperLogLog registers");
      sketch.distinct = state.distinct;
      [sketch.fingerprintLow, sketch.fingerprintHigh] = state.fingerprint;
    }
    return sketch;
  }

  add(value: ProfileValue): void {
    if (typeof value === "string" && value.length > PROFILE_STRING_MAX_CHARS) value = profileString(value);
    const hash = hashValue(value);
    const exact = this.mode === "exact";
    if (exact || typeof value !== "number") {
      const slot = this.table.slotOf(hash);
      if (this.table.isFilled(slot)) this.table.increment(slot, 1);
      else this.addNew(slot, hash, value);
    }
    // A value that ends exact counting is already in the fingerprint the exact counts leave.
    if (!exact) this.addHashed(hash);
  }

  /**
   * A string given as its ASCII bytes[start, end): counted as `add` would count it, and made into a string only the
   * first time the table meets it. Past the exact limit a short value's bytes are stashed instead, and made into a
   * string only if its counter outlives the next reduction: in a column of mostly distinct values almost none does, and
   * making a string per cell took a third of such a column's profiling time (measured with --cpu-prof).
   */
  addAscii(bytes: Uint8Array, start: number, end: number): void {
    if (end - start > PROFILE_STRING_MAX_CHARS) return this.add(asciiString(bytes, start, end));
    const hash = hashAsciiBytes(bytes, start, end);
    const exact = this.mode === "exact";
    const slot = this.table.slotOf(hash);
    if (this.table.isFilled(slot)) this.table.increment(slot, 1);
    else {
      const stash = !exact && end - start <= STASHED_MAX_BYTES;
      this.addNew(slot, hash, stash ? this.stashed(bytes, start, end) : asciiString(bytes, start, end));
    }
    if (!exact) this.addHashed(hash);
  }

  merge(other: ValueSketch): void {
    this.limit = Math.min(this.limit, other.limit);
    if (this.mode === "exact" && other.mode === "exact") {
      other.table.forEach((value, hash, count) => this.table.add(hash, value, count));
      if (this.table.size > this.limit) this.leaveExact();
      return;
    }
    const theirs = ValueSketch.fromState(other.state());
    if (this.mode === "exact") this.leaveExact();
    if (theirs.mode === "exact") theirs.leaveExact();
    this.distinct!.merge(theirs.distinct!);
    this.fingerprintLow = (this.fingerprintLow + theirs.fingerprintLow) >>> 0;
    this.fingerprintHigh = (this.fingerprintHigh + theirs.fingerprintHigh) >>> 0;
    theirs.table.forEach((value, hash, count) => this.table.add(hash, value, count));
    this.errorBound += theirs.errorBound;
    if (this.table.size > this.limit) this.reduce();
  }

  /** Distinct values: exact while counts are exact, else the HyperLogLog estimate. */
  distinctCount(): { count: number; exact: boolean } {
    if (this.mode === "exact") return { count: this.table.size, exact: true };
    return { count: Math.round(this.distinct!.estimate()), exact: false };
  }

  /** Counts as saved, in value order: at most `limit` entries (an approximate table is reduced on the way out). */
  state(): ValueSketchState {
    const cut = this.reductionCut();
    const entries: [ProfileValue, number][] = [];
    this.table.forEach((value, _hash, count) => {
      if (count > cut) entries.push([this.valueOf(value), count - cut]);
    });
    entries.sort(([a], [b]) => compareValues(a, b));
    return {
      mode: this.mode,
      limit: this.limit,
      entries,
      errorBound: this.errorBound + cut,
      distinct: this.mode === "exact" ? null : this.distinct,
      fingerprint: this.fingerprint(),
    };
  }

  fingerprint(): [number, number] {
    if (this.mode !== "exact") return [this.fingerprintLow, this.fingerprintHigh];
    let low = 0;
    let high = 0;
    this.table.forEach((_value, hash, count) => {
      low = (low + Math.imul(hash >>> 0, count)) >>> 0;
      high = (high + Math.imul(Math.floor(hash / 4294967296), count)) >>> 0;
    });
    return [low, high];
  }

  /** A value the table has not met, into the empty slot `slot`. */
  private addNew(slot: number, hash: number, value: ProfileValue | StashedAscii): void {
    this.table.insert(slot, hash, value, 1);
    if (this.mode === "exact") {
      if (this.table.size > this.limit) this.leaveExact();
    } else if (this.table.size > 2 * this.limit) {
      // Reducing once the table doubles keeps the amortized cost per value constant.
      this.reduce();
    }
  }

  /** Past the exact limit, every value enters the distinct count and the fingerprint by its hash. */
  private addHashed(hash: number): void {
    this.distinct!.add(hash);
    this.fingerprintLow = (this.fingerprintLow + (hash >>> 0)) >>> 0;
    this.fingerprintHigh = (this.fingerprintHigh + Math.floor(hash / 4294967296)) >>> 0;
  }

  /** Moves the exact counts into the hashed sketches, and keeps the counts of all but numbers as counters. */
  private leaveExact(): void {
    const distinct = new HyperLogLog();
    [this.fingerprintLow, this.fingerprintHigh] = this.fingerprint();
    this.table.forEach((_value, hash) => distinct.add(hash));
    this.table.retain((value, count) => (typeof value === "number" ? 0 : count));
    this.distinct = distinct;
    this.mode = "approximate";
  }

  /** Misra-Gries reduction to `limit` counters, in place: subtract the (limit+1)-th largest count from all. */
  private reduce(): void {
    const cut = this.reductionCut();
    if (cut === 0) return;
    this.table.retain((_value, count) => count - cut);
    this.errorBound += cut;
    this.unstash();
  }

  /** The bytes of a string, kept until `unstash`; room is made by unstashing when the stash is full. */
  private stashed(bytes: Uint8Array, start: number, end: number): StashedAscii {
    this.stash ??= new AsciiStash();
    if (!this.stash.fits(end - start)) this.unstash();
    return this.stash.keep(bytes, start, end);
  }

  /** Makes every stashed value a string, and empties the stash. */
  private unstash(): void {
    const stash = this.stash;
    if (!stash || stash.empty) return;
    this.table.mapValues((value) => (value instanceof StashedAscii ? stash.text(value) : value));
    stash.clear();
  }

  private valueOf(value: ProfileValue | StashedAscii): ProfileValue {
    return value instanceof StashedAscii ? this.stash!.text(value) : value;
  }

  /** The (limit+1)-th largest count, 0 when there are at most `limit` counters. */
  private reductionCut(): number {
    if (this.table.size <= this.limit) return 0;
    const counts = this.table.counts();
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

/**
 * A string past the profile's bound as it is counted and kept: its prefix, its length and a hash of all of it, so two
 * long values stay apart (but for a 53-bit hash collision) and a baseline and a new run name the same value alike.
 */
function profileString(value: string): string {
  const suffix = ` … (${value.length} characters, hash ${hashString(value).toString(16)})`;
  return value.slice(0, PROFILE_STRING_MAX_CHARS - suffix.length) + suffix;
}

/** A total order on values for stable output: numbers, then booleans, then strings. */
export function compareValues(a: ProfileValue, b: ProfileValue): number {
  const rank = (value: ProfileValue): number => (typeof value === "number" ? 0 : typeof value === "boolean" ? 1 : 2);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Where in its sketch's stash the bytes of a string lie. */
class StashedAscii {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {}
}

/**
 * Values longer than this are made strings at once: a stash of long values would fill, and be emptied (a walk over
 * the table), every few dozen values.
 */
const STASHED_MAX_BYTES = 64;
const STASH_MIN_BYTES = 4 * 1024;
const STASH_MAX_BYTES = 64 * 1024;

/**
 * Bytes of strings a sketch counts but has not made yet. It starts at 4 KiB and doubles while it fills between two
 * reductions, up to 64 KiB: a thousand or more short values, and little memory for columns that rarely meet a new one.
 */
class AsciiStash {
  private bytes = new Uint8Array(STASH_MIN_BYTES);
  private used = 0;

  get empty(): boolean {
    return this.used === 0;
  }

  /** Whether `length` more bytes fit, after growing if it may (stashed values keep their offsets). */
  fits(length: number): boolean {
    if (this.used + length <= this.bytes.length) return true;
    if (this.bytes.length >= STASH_MAX_BYTES) return false;
    const grown = new Uint8Array(Math.min(2 * this.bytes.length, STASH_MAX_BYTES));
    grown.set(this.bytes.subarray(0, this.used));
    this.bytes = grown;
    return this.used + length <= this.bytes.length;
  }

  keep(bytes: Uint8Array, start: number, end: number): StashedAscii {
    const at = this.used;
    const stash = this.bytes;
    // A loop: values are short, and a subarray per value cost more than copying them.
    for (let from = start, to = at; from < end; from++, to++) stash[to] = bytes[from]!;
    this.used += end - start;
    return new StashedAscii(at, this.used);
  }

  text(value: StashedAscii): string {
    return asciiString(this.bytes, value.start, value.end);
  }

  clear(): void {
    this.used = 0;
  }
}

/** Measured faster here than `Buffer#toString("latin1", start, end)` on the whole chunk. */
function asciiString(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("latin1");
}

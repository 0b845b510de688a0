import type { ProfileValue } from "./schema.js";

const EMPTY = 0;
const INITIAL_CAPACITY = 64;

/**
 * Counts of profile values in an open-addressing table (linear probing) keyed by each value's 53-bit hash.
 * Hand-written: a JS Map looks a value up twice per count (get, then set) and needs the value itself, a string per
 * CSV cell; this table finds a cell by the hash of its bytes, so a value seen before costs no string. Two values of
 * one hash would share a count: among the few thousand values a sketch keeps, the chance is below 1e-9.
 */
export class ValueTable<V = ProfileValue> {
  /** hash + 1 per slot; 0 marks an empty slot. */
  private keys: Float64Array;
  private tallies: Float64Array;
  private values: (V | undefined)[];
  private mask: number;
  private used = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    let size = INITIAL_CAPACITY;
    while (size < 2 * capacity) size *= 2;
    this.keys = new Float64Array(size);
    this.tallies = new Float64Array(size);
    this.values = new Array<V | undefined>(size);
    this.mask = size - 1;
  }

  get size(): number {
    return this.used;
  }

  /** The slot of `hash`: where it is, or the empty slot where it would go (see `isFilled`). */
  slotOf(hash: number): number {
    const key = hash + 1;
    const keys = this.keys;
    let slot = (hash >>> 0) & this.mask;
    for (let found = keys[slot]!; found !== EMPTY && found !== key; found = keys[slot]!) slot = (slot + 1) & this.mask;
    return slot;
  }

  isFilled(slot: number): boolean {
    return this.keys[slot] !== EMPTY;
  }

  /** Adds to the count of the value in a filled slot. */
  increment(slot: number, by: number): void {
    this.tallies[slot]! += by;
  }

  /** Puts a value into the empty slot `slotOf(hash)` returned; nothing else may change the table in between. */
  insert(slot: number, hash: number, value: V, count: number): void {
    this.keys[slot] = hash + 1;
    this.tallies[slot] = count;
    this.values[slot] = value;
    if (++this.used * 2 > this.keys.length) this.rehash(this.keys.length * 2);
  }

  /** Adds `count` of a value by its hash. */
  add(hash: number, value: V, count: number): void {
    const slot = this.slotOf(hash);
    if (this.isFilled(slot)) this.increment(slot, count);
    else this.insert(slot, hash, value, count);
  }

  /** Calls `visit` with every value, its hash and its count. */
  forEach(visit: (value: V, hash: number, count: number) => void): void {
    const { keys, tallies, values } = this;
    for (let slot = 0; slot < keys.length; slot++) {
      if (keys[slot] !== EMPTY) visit(values[slot]!, keys[slot]! - 1, tallies[slot]!);
    }
  }

  /** Replaces every value by what `change` makes of it. */
  mapValues(change: (value: V) => V): void {
    const { keys, values } = this;
    for (let slot = 0; slot < keys.length; slot++) if (keys[slot] !== EMPTY) values[slot] = change(values[slot]!);
  }

  /** The counts, as a Float64Array in slot order. */
  counts(): Float64Array {
    const counts = new Float64Array(this.used);
    let at = 0;
    for (let slot = 0; slot < this.keys.length; slot++)
      if (this.keys[slot] !== EMPTY) counts[at++] = this.tallies[slot]!;
    return counts;
  }

  /** Keeps the values `keep` accepts, with the count it returns (a count of 0 or less drops the value). */
  retain(keep: (value: V, count: number) => number): void {
    this.rehash(this.keys.length, keep);
  }

  private rehash(size: number, keep?: (value: V, count: number) => number): void {
    const { keys, tallies, values } = this;
    this.keys = new Float64Array(size);
    this.tallies = new Float64Array(size);
    this.values = new Array<V | undefined>(size);
    this.mask = size - 1;
    this.used = 0;
    for (let slot = 0; slot < keys.length; slot++) {
      if (keys[slot] === EMPTY) continue;
      const count = keep ? keep(values[slot]!, tallies[slot]!) : tallies[slot]!;
      if (count <= 0) continue;
      const hash = keys[slot]! - 1;
      const at = this.slotOf(hash);
      this.keys[at] = keys[slot]!;
      this.tallies[at] = count;
      this.values[at] = values[slot];
      this.used++;
    }
  }
}

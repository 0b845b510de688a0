import type { KllSketch } from "./kll.js";
import type { Moments } from "./moments.js";
import type { Random } from "@ctrain/stats";
import type { Reservoir } from "./reservoir.js";
import type { StringSummary } from "./schema.js";
import type { ValueSketch } from "./value-sketch.js";

/** Counts of what a column held. */
export interface ColumnCounts {
  count: number;
  nullCount: number;
  numberCount: number;
  stringCount: number;
  booleanCount: number;
  integerCount: number;
  nanCount: number;
  positiveInfinityCount: number;
  negativeInfinityCount: number;
}

/** Count, min, max and total of string lengths (integers, so merges are exact). */
export class StringLengths {
  count = 0;
  min = Infinity;
  max = -Infinity;
  total = 0;

  add(length: number): void {
    this.count++;
    this.total += length;
    if (length < this.min) this.min = length;
    if (length > this.max) this.max = length;
  }

  merge(other: StringLengths): void {
    this.count += other.count;
    this.total += other.total;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  summary(): StringSummary | null {
    if (this.count === 0) return null;
    return { minLength: this.min, maxLength: this.max, meanLength: this.total / this.count, totalLength: this.total };
  }
}

/** Everything a column profiler holds; what a saved profile decodes to. */
export interface ColumnParts {
  counts: ColumnCounts;
  moments: Moments;
  stringLengths: StringLengths;
  random: Random;
  quantiles: KllSketch;
  reservoir: Reservoir;
  values: ValueSketch;
}

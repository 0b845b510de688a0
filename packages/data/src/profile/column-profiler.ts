import { CellKind, type TextBatch } from "@ctrain/readers";
import type { ColumnCounts, ColumnParts } from "./column-parts.js";
import { StringLengths } from "./column-parts.js";
import { decodeColumnParts, encodeSketchState } from "./column-state.js";
import { hashString } from "./hash.js";
import { HLL_RELATIVE_STANDARD_ERROR } from "./hyperloglog.js";
import { DEFAULT_KLL_K, KllSketch } from "./kll.js";
import { Moments } from "./moments.js";
import { summarizeNumbers } from "./numeric-summary.js";
import { Random } from "@ctrain/stats";
import { DEFAULT_RESERVOIR_CAPACITY, Reservoir } from "./reservoir.js";
import type { ColumnProfile, ColumnType, ProfileValue } from "./schema.js";
import type { ValueCountMode } from "./value-sketch.js";
import { compareValues, DEFAULT_EXACT_VALUE_LIMIT, ValueSketch } from "./value-sketch.js";

export interface ProfileOptions {
  /** Raw numbers kept per column for KS, Wasserstein and PSI (a uniform sample); default 100,000 like deepchecks. */
  sampleSize?: number;
  /** Distinct values counted exactly per column (category shares); default 1000. */
  exactValueLimit?: number;
  /** KLL accuracy parameter; default 200 (rank error 1.33% with 99% confidence). */
  quantileK?: number;
  /**
   * Seed of the sketches' randomness (mixed with the column name). Shards profiled for a merge should
   * each get their own seed, e.g. the matrix index, so their samples are independent. Default 0.
   */
  seed?: number;
}

const TOP_VALUES = 20;

/**
 * A mergeable profile of one column, fed value by value. Numbers cost no allocation: exact counts and
 * moments, a KLL quantile sketch, a reservoir sample, and a value sketch (exact counts up to a limit, then
 * HyperLogLog and Misra-Gries). NaN and ±Infinity are counted apart and kept out of every statistic.
 */
export class ColumnProfiler {
  private counts: ColumnCounts = {
    count: 0,
    nullCount: 0,
    numberCount: 0,
    stringCount: 0,
    booleanCount: 0,
    integerCount: 0,
    nanCount: 0,
    positiveInfinityCount: 0,
    negativeInfinityCount: 0,
  };
  private moments = new Moments();
  private stringLengths = new StringLengths();
  private random: Random;
  private quantiles: KllSketch;
  private reservoir: Reservoir;
  private values: ValueSketch;

  /** A profiler for the column `name` (its name seeds the sketches' randomness, mixed with `options.seed`). */
  constructor(name: string, options: ProfileOptions = {}) {
    const { sampleSize = DEFAULT_RESERVOIR_CAPACITY, exactValueLimit = DEFAULT_EXACT_VALUE_LIMIT } = options;
    const { quantileK = DEFAULT_KLL_K } = options;
    if (!Number.isInteger(sampleSize) || sampleSize < 1) {
      throw new RangeError(`sampleSize ${sampleSize} is not a positive integer`);
    }
    if (!Number.isInteger(exactValueLimit) || exactValueLimit < 1) {
      throw new RangeError(`exactValueLimit ${exactValueLimit} is not a positive integer`);
    }
    if (!Number.isInteger(quantileK) || quantileK < 8 || quantileK > 65_536) {
      throw new RangeError(`quantileK ${quantileK} is not an integer from 8 to 65536`);
    }
    this.random = Random.seeded((options.seed ?? 0) ^ (hashString(name) >>> 0));
    this.quantiles = new KllSketch(quantileK, this.random);
    this.reservoir = new Reservoir(sampleSize, this.random);
    this.values = new ValueSketch(exactValueLimit);
  }

  /**
   * A profiler that continues from a saved profile (checked: a hostile or broken profile raises a
   * UserError naming `location` and the key). Options apply to raw text reading only.
   */
  static fromProfile(profile: unknown, location: string, options: ProfileOptions = {}): ColumnProfiler {
    const parts = decodeColumnParts(profile, location);
    const profiler = new ColumnProfiler("", options);
    profiler.counts = parts.counts;
    profiler.moments = parts.moments;
    profiler.stringLengths = parts.stringLengths;
    profiler.random = parts.random;
    profiler.quantiles = parts.quantiles;
    profiler.reservoir = parts.reservoir;
    profiler.values = parts.values;
    return profiler;
  }

  /** Any value: numbers, strings and booleans by kind, bigint as a number, null and undefined as null, other objects as their JSON text. */
  add(value: unknown): void {
    switch (typeof value) {
      case "number":
        return this.addNumber(value);
      case "string":
        return this.addString(value);
      case "boolean":
        return this.addBoolean(value);
      case "bigint":
        return this.addNumber(Number(value));
      case "undefined":
        return this.addNull();
      default:
        if (value === null) return this.addNull();
        return this.addString(value instanceof Date ? value.toISOString() : JSON.stringify(value));
    }
  }

  addNumber(x: number): void {
    const counts = this.counts;
    counts.count++;
    counts.numberCount++;
    if (x !== x) {
      counts.nanCount++;
      return;
    }
    if (x === Infinity || x === -Infinity) {
      if (x > 0) counts.positiveInfinityCount++;
      else counts.negativeInfinityCount++;
      return;
    }
    if (Math.floor(x) === x) counts.integerCount++;
    this.moments.add(x);
    this.quantiles.add(x);
    this.reservoir.add(x);
    this.values.add(x);
  }

  addString(s: string): void {
    this.counts.count++;
    this.counts.stringCount++;
    this.stringLengths.add(s.length);
    this.values.add(s);
  }

  /** The string of ASCII bytes[start, end), made only if the value counts have not met it. */
  private addAsciiString(bytes: Uint8Array, start: number, end: number): void {
    this.counts.count++;
    this.counts.stringCount++;
    this.stringLengths.add(end - start);
    this.values.addAscii(bytes, start, end);
  }

  addBoolean(b: boolean): void {
    this.counts.count++;
    this.counts.booleanCount++;
    this.values.add(b);
  }

  addNull(): void {
    this.addNulls(1);
  }

  addNulls(count: number): void {
    this.counts.count += count;
    this.counts.nullCount += count;
  }

  /**
   * Column `col` of a batch of text cells (CSV, TSV), read by the cell grammar (`TextBatch.classifyColumn`): null
   * spellings, numbers, booleans, else strings (timestamps stay strings). ASCII strings are counted from their bytes.
   */
  addTextColumn(batch: TextBatch, col: number): void {
    const { kinds, numbers } = batch.classifyColumn(col);
    const { bytes, starts, ends, flags, width } = batch.cellRanges();
    let nulls = 0;
    for (let row = 0; row < kinds.length; row++) {
      switch (kinds[row]) {
        case CellKind.Null:
          nulls++;
          break;
        case CellKind.Integer:
        case CellKind.Float:
          this.addNumber(numbers[row]!);
          break;
        case CellKind.Boolean:
          this.addBoolean(numbers[row] === 1);
          break;
        default: {
          const index = row * width + col;
          if (flags[index] === 0) this.addAsciiString(bytes, starts[index]!, ends[index]!);
          else this.addString(batch.cell(row, col));
        }
      }
    }
    this.addNulls(nulls);
  }

  /** Adds another profiler's values (of the same column, e.g. another shard); `other` is left as it was. */
  merge(other: ColumnProfiler): void {
    for (const key of Object.keys(this.counts) as (keyof ColumnCounts)[]) this.counts[key] += other.counts[key];
    this.moments.merge(other.moments);
    this.stringLengths.merge(other.stringLengths);
    this.quantiles.merge(other.quantiles);
    this.reservoir = this.reservoir.merged(other.reservoir);
    this.values.merge(other.values);
  }

  /** The reservoir sample of finite numbers, and how many it stands for. */
  sample(): { values: Float64Array; population: number } {
    return { values: this.reservoir.sample(), population: this.reservoir.seen };
  }

  /**
   * Counts of the finite numbers, strings and booleans: all of them (`exact`), or past the exact limit the most
   * frequent strings and booleans, each low by at most `errorBound` (`approximate`). `total` counts them all.
   */
  valueCounts(): { mode: ValueCountMode; counts: Map<ProfileValue, number>; errorBound: number; total: number } {
    const { mode, entries, errorBound } = this.values.state();
    const { counts } = this;
    const finite = counts.numberCount - counts.nanCount - counts.positiveInfinityCount - counts.negativeInfinityCount;
    return { mode, counts: new Map(entries), errorBound, total: finite + counts.stringCount + counts.booleanCount };
  }

  toProfile(): ColumnProfile {
    const { counts } = this;
    const valueState = this.values.state();
    const distinct = this.values.distinctCount();
    const top = [...valueState.entries]
      .sort(([a, countA], [b, countB]) => countB - countA || compareValues(a, b))
      .slice(0, TOP_VALUES);
    return {
      type: columnType(counts),
      count: counts.count,
      nullCount: counts.nullCount,
      numberCount: counts.numberCount,
      stringCount: counts.stringCount,
      booleanCount: counts.booleanCount,
      numeric:
        counts.numberCount === 0
          ? null
          : summarizeNumbers(this.moments, this.quantiles.sortedView(), this.quantiles.parameterK, counts),
      string: this.stringLengths.summary(),
      distinct: {
        count: distinct.count,
        exact: distinct.exact,
        relativeStandardError: distinct.exact ? 0 : HLL_RELATIVE_STANDARD_ERROR,
      },
      topValues: { errorBound: valueState.errorBound, values: top.map(([value, count]) => ({ value, count })) },
      sketch: encodeSketchState(this.parts()),
    };
  }

  private parts(): ColumnParts {
    return {
      counts: this.counts,
      moments: this.moments,
      stringLengths: this.stringLengths,
      random: this.random,
      quantiles: this.quantiles,
      reservoir: this.reservoir,
      values: this.values,
    };
  }
}

function columnType(counts: ColumnCounts): ColumnType {
  const nonNull = counts.count - counts.nullCount;
  if (nonNull === 0) return "empty";
  if (counts.numberCount === nonNull) {
    const finite = counts.numberCount - counts.nanCount - counts.positiveInfinityCount - counts.negativeInfinityCount;
    return counts.integerCount === finite && finite === counts.numberCount ? "integer" : "float";
  }
  if (counts.booleanCount === nonNull) return "boolean";
  if (counts.stringCount === nonNull) return "string";
  return "mixed";
}

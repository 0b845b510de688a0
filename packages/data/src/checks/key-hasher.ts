/**
 * A 64-bit hash of a row or of some of its cells, built cell by cell, as two 32-bit lanes.
 * Hand-written (two multiply-xorshift lanes over UTF-16 code units, murmur3 finalizers): a repeat check hashes
 * every cell of every row, and node:crypto would first encode each string to bytes.
 * Cell boundaries and nulls are mixed in, so ("ab", "c"), ("a", "bc") and ("abc", null) hash apart.
 */
export class KeyHasher {
  hi = 0;
  lo = 0;
  private a = 0;
  private b = 0;
  private static readonly float64 = new Float64Array(1);
  private static readonly words = new Uint32Array(KeyHasher.float64.buffer);

  reset(): this {
    this.a = 0x9e3779b9;
    this.b = 0x85ebca6b;
    return this;
  }

  /** Continues from another hasher's state (a row's features, before its label is added). */
  copyFrom(other: KeyHasher): this {
    this.a = other.a;
    this.b = other.b;
    return this;
  }

  /** Marks which column the next value belongs to, so rows that differ only in where a value sits hash apart. */
  addColumn(col: number): this {
    return this.endCell(0x200000 + col);
  }

  addString(s: string): this {
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < s.length; i++) {
      const unit = s.charCodeAt(i);
      a = Math.imul(a ^ unit, 0x9e3779b1);
      b = Math.imul(b ^ unit, 0x5bd1e995);
    }
    this.a = a;
    this.b = b;
    return this.endCell(s.length);
  }

  addNumber(x: number): this {
    KeyHasher.float64[0] = x === 0 ? 0 : x;
    this.a = Math.imul(this.a ^ KeyHasher.words[0]!, 0x9e3779b1);
    this.b = Math.imul(this.b ^ KeyHasher.words[1]!, 0x5bd1e995);
    return this.endCell(0x100001);
  }

  addNull(): this {
    return this.endCell(0x100003);
  }

  /** Any decoded value (JSON Lines, Parquet): by kind, so 1, "1" and true differ. */
  addValue(value: unknown): this {
    if (value === null || value === undefined) return this.addNull();
    if (typeof value === "number") return this.addNumber(value);
    if (typeof value === "string") return this.addString(value).endCell(0x100005);
    if (typeof value === "boolean") return this.endCell(value ? 0x100007 : 0x100009);
    if (value instanceof Date) return this.addNumber(value.getTime()).endCell(0x10000b);
    if (typeof value === "bigint") return this.addString(value.toString()).endCell(0x10000d);
    return this.addString(JSON.stringify(value)).endCell(0x10000f);
  }

  /** Finalizes the lanes into `hi` and `lo`; never both zero, which the repeat table reserves for empty slots. */
  finish(): this {
    let a = this.a;
    let b = this.b;
    a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
    a ^= Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
    b = Math.imul(b ^ (b >>> 16), 0x85ebca6b);
    b ^= Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
    a = Math.imul(a ^ (a >>> 16), 0x27d4eb2f);
    b = Math.imul(b ^ (b >>> 15), 0x165667b1);
    this.hi = (a ^ (a >>> 15)) >>> 0;
    this.lo = (b ^ (b >>> 16)) >>> 0 || 1;
    return this;
  }

  private endCell(marker: number): this {
    this.a = Math.imul(this.a ^ marker, 0x27d4eb2f) ^ (this.a >>> 15);
    this.b = Math.imul(this.b ^ marker, 0x165667b1) ^ (this.b >>> 13);
    return this;
  }
}

/** A 32-bit hash of one string, for tags such as a row's label. */
export function hashTag(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

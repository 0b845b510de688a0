/**
 * 53-bit hashes of profile values, returned as integer-valued doubles so the hot path allocates nothing.
 * Hand-written (cyrb53-style two-lane multiply-xorshift over UTF-16 code units or the float64 bits):
 * hashing a JS string directly avoids encoding every value to bytes, which node:crypto would need.
 * Each kind has its own seed, so 1, "1" and true hash apart.
 */

const float64 = new Float64Array(1);
const float64Words = new Uint32Array(float64.buffer);

const NUMBER_SEED = 0x3c6ef372;
const STRING_SEED = 0xa54ff53a;
const BOOLEAN_SEED = 0x510e527f;

function finish(h1: number, h2: number): number {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  h1 = Math.imul(h1 ^ (h1 >>> 15), 0x85ebca6b);
  h1 ^= h1 >>> 13;
  return 4294967296 * (h2 & 0x1fffff) + (h1 >>> 0);
}

/** Hash of a number; 0 and -0 are one value, and every NaN is one value. */
export function hashNumber(x: number): number {
  float64[0] = x === 0 ? 0 : x !== x ? NaN : x;
  let h1 = 0xdeadbeef ^ NUMBER_SEED;
  let h2 = 0x41c6ce57 ^ NUMBER_SEED;
  const low = float64Words[0]!;
  const high = float64Words[1]!;
  h1 = Math.imul(h1 ^ low, 2654435761);
  h2 = Math.imul(h2 ^ low, 1597334677);
  h1 = Math.imul(h1 ^ high, 2654435761);
  h2 = Math.imul(h2 ^ high, 1597334677);
  return finish(h1, h2);
}

/** Two UTF-16 units per step (a 32-bit word), then the length, so "a" and "a\u0000" hash apart. */
function hashCodeUnits(s: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  const length = s.length;
  for (let i = 0; i < length; i += 2) {
    const word = s.charCodeAt(i) | (i + 1 < length ? s.charCodeAt(i + 1) << 16 : 0);
    h1 = Math.imul(h1 ^ word, 2654435761);
    h2 = Math.imul(h2 ^ word, 1597334677);
  }
  return finish(h1 ^ length, h2);
}

export function hashString(s: string): number {
  return hashCodeUnits(s, STRING_SEED);
}

/** `hashString` of the ASCII text in bytes[start, end) (a byte per UTF-16 unit), without making the string. */
export function hashAsciiBytes(bytes: Uint8Array, start: number, end: number): number {
  let h1 = 0xdeadbeef ^ STRING_SEED;
  let h2 = 0x41c6ce57 ^ STRING_SEED;
  for (let i = start; i < end; i += 2) {
    const word = bytes[i]! | (i + 1 < end ? bytes[i + 1]! << 16 : 0);
    h1 = Math.imul(h1 ^ word, 2654435761);
    h2 = Math.imul(h2 ^ word, 1597334677);
  }
  return finish(h1 ^ (end - start), h2);
}

const TRUE_HASH = hashCodeUnits("true", BOOLEAN_SEED);
const FALSE_HASH = hashCodeUnits("false", BOOLEAN_SEED);

export function hashBoolean(b: boolean): number {
  return b ? TRUE_HASH : FALSE_HASH;
}

/** Hash of any profile value, by kind. */
export function hashValue(value: number | string | boolean): number {
  if (typeof value === "number") return hashNumber(value);
  if (typeof value === "string") return hashString(value);
  return hashBoolean(value);
}

import { CellKind, INFINITY_SPELLINGS, NULL_SPELLINGS } from "./cell-grammar.js";

/**
 * The cell grammar of `CellKind`, run over UTF-8 bytes. CSV batches classify and parse cells where they
 * lie in the input buffer, without making a string per cell; the string functions encode and come here,
 * so there is one implementation of the rules.
 */

const SPACE = 0x20;
const TAB = 0x09;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const NOT_A_NUMBER = -1;

const encoder = new TextEncoder();
const nullSpellingsByLength: Uint8Array[][] = [];
for (const spelling of NULL_SPELLINGS) (nullSpellingsByLength[spelling.length] ??= []).push(encoder.encode(spelling));
const LONGEST_NULL_SPELLING = nullSpellingsByLength.length - 1;
const infinitySpellings = INFINITY_SPELLINGS.map((spelling) => encoder.encode(spelling));
const LONGEST_INFINITY_SPELLING = Math.max(...infinitySpellings.map((spelling) => spelling.length));
const TRUE = encoder.encode("true");
const FALSE = encoder.encode("false");
/**
 * The bytes a cell of another kind than text can start with: blanks, signs, a dot and digits (numbers, timestamps),
 * and the first letters of infinity, boolean and null spellings. Any other first byte makes the cell text.
 */
const MAY_START_OTHER_KIND = new Uint8Array(256);
for (const byte of [SPACE, TAB, PLUS, MINUS, DOT, ...encoder.encode("0123456789")]) MAY_START_OTHER_KIND[byte] = 1;
for (const word of [...INFINITY_SPELLINGS, "true", "false"]) {
  for (const first of [word[0]!.toLowerCase(), word[0]!.toUpperCase()]) MAY_START_OTHER_KIND[first.charCodeAt(0)] = 1;
}
for (const spelling of NULL_SPELLINGS) if (spelling.length > 0) MAY_START_OTHER_KIND[spelling.charCodeAt(0)] = 1;

/**
 * The grammar as assembly/cell-scan.ts reads it: the 256 flags of `MAY_START_OTHER_KIND`, then each null spelling but
 * the empty one (its length in a byte, then its bytes), then a 0.
 */
export function cellGrammarBytes(): Uint8Array {
  const spellings = NULL_SPELLINGS.filter((spelling) => spelling.length > 0).map((spelling) =>
    encoder.encode(spelling),
  );
  return Uint8Array.from([...MAY_START_OTHER_KIND, ...spellings.flatMap((bytes) => [bytes.length, ...bytes]), 0]);
}
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** The kind of the cell in bytes[start, end). */
export function classifyBytes(bytes: Uint8Array, start: number, end: number): CellKind {
  if (start === end) return CellKind.Null;
  // Most text (names, emails, categories) is told by its first byte, before the number, null and timestamp scans.
  if (MAY_START_OTHER_KIND[bytes[start]!] === 0) return CellKind.String;
  const number = scanNumber(bytes, start, end);
  if (number !== NOT_A_NUMBER) return number;
  const length = end - start;
  if (length <= LONGEST_NULL_SPELLING && isNullSpelling(bytes, start, length)) return CellKind.Null;
  if (
    (length === 4 && equalsIgnoringCase(bytes, start, TRUE)) ||
    (length === 5 && equalsIgnoringCase(bytes, start, FALSE))
  ) {
    return CellKind.Boolean;
  }
  if (length >= 10 && !Number.isNaN(scanIsoTimestamp(bytes, start, end, false))) return CellKind.Timestamp;
  return CellKind.String;
}

/**
 * The number in a cell that `classifyBytes` calls integer or float, else NaN. Decimals of up to 15 significant
 * digits and exponents within 22 are computed exactly (one correctly rounded operation on exact
 * operands); anything else goes through `Number`.
 */
export function parseNumberBytes(bytes: Uint8Array, start: number, end: number): number {
  return scanNumber(bytes, start, end) === NOT_A_NUMBER ? NaN : scannedNumber(bytes, start, end);
}

/** The value of the number the last `classifyBytes` (or `scanNumber`) accepted in bytes[start, end). */
export function scannedNumber(bytes: Uint8Array, start: number, end: number): number {
  return Number.isNaN(lastValue) ? Number(asciiString(bytes, start, end)) : lastValue;
}

/** Powers of ten that doubles hold exactly. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** What `scanNumber` computed for the number it accepted, or NaN when only `Number` parses it exactly. */
let lastValue = NaN;

/**
 * `[+-]?digits`, or a decimal/exponent number, with blanks around; or an infinity spelling alone.
 * Computes the value on the way when it can be done exactly (see `parseNumberBytes`).
 */
function scanNumber(bytes: Uint8Array, start: number, end: number): CellKind | typeof NOT_A_NUMBER {
  let i = start;
  let code = bytes[i]!;
  while (code === SPACE || code === TAB) code = ++i < end ? bytes[i]! : -1;
  const negative = code === MINUS;
  if (negative || code === PLUS) code = ++i < end ? bytes[i]! : -1;
  const signEnd = i;
  let mantissa = 0;
  let significant = 0;
  while (code >= ZERO && code <= NINE) {
    if (significant > 0 || code !== ZERO) {
      mantissa = mantissa * 10 + code - ZERO;
      significant++;
    }
    code = ++i < end ? bytes[i]! : -1;
  }
  const integerDigits = i - signEnd;
  let kind: CellKind = CellKind.Integer;
  let fractionDigits = 0;
  if (code === DOT) {
    kind = CellKind.Float;
    const fractionStart = ++i;
    code = i < end ? bytes[i]! : -1;
    while (code >= ZERO && code <= NINE) {
      if (significant > 0 || code !== ZERO) {
        mantissa = mantissa * 10 + code - ZERO;
        significant++;
      }
      code = ++i < end ? bytes[i]! : -1;
    }
    fractionDigits = i - fractionStart;
  }
  if (integerDigits + fractionDigits === 0) {
    if (kind !== CellKind.Integer || infinityKind(bytes, start, end) === NOT_A_NUMBER) return NOT_A_NUMBER;
    lastValue = negative ? -Infinity : Infinity;
    return CellKind.Float;
  }
  let exponentDigits = 0;
  let exponent = 0;
  if (code === LOWER_E || code === UPPER_E) {
    kind = CellKind.Float;
    code = ++i < end ? bytes[i]! : -1;
    const exponentNegative = code === MINUS;
    if (exponentNegative || code === PLUS) code = ++i < end ? bytes[i]! : -1;
    const exponentStart = i;
    while (code >= ZERO && code <= NINE) {
      if (exponent < 1e6) exponent = exponent * 10 + code - ZERO;
      code = ++i < end ? bytes[i]! : -1;
    }
    exponentDigits = i - exponentStart;
    if (exponentDigits === 0) return NOT_A_NUMBER;
    if (exponentNegative) exponent = -exponent;
  }
  while (code === SPACE || code === TAB) code = ++i < end ? bytes[i]! : -1;
  if (i !== end) return NOT_A_NUMBER;
  const scale = exponent - fractionDigits;
  if (significant > 15 || scale > 22 || scale < -22) lastValue = NaN;
  else {
    const magnitude = scale >= 0 ? mantissa * POWERS_OF_TEN[scale]! : mantissa / POWERS_OF_TEN[-scale]!;
    lastValue = negative ? -magnitude : magnitude;
  }
  if (kind === CellKind.Integer) return integerDigits < 19 || isInt64Range(bytes, start, end) ? kind : NOT_A_NUMBER;
  // A literal too large for a double overflows to Infinity; pandas keeps such a cell as text. Only a
  // long integer part or a large exponent can overflow, so only those are parsed to check.
  const mayOverflow = integerDigits > 290 || exponentDigits > 3 || exponent > 290;
  return mayOverflow && !Number.isFinite(Number(asciiString(bytes, start, end))) ? NOT_A_NUMBER : kind;
}

/** An infinity spelling is the whole cell: pandas allows no blanks around it, unlike around digits. */
function infinityKind(bytes: Uint8Array, start: number, end: number): CellKind | typeof NOT_A_NUMBER {
  const signed = bytes[start] === PLUS || bytes[start] === MINUS ? 1 : 0;
  const length = end - start - signed;
  if (length === 0 || length > LONGEST_INFINITY_SPELLING || (bytes[start + signed]! | 0x20) !== 0x69)
    return NOT_A_NUMBER;
  for (const spelling of infinitySpellings) {
    if (spelling.length === length && equalsIgnoringCase(bytes, start + signed, spelling)) return CellKind.Float;
  }
  return NOT_A_NUMBER;
}

function isInt64Range(bytes: Uint8Array, start: number, end: number): boolean {
  const value = BigInt(asciiString(bytes, start, end).trim());
  return value >= INT64_MIN && value <= UINT64_MAX;
}

function isNullSpelling(bytes: Uint8Array, start: number, length: number): boolean {
  const candidates = nullSpellingsByLength[length];
  if (candidates === undefined) return false;
  outer: for (const spelling of candidates) {
    for (let i = 0; i < length; i++) if (bytes[start + i] !== spelling[i]) continue outer;
    return true;
  }
  return false;
}

/** Compares with a lower-case ASCII word, ignoring the case of letters. */
function equalsIgnoringCase(bytes: Uint8Array, start: number, lowerWord: Uint8Array): boolean {
  for (let i = 0; i < lowerWord.length; i++) {
    const byte = bytes[start + i]!;
    if ((byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte) !== lowerWord[i]) return false;
  }
  return true;
}

function asciiString(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("latin1");
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Checks an ISO 8601 timestamp `YYYY-MM-DD[(T| )HH:MM[:SS[.fraction]][Z|(+|-)HH[[:]MM]]]` with every
 * field in range (year 1-9999, no February 30, hours 0-23). Returns NaN if it is not one, else its
 * epoch milliseconds when `millis` (a time without offset is UTC; digits past milliseconds are
 * dropped), or 0.
 */
export function scanIsoTimestamp(bytes: Uint8Array, start: number, end: number, millis: boolean): number {
  const length = end - start;
  if (length < 10 || bytes[start + 4] !== MINUS || bytes[start + 7] !== MINUS) return NaN;
  const year = digits(bytes, start, 4);
  const month = digits(bytes, start + 5, 2);
  const day = digits(bytes, start + 8, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1) return NaN;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1]! + (month === 2 && leap ? 1 : 0)) return NaN;
  if (length === 10) return millis ? utc(year, month, day, 0, 0, 0, 0) : 0;
  const separator = bytes[start + 10];
  if ((separator !== 0x54 && separator !== SPACE) || bytes[start + 13] !== 0x3a || length < 16) return NaN;
  const hour = digits(bytes, start + 11, 2);
  const minute = digits(bytes, start + 14, 2);
  if (!inRange(hour, 23) || !inRange(minute, 59)) return NaN;
  let second = 0;
  let millisecond = 0;
  let i = start + 16;
  if (i < end && bytes[i] === 0x3a) {
    if (i + 3 > end) return NaN;
    second = digits(bytes, i + 1, 2);
    if (!inRange(second, 59)) return NaN;
    i += 3;
    if (i < end && bytes[i] === DOT) {
      const fractionStart = ++i;
      while (i < end && bytes[i]! >= ZERO && bytes[i]! <= NINE) i++;
      const fractionDigits = i - fractionStart;
      if (fractionDigits === 0 || fractionDigits > 9) return NaN;
      for (let j = 0; j < 3; j++)
        millisecond = millisecond * 10 + (j < fractionDigits ? bytes[fractionStart + j]! - ZERO : 0);
    }
  }
  const local = millis ? utc(year, month, day, hour, minute, second, millisecond) : 0;
  if (i === end) return local;
  const zone = bytes[i];
  if (zone === 0x5a) return i + 1 === end ? local : NaN;
  if ((zone !== PLUS && zone !== MINUS) || i + 3 > end) return NaN;
  const offsetHours = digits(bytes, i + 1, 2);
  if (!inRange(offsetHours, 23)) return NaN;
  i += 3;
  let offsetMinutes = 0;
  if (i < end) {
    if (bytes[i] === 0x3a) i++;
    if (i + 2 !== end) return NaN;
    offsetMinutes = digits(bytes, i, 2);
    if (!inRange(offsetMinutes, 59)) return NaN;
  }
  if (!millis) return 0;
  const offset = (offsetHours * 60 + offsetMinutes) * 60_000;
  return zone === PLUS ? local - offset : local + offset;
}

function utc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millisecond: number,
): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // Date.UTC would map years 0-99 to 1900-1999
  date.setUTCHours(hour, minute, second, millisecond);
  return date.getTime();
}

/** The number written by `count` ASCII digits at `from`, or -1 if any is not a digit. */
function digits(bytes: Uint8Array, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const byte = bytes[i]!;
    if (!(byte >= ZERO && byte <= NINE)) return -1;
    value = value * 10 + byte - ZERO;
  }
  return value;
}

function inRange(value: number, max: number): boolean {
  return value >= 0 && value <= max;
}

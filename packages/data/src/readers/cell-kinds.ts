import { isIsoTimestamp } from "./iso-timestamp.js";

/**
 * What a CSV cell's text holds, by pandas' `read_csv` rules where they are sensible, so a column
 * profiled here gets the type and null count a pandas user expects:
 * - null: the empty string and pandas' default `na_values` (`NA`, `N/A`, `NULL`, `null`, `NaN`,
 *   `nan`, `#N/A`, ...), plus `None` (a default from pandas 2.0 on). NaN spellings are nulls, as in
 *   pandas: in a CSV they mean "missing".
 * - integer: `[+-]?digits` within int64/uint64 range; float: decimal or exponent notation (`1.`,
 *   `.5`, `1e-3`) that is finite when parsed, or an infinity (`inf`, `-inf`, `Infinity`, any case).
 *   Digits may have spaces or tabs around them, as pandas allows (infinities may not); nothing else
 *   (no `0x`, no `1_000`). One deliberate difference: pandas leaves a decimal number whose integer part
 *   is beyond the 64-bit integer range (`100000000000000000000.5`) as text; here it is a float.
 * - boolean: `true`/`false` in any case (pandas' defaults), nothing else (not `yes`, not `1`).
 * - timestamp: an ISO 8601 date `YYYY-MM-DD`, optionally with `T` or a space, `HH:MM[:SS[.fraction]]`
 *   and `Z` or an offset `+HH[:MM]`; fields must be in range (no February 30). pandas itself
 *   leaves these as strings unless asked to parse dates.
 * - string: anything else.
 */
export const CellKind = { Null: 0, Integer: 1, Float: 2, Boolean: 3, Timestamp: 4, String: 5 } as const;
export type CellKind = (typeof CellKind)[keyof typeof CellKind];

/** Cell texts that mean "missing" (pandas' default na_values, plus `None`). */
export const NULL_SPELLINGS: readonly string[] = [
  "",
  "#N/A",
  "#N/A N/A",
  "#NA",
  "-1.#IND",
  "-1.#QNAN",
  "-NaN",
  "-nan",
  "1.#IND",
  "1.#QNAN",
  "<NA>",
  "N/A",
  "NA",
  "NULL",
  "NaN",
  "None",
  "n/a",
  "nan",
  "null",
];

/** Infinity spellings, matched without regard to case, after an optional sign. */
export const INFINITY_SPELLINGS: readonly string[] = ["inf", "infinity"];

const nullSpellings = new Set(NULL_SPELLINGS);
const LONGEST_NULL_SPELLING = Math.max(...NULL_SPELLINGS.map((spelling) => spelling.length));
const NOT_A_NUMBER = -1;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** The kind of value a cell's text holds (see `CellKind` for the rules). */
export function classifyCell(text: string): CellKind {
  const length = text.length;
  if (length === 0) return CellKind.Null;
  const number = numberKind(text);
  if (number !== NOT_A_NUMBER) return number;
  if (length <= LONGEST_NULL_SPELLING && nullSpellings.has(text)) return CellKind.Null;
  if ((length === 4 || length === 5) && isBooleanSpelling(text)) return CellKind.Boolean;
  if (length >= 10 && isIsoTimestamp(text)) return CellKind.Timestamp;
  return CellKind.String;
}

/** A cell's value: null, a number, a boolean, or the text itself (timestamps stay ISO strings). */
export type CellValue = null | number | boolean | string;

export function parseCell(text: string): CellValue {
  switch (classifyCell(text)) {
    case CellKind.Null:
      return null;
    case CellKind.Integer:
    case CellKind.Float:
      return parseNumber(text);
    case CellKind.Boolean:
      return text.length === 4;
    default:
      return text;
  }
}

/** The number in a cell classified integer or float (integers beyond 2^53 are rounded to the nearest double). */
export function parseNumber(text: string): number {
  const value = Number(text);
  if (!Number.isNaN(value)) return value;
  return text.trimStart().startsWith("-") ? -Infinity : Infinity;
}

/** The kind of an already-typed value (JSON Lines, Parquet); a JSON string is a string unless it is an ISO timestamp. */
export function classifyValue(value: unknown): CellKind {
  switch (typeof value) {
    case "number":
      if (Number.isNaN(value)) return CellKind.Null;
      return Number.isInteger(value) ? CellKind.Integer : CellKind.Float;
    case "bigint":
      return CellKind.Integer;
    case "boolean":
      return CellKind.Boolean;
    case "string":
      return value.length >= 10 && isIsoTimestamp(value) ? CellKind.Timestamp : CellKind.String;
    case "undefined":
      return CellKind.Null;
    default:
      if (value === null) return CellKind.Null;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? CellKind.Null : CellKind.Timestamp;
      return CellKind.String;
  }
}

function numberKind(text: string): CellKind | typeof NOT_A_NUMBER {
  const length = text.length;
  let i = 0;
  while (i < length && isBlank(text.charCodeAt(i))) i++;
  let code = text.charCodeAt(i);
  if (code === 0x2b || code === 0x2d) code = text.charCodeAt(++i);
  const signEnd = i;
  while (code >= 0x30 && code <= 0x39) code = text.charCodeAt(++i);
  const integerDigits = i - signEnd;
  let kind: CellKind = CellKind.Integer;
  let fractionDigits = 0;
  if (code === 0x2e) {
    kind = CellKind.Float;
    const fractionStart = ++i;
    code = text.charCodeAt(i);
    while (code >= 0x30 && code <= 0x39) code = text.charCodeAt(++i);
    fractionDigits = i - fractionStart;
  }
  if (integerDigits + fractionDigits === 0) return kind === CellKind.Integer ? infinityKind(text) : NOT_A_NUMBER;
  let exponent = false;
  if (code === 0x65 || code === 0x45) {
    exponent = true;
    kind = CellKind.Float;
    code = text.charCodeAt(++i);
    if (code === 0x2b || code === 0x2d) code = text.charCodeAt(++i);
    const exponentStart = i;
    while (code >= 0x30 && code <= 0x39) code = text.charCodeAt(++i);
    if (i === exponentStart) return NOT_A_NUMBER;
  }
  while (i < length && isBlank(text.charCodeAt(i))) i++;
  if (i !== length) return NOT_A_NUMBER;
  if (kind === CellKind.Integer) return integerDigits < 19 || isInt64Range(text) ? kind : NOT_A_NUMBER;
  // A literal too large for a double overflows to Infinity; pandas keeps such a cell as a string.
  return (exponent || integerDigits > 300) && !Number.isFinite(Number(text)) ? NOT_A_NUMBER : kind;
}

/** An infinity spelling is the whole text: pandas allows no blanks around it, unlike around digits. */
function infinityKind(text: string): CellKind | typeof NOT_A_NUMBER {
  const first = text.charCodeAt(0);
  const word = (first === 0x2b || first === 0x2d ? text.slice(1) : text).toLowerCase();
  return INFINITY_SPELLINGS.includes(word) ? CellKind.Float : NOT_A_NUMBER;
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

function isInt64Range(text: string): boolean {
  const value = BigInt(text.trim());
  return value >= INT64_MIN && value <= UINT64_MAX;
}

function isBooleanSpelling(text: string): boolean {
  const lower = text.toLowerCase();
  return lower === "true" || lower === "false";
}

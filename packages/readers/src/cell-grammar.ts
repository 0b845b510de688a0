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

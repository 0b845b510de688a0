/**
 * Reading a raw text field (CSV, TSV) as a number or boolean, by the conventions of Python's float() and
 * pandas: plain decimal and exponent notation, and the usual NaN / infinity spellings. Hand-written because
 * Number() alone accepts what a data file does not mean as a number ("", " 1", "0x1F", "Infinity" only).
 */

/** How the values of a raw text batch are read: `auto` tries number, then boolean, then keeps the string. */
export type RawTextType = "auto" | "number" | "boolean" | "string";

const NON_FINITE_TEXTS = new Map<string, number>([
  ["NaN", NaN],
  ["nan", NaN],
  ["NAN", NaN],
  ["-nan", NaN],
  ["-NaN", NaN],
  ["inf", Infinity],
  ["Inf", Infinity],
  ["INF", Infinity],
  ["+inf", Infinity],
  ["infinity", Infinity],
  ["Infinity", Infinity],
  ["+Infinity", Infinity],
  ["-inf", -Infinity],
  ["-Inf", -Infinity],
  ["-INF", -Infinity],
  ["-infinity", -Infinity],
  ["-Infinity", -Infinity],
]);

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The number a text spells, or undefined. Allocates nothing on the way. */
export function parseNumberText(text: string): number | undefined {
  const first = text.charCodeAt(0);
  if (isDigit(first) || first === 45 || first === 43 || first === 46) {
    const last = text.charCodeAt(text.length - 1);
    // A digit or point at the end rules out padding; "0x", "0b", "0o" prefixes are integers to Number() only.
    const second = text.charCodeAt(1) | 0x20;
    if ((isDigit(last) || last === 46) && !(first === 48 && (second === 120 || second === 98 || second === 111))) {
      const x = +text;
      if (x === x) return x;
    }
  }
  return NON_FINITE_TEXTS.get(text);
}

/** true / false in any letter case, or undefined. */
export function parseBooleanText(text: string): boolean | undefined {
  if (text.length !== 4 && text.length !== 5) return undefined;
  const lower = text.toLowerCase();
  return lower === "true" ? true : lower === "false" ? false : undefined;
}

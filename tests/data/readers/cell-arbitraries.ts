import fc from "fast-check";
import { NULL_SPELLINGS } from "@ctrain/readers";

// Cells for the cell grammar's tests: numbers and near misses, spellings, text and timestamps.

const digit = fc.constantFrom(..."0123456789");
export const digits = (min: number, max: number) =>
  fc.array(digit, { minLength: min, maxLength: max }).map((d) => d.join(""));
const blank = fc.constantFrom("", "", "", " ", "\t", "  ");

/** Numbers and near misses: signs, dots, exponents, blanks around, int64 edges, overflow. */
export const numberLike = fc
  .tuple(
    blank,
    fc.constantFrom("", "", "+", "-", "--", "+-"),
    fc.oneof(
      digits(0, 4),
      digits(18, 21),
      fc.constantFrom("9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616"),
    ),
    fc.constantFrom("", "", ".", "."),
    digits(0, 3),
    fc.constantFrom("", "", "e", "E", "e+", "e-", "e5", "E-3", "e308", "e309", "e-400", "e+05", "d5", "x"),
    blank,
  )
  .map((parts) => parts.join(""));

/** Spellings pandas knows, and others it does not. */
export const spelling = fc.oneof(
  fc.constantFrom(...NULL_SPELLINGS),
  fc.constantFrom("Na", "NAN", "+nan", "nA", "NONE", "none", "Null", " NA", "N/a", "#n/a", "-NAN", "<na>"),
  fc
    .tuple(
      fc.constantFrom("", "+", "-", " "),
      fc.constantFrom("inf", "INF", "Inf", "infinity", "Infinity", "iNfInItY", "infinit", "infinityy", "in"),
      fc.constantFrom("", " ", "\t"),
    )
    .map((p) => p.join("")),
  fc.constantFrom(
    "true",
    "false",
    "TRUE",
    "False",
    "tRuE",
    "fAlSe",
    " true",
    "false ",
    "yes",
    "no",
    "t",
    "f",
    "1",
    "0",
    "truee",
  ),
);

export const text = fc
  .array(fc.constantFrom("a", "Z", "é", "中", "-", ".", ":", "1", " ", "#", "/"), { maxLength: 8 })
  .map((c) => c.join(""));

const twoDigits = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, "0"));
// Python also takes offset minutes of 60 and more; the reader keeps to ISO 8601's 00-59 (checked one way below).
const minutes = fc.integer({ min: 0, max: 59 }).map((n) => String(n).padStart(2, "0"));
/** Texts of the shape the reader calls timestamps, with fields in and out of range. */
export const timestampShape = fc
  .tuple(
    fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, "0")),
    fc.integer({ min: 0, max: 13 }).map((n) => String(n).padStart(2, "0")),
    fc.integer({ min: 0, max: 32 }).map((n) => String(n).padStart(2, "0")),
    fc.option(
      fc.tuple(
        fc.constantFrom("T", " "),
        fc.integer({ min: 0, max: 25 }).map((n) => String(n).padStart(2, "0")),
        fc.integer({ min: 0, max: 61 }).map((n) => String(n).padStart(2, "0")),
        fc.option(
          fc.tuple(
            fc.integer({ min: 0, max: 61 }).map((n) => String(n).padStart(2, "0")),
            fc.option(digits(1, 9)),
          ),
        ),
        fc.option(
          fc.oneof(
            fc.constant("Z"),
            fc.tuple(fc.constantFrom("+", "-"), twoDigits).map((p) => p.join("")),
            fc
              .tuple(
                fc.constantFrom("+", "-"),
                fc.integer({ min: 0, max: 24 }).map((n) => String(n).padStart(2, "0")),
                fc.constantFrom(":", ""),
                minutes,
              )
              .map((p) => p.join("")),
          ),
        ),
      ),
    ),
  )
  .map(([year, month, day, time]) => {
    let result = `${year}-${month}-${day}`;
    if (time) {
      const [separator, hour, minute, seconds, zone] = time;
      result += `${separator}${hour}:${minute}`;
      if (seconds) result += `:${seconds[0]}${seconds[1] ? `.${seconds[1]}` : ""}`;
      if (zone) result += zone;
    }
    return result;
  });

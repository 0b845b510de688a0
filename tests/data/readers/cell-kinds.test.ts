import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  CELL_KIND_NAMES,
  CellKind,
  classifyCell,
  classifyValue,
  parseCell,
  parseIsoTimestamp,
  parseNumber,
  readBatches,
} from "@ctrain/readers";
import { digits, numberLike, spelling, text, timestampShape } from "./cell-arbitraries.js";
import { temporaryDirectory } from "./collect.js";
import { PythonWorker } from "./python-worker.js";

const reference = new PythonWorker("readers_pandas.py");
const temp = temporaryDirectory();
afterAll(() => {
  reference.close();
  temp.remove();
});

/**
 * pandas reads a decimal number whose integer part is outside [-2^63, 2^64 - 1] as text (its integer
 * parse overflows first); the reader documents that it reads a float there instead.
 */
function isPandasOverflowQuirk(cell: string): boolean {
  const match = /^[ \t]*([+-]?)(\d+)[.eE]/.exec(cell);
  if (!match) return false;
  const integerPart = BigInt(`${match[1]}${match[2]}`);
  return integerPart < -(2n ** 63n) || integerPart > 2n ** 64n - 1n;
}

describe("cell kinds agree with pandas.read_csv", () => {
  it("types each cell as pandas types a column holding it, and parses the same number", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(numberLike, spelling, text), { minLength: 1, maxLength: 40 }),
        async (cells) => {
          const expected = await reference.ask<{ kinds: string[]; numbers: (number | string | null)[] }>({ cells });
          cells.forEach((cell, i) => {
            if (isPandasOverflowQuirk(cell)) return;
            const kind = CELL_KIND_NAMES[classifyCell(cell)];
            expect({ cell, kind: kind === "timestamp" ? "string" : kind }).toEqual({ cell, kind: expected.kinds[i] });
            const number = expected.numbers[i];
            if (number !== null && number !== undefined) {
              const value = parseCell(cell);
              expect({ cell, value }).toEqual({
                cell,
                value: number === "inf" ? Infinity : number === "-inf" ? -Infinity : number,
              });
            }
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it("reads booleans and nulls as values", () => {
    expect(parseCell("TRUE")).toBe(true);
    expect(parseCell("false")).toBe(false);
    expect(parseCell("NA")).toBeNull();
    expect(parseCell("2024-02-29")).toBe("2024-02-29");
  });
});

function expectedMillis(parsed: number[] | null): number {
  if (parsed === null) return NaN;
  const [year, month, day, hour, minute, second, microsecond, offset] = parsed as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number | null,
  ];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, Math.floor(microsecond / 1000));
  return date.getTime() - (offset ?? 0) * 1000;
}

describe("ISO 8601 timestamps agree with Python's datetime.fromisoformat", () => {
  it("accepts exactly the texts of its shape that Python accepts, at the same instant", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(timestampShape, { minLength: 1, maxLength: 40 }), async (texts) => {
        const { parsed } = await reference.ask<{ parsed: (number[] | null)[] }>({ timestamps: texts });
        texts.forEach((text, i) =>
          expect({ text, millis: parseIsoTimestamp(text) }).toEqual({ text, millis: expectedMillis(parsed[i]!) }),
        );
      }),
      { numRuns: 150 },
    );
  });

  it("accepts nothing Python rejects, whatever the text", async () => {
    const mutated = fc
      .tuple(timestampShape, fc.nat(30), fc.constantFrom("", "x", "1", "-", ":", "Z", "+", ".", "t", " "))
      .map(([text, at, insert]) => text.slice(0, at) + insert + text.slice(at + 1));
    await fc.assert(
      fc.asyncProperty(fc.array(mutated, { minLength: 1, maxLength: 40 }), async (texts) => {
        const { parsed } = await reference.ask<{ parsed: (number[] | null)[] }>({ timestamps: texts });
        texts.forEach((text, i) => {
          const millis = parseIsoTimestamp(text);
          if (!Number.isNaN(millis)) expect({ text, millis }).toEqual({ text, millis: expectedMillis(parsed[i]!) });
        });
      }),
      { numRuns: 150 },
    );
  });
});

describe("typed values (JSON Lines, Parquet)", () => {
  it("classifies by JavaScript type; strings are timestamps only in ISO form", () => {
    const cases: [unknown, CellKind][] = [
      [null, CellKind.Null],
      [undefined, CellKind.Null],
      [Number.NaN, CellKind.Null],
      [3, CellKind.Integer],
      [2n ** 70n, CellKind.Integer],
      [3.5, CellKind.Float],
      [-Infinity, CellKind.Float],
      [false, CellKind.Boolean],
      [new Date(0), CellKind.Timestamp],
      [new Date(Number.NaN), CellKind.Null],
      ["2024-01-02T03:04:05Z", CellKind.Timestamp],
      ["12", CellKind.String],
      ["", CellKind.String],
      [{ a: 1 }, CellKind.String],
      [[1, 2], CellKind.String],
    ];
    for (const [value, kind] of cases) expect({ value, kind: classifyValue(value) }).toEqual({ value, kind });
  });
});

describe("numbers and kinds read from a batch's bytes", () => {
  it("parses decimals to the same double as correctly rounded parsing", () => {
    const decimal = fc
      .tuple(
        fc.constantFrom("", "-", "+"),
        digits(0, 20),
        fc.constantFrom("", "."),
        digits(0, 20),
        fc.option(fc.integer({ min: -340, max: 340 })),
      )
      .filter(([, whole, , fraction]) => whole.length + fraction.length > 0)
      .map(
        ([sign, whole, dot, fraction, exponent]) =>
          `${sign}${whole}${dot}${dot ? fraction : ""}${exponent === null ? "" : `e${exponent}`}`,
      );
    fc.assert(
      fc.property(decimal, (text) => {
        const kind = classifyCell(text);
        if (kind !== CellKind.Integer && kind !== CellKind.Float) return; // overflowing literals are text
        expect(Object.is(parseNumber(text), Number(text)), text).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it("classifies every CSV cell as its text classifies, quoted, escaped or not", async () => {
    const cell = fc.oneof(numberLike, spelling, text, timestampShape);
    const field = fc.tuple(cell, fc.constantFrom("plain", "quoted", "doubled", "trailing")).map(([value, style]) => {
      if (style === "plain" && !/[,"\r\n]/.test(value) && !value.startsWith('"')) return { value, field: value };
      if (style === "trailing") return { value: `${value}x`, field: `"${value.replaceAll('"', '""')}"x` };
      const escaped = style === "doubled" ? `${value}"` : value;
      return { value: escaped, field: `"${escaped.replaceAll('"', '""')}"` };
    });
    let fileCount = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(field, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 30 }),
        async (rows) => {
          const path = join(temp.dir, `${fileCount++}.csv`);
          writeFileSync(path, `a,b,c\n${rows.map((row) => row.map((f) => f.field).join(",")).join("\n")}\n`);
          let offset = 0;
          for await (const batch of readBatches(path, { chunkBytes: 97 })) {
            for (let col = 0; col < 3; col++) {
              const { kinds, numbers } = batch.classifyColumn(col);
              for (let row = 0; row < batch.rows; row++) {
                const value = rows[offset + row]![col]!.value;
                expect({ value, kind: kinds[row] }).toEqual({ value, kind: classifyCell(value) });
                const kind = kinds[row];
                const number =
                  kind === CellKind.Integer || kind === CellKind.Float
                    ? parseNumber(value)
                    : kind === CellKind.Boolean
                      ? Number(value.toLowerCase() === "true")
                      : NaN;
                expect(Object.is(numbers[row], number), value).toBe(true);
              }
            }
            offset += batch.rows;
          }
          expect(offset).toBe(rows.length);
        },
      ),
      { numRuns: 100 },
    );
  });
});

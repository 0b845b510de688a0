import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CellKind } from "../../../packages/readers/src/cell-grammar.js";
import { classifyBytes, scannedNumber } from "../../../packages/readers/src/cell-scan.js";
import { CsvBatch } from "../../../packages/readers/src/csv-batch.js";
import { ASK_KIND, classifyCsvColumn } from "../../../packages/readers/src/csv-simd-cells.js";
import { CsvTokenizer } from "../../../packages/readers/src/csv-tokenizer.js";
import { digits, numberLike, spelling, text, timestampShape } from "./cell-arbitraries.js";

/** Numbers about the bounds of what the module computes itself: 15 significant digits, scales of 22, -0. */
const nearBounds = fc
  .tuple(
    fc.constantFrom("", "-", "+", " "),
    fc.oneof(digits(1, 3), digits(13, 17), fc.constantFrom("0", "00", "000000000000000001")),
    fc.oneof(
      fc.constant(""),
      digits(0, 8).map((fraction) => `.${fraction}`),
    ),
    fc.constantFrom("", "e22", "e23", "e-22", "e-23", "e-7", "E+3", "e999", "e0001", "e-0"),
  )
  .map((parts) => parts.join(""));
/** A field as CSV writes it: quoted when it must be, or when it may be, doubling quotes and adding text after them. */
const written = fc
  .tuple(fc.oneof(numberLike, nearBounds, spelling, text, timestampShape), fc.constantFrom("plain", "quoted", "after"))
  .map(([cell, how]) => {
    if (how === "plain" && !/[",\n\r]/.test(cell) && !cell.startsWith('"')) return cell;
    return how === "after" ? `"${cell.replaceAll('"', '""')}"x` : `"${cell.replaceAll('"', '""')}"`;
  });

/** The records of `csv` from `start`, `width` cells each, ragged ones counted and filled out. */
function tokenizeAll(csv: Buffer, start: number, width: number) {
  return new CsvTokenizer("data.csv", 0x2c, 1 << 20, "count").tokenize({
    bytes: csv,
    start,
    final: true,
    line: 1,
    afterCarriageReturn: false,
    width,
    anyFieldCount: false,
    maxRecords: Infinity,
  });
}

/** Each cell's kind and number as cell-scan.ts gives them, one cell at a time. */
function expected(batch: CsvBatch, col: number) {
  const { bytes, starts, ends, flags, width } = batch.cellRanges();
  return Array.from({ length: batch.rows }, (_, row) => {
    const index = row * width + col;
    if (flags[index]! > 1) return { kind: "flagged" };
    const kind = classifyBytes(bytes, starts[index]!, ends[index]!);
    const number =
      kind === CellKind.Integer || kind === CellKind.Float
        ? scannedNumber(bytes, starts[index]!, ends[index]!)
        : kind === CellKind.Boolean
          ? ends[index]! - starts[index]! === 4
            ? 1
            : 0
          : NaN;
    return { kind, number: Object.is(number, -0) ? "-0" : number };
  });
}

describe("the cell grammar's WebAssembly fast path", () => {
  it("gives each cell of a column the kind and number cell-scan.ts gives it", () => {
    fc.assert(
      fc.property(
        // Rows of 1 to 4 fields in a 3-column batch that counts ragged rows: short ones end in filler cells.
        fc.array(fc.array(written, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 60, size: "max" }),
        fc.nat({ max: 2 }),
        (rows, skip) => {
          const csv = Buffer.from(`${"x\n".repeat(skip)}${rows.map((row) => row.join(",")).join("\n")}\n`);
          const cells = tokenizeAll(csv, skip * 2, 3);
          expect(cells.error).toBeUndefined();
          const batch = new CsvBatch("data.csv", ["a", "b", "c"], csv, cells, 1);
          for (const col of [2, 0, 1]) {
            const reference = expected(batch, col);
            const { kinds, numbers } = batch.classifyColumn(col);
            const found = Array.from({ length: batch.rows }, (_, row) =>
              reference[row]!.kind === "flagged"
                ? { kind: "flagged" }
                : { kind: kinds[row], number: Object.is(numbers[row], -0) ? "-0" : numbers[row] },
            );
            expect(found).toEqual(reference);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("leaves a batch too large for the module's memory to cell-scan.ts, and says so by asking for every cell", () => {
    const width = 200;
    const csv = Buffer.from("1\n".repeat(20_000));
    const cells = tokenizeAll(csv, 0, width);
    const kinds = new Uint8Array(cells.rows);
    const numbers = new Float64Array(cells.rows);
    // 4 M cells, 9 bytes each in the module: past its 8 MiB.
    expect(classifyCsvColumn(csv, cells, 0, kinds, numbers)).toBe(cells.rows);
    expect(new Set(kinds)).toEqual(new Set([ASK_KIND]));
    const batch = new CsvBatch(
      "data.csv",
      Array.from({ length: width }, (_, col) => `c${col}`),
      csv,
      cells,
      1,
    );
    expect(new Set(batch.classifyColumn(0).kinds)).toEqual(new Set([CellKind.Integer]));
    expect(new Set(batch.classifyColumn(1).kinds)).toEqual(new Set([CellKind.Null]));
    // A batch that fits is classified there: only what cell-scan.ts must settle is asked for.
    const small = tokenizeAll(csv.subarray(0, 2000), 0, width);
    expect(classifyCsvColumn(csv, small, 0, new Uint8Array(small.rows), new Float64Array(small.rows))).toBe(0);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CellKind } from "../../../packages/readers/src/cell-grammar.js";
import { classifyBytes, scannedNumber } from "../../../packages/readers/src/cell-scan.js";
import { CsvBatch } from "../../../packages/readers/src/csv-batch.js";
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
        fc.array(fc.tuple(written, written), { minLength: 1, maxLength: 60, size: "max" }),
        fc.nat({ max: 2 }),
        (rows, skip) => {
          const csv = Buffer.from(`${"x\n".repeat(skip)}${rows.map((row) => row.join(",")).join("\n")}\n`);
          const tokenizer = new CsvTokenizer("data.csv", 0x2c, 1 << 20, "error");
          const start = skip * 2;
          const cells = tokenizer.tokenize({
            bytes: csv,
            start,
            final: true,
            line: 1,
            afterCarriageReturn: false,
            width: 2,
            anyFieldCount: false,
            maxRecords: Infinity,
          });
          expect(cells.error).toBeUndefined();
          const batch = new CsvBatch("data.csv", ["a", "b"], csv, cells, 1);
          for (const col of [1, 0]) {
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
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvTokenizer, type CsvCells } from "../../../packages/readers/src/csv-tokenizer.js";
import { SimdRecords } from "../../../packages/readers/src/csv-simd-records.js";
import { ensureMemory, WASM_PAGE } from "../../../packages/readers/src/wasm-instance.js";
import { generatedWasmModules } from "../../../scripts/wasm/modules.js";

const COMMA = 0x2c;

/** What a tokenize call found, in the form two tokenizers can be compared by. */
function found(cells: CsvCells) {
  const count = cells.rows * cells.width;
  return {
    rows: cells.rows,
    starts: [...cells.starts.subarray(0, count)],
    ends: [...cells.ends.subarray(0, count)],
    flags: [...cells.flags.subarray(0, count)],
    lines: [...cells.lines.subarray(0, cells.rows)],
    overrides: cells.overrides,
    firstRecordFields: cells.firstRecordFields,
    raggedRows: cells.raggedRows,
    consumed: cells.consumed,
    nextLine: cells.nextLine,
    endsAfterCarriageReturn: cells.endsAfterCarriageReturn,
    error: cells.error?.message,
  };
}

interface Reading {
  delimiter: number;
  width: number;
  ragged: "error" | "count";
  maxRecordBytes: number;
  maxRecords: number;
  /** Where each piece of the bytes ends, as the chunked reader would hand them over. */
  cuts: number[];
}

/** Tokenizes `data` piece by piece as csv.ts does, carrying the unconsumed bytes, their line and a trailing CR on. */
function tokenizeInPieces(data: Buffer, reading: Reading, simd: boolean) {
  const tokenizer = new CsvTokenizer("data.csv", reading.delimiter, reading.maxRecordBytes, reading.ragged, { simd });
  const calls = [];
  let start = 0;
  let line = 1;
  let afterCarriageReturn = false;
  const ends = [...new Set([...reading.cuts.map((cut) => Math.min(cut, data.length)), data.length])].sort(
    (a, b) => a - b,
  );
  for (const end of ends) {
    if (end < start) continue;
    const cells = tokenizer.tokenize({
      bytes: data.subarray(0, end),
      start,
      final: end === data.length,
      line,
      afterCarriageReturn,
      width: reading.width,
      anyFieldCount: false,
      maxRecords: reading.maxRecords,
    });
    calls.push(found(cells));
    if (cells.error) break;
    start = cells.consumed;
    line = cells.nextLine;
    afterCarriageReturn = cells.endsAfterCarriageReturn;
  }
  return calls;
}

// Pieces of CSV: every byte the fast path stops at (delimiter, quote, CR, LF, high bytes), and runs longer than its
// 16-byte steps, so fields and quoted fields end at every offset of a step.
const piece = fc.constantFrom(
  "a",
  "7",
  " ",
  ",",
  ",",
  "\t",
  ";",
  "\n",
  "\r\n",
  "\r",
  '"',
  '""',
  "é",
  "日本",
  "abcdefghijklmnopq",
  "0123456789012345678901234567890123",
  "xxxxxxxxxxxxxxé",
);
const field = fc.oneof(
  fc
    .array(
      piece.filter((text) => !/[,\r\n"]/.test(text)),
      { maxLength: 4 },
    )
    .map((parts) => parts.join("")),
  fc.array(piece, { maxLength: 6 }).map((parts) => `"${parts.join("").replaceAll('"', '""')}"`),
  // Text after the closing quote, and quotes inside unquoted text.
  fc.constantFrom('"ab"c', 'a"b', '"a,b"x', '""', '"é"'),
);
const lineEnd = fc.constantFrom("\n", "\n", "\n", "\r\n", "\r", "\n\n", "\r\n\r\n");
const csvText = fc.oneof(
  // Records of about `width` fields, as files are written.
  fc
    .array(
      fc.tuple(fc.array(field, { minLength: 1, maxLength: 5 }), lineEnd).map(([fields, end]) => fields.join(",") + end),
      { maxLength: 40, size: "max" },
    )
    .map((records) => records.join("")),
  // Any mix of the pieces.
  fc.array(piece, { maxLength: 300, size: "max" }).map((parts) => parts.join("")),
);

describe("the CSV tokenizer's WebAssembly fast path", () => {
  it("exists where the tests run: otherwise the comparison below compares the tokenizer with itself", () => {
    expect(SimdRecords.for(COMMA)).toBeDefined();
  });

  it("finds exactly what the tokenizer alone finds, piece by piece, errors and all", () => {
    fc.assert(
      fc.property(
        csvText,
        fc.record({
          delimiter: fc.constantFrom(COMMA, COMMA, 0x09, 0x3b),
          width: fc.integer({ min: 1, max: 5 }),
          ragged: fc.constantFrom<"error" | "count">("error", "count"),
          maxRecordBytes: fc.oneof(fc.integer({ min: 1, max: 80 }), fc.constant(1 << 30)),
          maxRecords: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constant(Infinity)),
          cuts: fc.array(fc.nat({ max: 4000 }), { maxLength: 6 }),
        }),
        (text, reading) => {
          const data = Buffer.from(text);
          expect(tokenizeInPieces(data, reading, true)).toEqual(tokenizeInPieces(data, reading, false));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("takes 200,000 records in one call's worth of bytes, growing the tokenizer's arrays as it goes", () => {
    const data = Buffer.from("1,2\n".repeat(200_000));
    const reading = {
      delimiter: COMMA,
      width: 2,
      ragged: "error" as const,
      maxRecordBytes: 100,
      maxRecords: Infinity,
      cuts: [],
    };
    const [simd] = tokenizeInPieces(data, reading, true);
    const [plain] = tokenizeInPieces(data, reading, false);
    expect(simd!.rows).toBe(200_000);
    expect(simd).toEqual(plain);
  });
});

describe("generated WebAssembly modules", () => {
  it("are what their AssemblyScript compiles to (run `node scripts/run-ts.mjs scripts/generate-wasm.ts` after a change)", async () => {
    const root = process.cwd();
    for (const [path, text] of Object.entries(await generatedWasmModules(root))) {
      expect(readFileSync(join(root, path), "utf8"), path).toBe(text);
    }
  }, 60_000);
});

describe("a WebAssembly module's memory", () => {
  const memory = (size: number, grow: (pages: number) => number) => ({ buffer: new ArrayBuffer(size), grow });

  it("grows to what is asked, up to 8 MiB, and says no past that or when it cannot grow", () => {
    const grown: number[] = [];
    expect(
      ensureMemory(
        memory(WASM_PAGE, (pages) => grown.push(pages)),
        3 * WASM_PAGE + 1,
      ),
    ).toBe(true);
    expect(grown).toEqual([3]);
    expect(
      ensureMemory(
        memory(WASM_PAGE, (pages) => grown.push(pages)),
        WASM_PAGE,
      ),
    ).toBe(true);
    expect(
      ensureMemory(
        memory(WASM_PAGE, (pages) => grown.push(pages)),
        8 * 1024 * 1024 + 1,
      ),
    ).toBe(false);
    expect(grown).toEqual([3]);
    const refusing = memory(WASM_PAGE, () => {
      throw new RangeError("WebAssembly.Memory.grow(): Unable to grow instance memory");
    });
    expect(ensureMemory(refusing, 2 * WASM_PAGE)).toBe(false);
  });
});

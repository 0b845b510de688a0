import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { collectRows, temporaryDirectory } from "./collect.js";
import { PythonWorker } from "./python-worker.js";

const python = new PythonWorker("readers_csv.py");
const temp = temporaryDirectory();
afterAll(() => {
  python.close();
  temp.remove();
});

const LINE_ENDINGS = ["\n", "\r\n", "\r"];
const DELIMITERS = [",", ";", "\t", "|"];
const CHARACTERS = ["a", "b", "Z", "0", "9", " ", "-", ".", "'", '"', "é", "中", "😀", ",", ";", "\t", "|"];

/** A field as it appears in the file; anything Python's csv module reads without an unterminated quote. */
function field(delimiter: string): fc.Arbitrary<string> {
  const plainCharacter = fc.constantFrom(...CHARACTERS.filter((char) => char !== delimiter));
  const plain = fc.array(plainCharacter, { maxLength: 6 }).map((chars) => {
    const text = chars.join("");
    return text.startsWith('"') ? `x${text}` : text;
  });
  const quotedCharacter = fc.constantFrom(...CHARACTERS, "\n", "\r", "\r\n");
  const quoted = fc
    .array(quotedCharacter, { maxLength: 6 })
    .map((chars) => `"${chars.join("").replaceAll('"', '""')}"`);
  // Text after the closing quote stays in the field (Python's csv, strict=False); it may not start a doubled quote.
  const trailing = fc
    .tuple(
      quoted,
      plain.filter((text) => text.length > 0 && !text.startsWith('"')),
    )
    .map(([q, rest]) => q + rest);
  return fc.oneof(
    { weight: 4, arbitrary: plain },
    { weight: 3, arbitrary: quoted },
    { weight: 1, arbitrary: trailing },
  );
}

const csvFile = fc.constantFrom(...DELIMITERS).chain((delimiter) =>
  fc.record({
    delimiter: fc.constant(delimiter),
    rows: fc.integer({ min: 1, max: 5 }).chain((width) =>
      fc.array(
        fc.record({
          fields: fc.array(field(delimiter), { minLength: width, maxLength: width }),
          ending: fc.constantFrom(...LINE_ENDINGS),
          blankLinesAfter: fc.nat(2),
        }),
        { minLength: 1, maxLength: 12 },
      ),
    ),
    finalLineEnding: fc.boolean(),
    bom: fc.boolean(),
    gzip: fc.boolean(),
    chunkBytes: fc.oneof(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 17, max: 4096 })),
  }),
);

describe("CSV reader against Python's csv module", () => {
  it("reads the same records, field for field, from the same line, whatever the chunk size", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(csvFile, async (sample) => {
        const text =
          (sample.bom ? "\uFEFF" : "") +
          sample.rows
            .map((row, i) => {
              const last = i === sample.rows.length - 1;
              const ending = last && !sample.finalLineEnding ? "" : row.ending;
              return row.fields.join(sample.delimiter) + ending + (last ? "" : row.ending.repeat(row.blankLinesAfter));
            })
            .join("");
        const path = join(temp.dir, `case-${run++}.csv`);
        writeFileSync(path, text);
        const expected = await python.ask<{ rows?: { line: number; fields: string[] }[]; error?: string }>({
          path,
          delimiter: sample.delimiter,
        });
        expect(expected.error).toBeUndefined();
        const readPath = sample.gzip ? `${path}.gz` : path;
        if (sample.gzip) writeFileSync(readPath, gzipSync(Buffer.from(text)));
        const rows = expected.rows!;
        if (rows.length === 0) return; // blank content: the reader reports an empty file (tested elsewhere)
        const actual = await collectRows(readPath, {
          header: false,
          delimiter: sample.delimiter,
          chunkBytes: sample.chunkBytes,
        });
        expect(actual).toEqual(rows);
      }),
      { numRuns: 300 },
    );
  });
});

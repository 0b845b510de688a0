import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { readBatches } from "@ctrain/readers";
import { CsvTokenizer, type TokenizeRequest } from "../../../packages/readers/src/csv-tokenizer.js";
import { collectRows, readError, temporaryDirectory } from "./collect.js";

const temp = temporaryDirectory();
afterAll(() => temp.remove());
afterEach(() => vi.restoreAllMocks());

let fileCount = 0;
function write(name: string, content: string): string {
  const path = join(temp.dir, `${fileCount++}-${name}`);
  writeFileSync(path, content);
  return path;
}

/** Bytes the CSV tokenizer is asked to scan while `read` runs: the work of reading, counted rather than timed. */
async function tokenizedBytes(read: () => Promise<unknown>): Promise<number> {
  let scanned = 0;
  const tokenize = CsvTokenizer.prototype.tokenize;
  vi.spyOn(CsvTokenizer.prototype, "tokenize").mockImplementation(function (this: CsvTokenizer, request) {
    scanned += request.bytes.length - request.start;
    return tokenize.call(this, request as TokenizeRequest);
  });
  await read();
  return scanned;
}

describe("records of any length cost work in proportion to their bytes", () => {
  it("a 1 MiB record read 4 KiB at a time is scanned over about twice its bytes, not once per piece", async () => {
    const record = "x".repeat(1024 * 1024);
    const path = write("long.csv", `a,b\n1,2\n3,"${record}"\n5,6\n`);
    const scanned = await tokenizedBytes(() => collectRows(path, { chunkBytes: 4096, maxLineBytes: 2 * 1024 * 1024 }));
    // Re-scanning the unfinished record with every piece would be about 128 MiB (256 pieces, half the record each).
    expect(scanned).toBeGreaterThanOrEqual(record.length);
    expect(scanned).toBeLessThan(4 * record.length);
  });

  it("short records after a long one go back to piece-sized scans", async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `${i},row ${i}`).join("\n");
    const path = write("mixed.csv", `a,b\n0,"${"y\n".repeat(100_000)}"\n${rows}\n`);
    const size = 200_000 + rows.length;
    const scanned = await tokenizedBytes(() => collectRows(path, { chunkBytes: 1024 }));
    expect(scanned).toBeLessThan(4 * size);
    expect((await collectRows(path, { chunkBytes: 1024 })).at(-1)).toEqual({
      line: 100_002 + 20_000,
      fields: ["19999", "row 19999"],
    });
  });

  it("a record past max-line-bytes is still reported at its first line, with the config key to raise", async () => {
    const path = write("too-long.csv", `a\n1\n"${"z\n".repeat(50_000)}"\n`);
    const error = (await readError(path, { chunkBytes: 512, maxLineBytes: 10_000 })) as Error & { hint?: string };
    expect(error.message).toBe("the record starting here is longer than 10000 bytes");
    expect((error as { location?: string }).location).toBe(`${path}:3`);
    expect(error.hint).toContain("data.max-line-bytes");
    expect(error.hint).not.toContain("maxLineBytes");
  });

  it("a JSON Lines line past max-line-bytes names the config key to raise", async () => {
    const path = write("too-long.jsonl", `{"a":1}\n{"a":"${"q".repeat(5000)}"}\n`);
    const error = (await readError(path, { maxLineBytes: 1000, chunkBytes: 64 })) as Error & { hint?: string };
    expect(error.hint).toContain("data.max-line-bytes");
  });
});

describe("chunk boundaries never change what is read", () => {
  const longField = fc.oneof(
    fc.nat(3000).map((n) => "w".repeat(n)),
    fc.nat(300).map((n) => `"${'a,"" \r\n'.repeat(n)}"`),
    fc.constantFrom("", "1", "x y", '"q"', '""'),
  );
  const file = fc.record({
    rows: fc.array(fc.tuple(longField, longField), { minLength: 1, maxLength: 8 }),
    ending: fc.constantFrom("\n", "\r\n", "\r"),
    chunkBytes: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 65, max: 5000 })),
  });

  it("long and short records, quoted line breaks and CRLF, cut anywhere, read as from one piece", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(file, async ({ rows, ending, chunkBytes }) => {
        const text = `a,b${ending}${rows.map((row) => row.join(",")).join(ending)}${ending}`;
        const path = write(`p${run++}.csv`, text);
        const whole = await collectRows(path, { chunkBytes: text.length + 1 });
        expect(await collectRows(path, { chunkBytes })).toEqual(whole);
        expect(whole).toHaveLength(rows.length);
      }),
      { numRuns: 150 },
    );
  });

  it("the batches of a long record still yield every row once", async () => {
    const path = write("count.csv", `a\n${"1\n".repeat(1000)}"${"v".repeat(200_000)}"\n${"2\n".repeat(1000)}`);
    let rows = 0;
    for await (const batch of readBatches(path, { chunkBytes: 100 })) rows += batch.rows;
    expect(rows).toBe(2001);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvBatch } from "../../../packages/readers/src/csv-batch.js";
import { CsvTokenizer } from "../../../packages/readers/src/csv-tokenizer.js";
import { columnRuns } from "../../../packages/data/src/checks/cells.js";
import { KeyHasher } from "../../../packages/data/src/checks/key-hasher.js";
import { plainRowLanes } from "../../../packages/data/src/checks/row-hash-simd.js";
import { examples, runChecks, workspace } from "./support.js";

/** A row's cells: f1, k (the key), f2, f3, label; the features are f1, f2 and f3, in two runs of adjacent columns. */
type Row = [string, string, string, string, string];

const COLUMNS = ["f1", "k", "f2", "f3", "label"];
/** Characters that make CSV and TSV writers quote, or that sit in a comma-delimited file's bytes as they are. */
const cellText = fc.string({ unit: fc.constantFrom("a", "b", ",", '"', " ", "\t", "\n", "é"), maxLength: 4 });

/**
 * A file of the rows, each cell quoted when the delimiter, a quote, a line break or a leading quote requires it, and
 * otherwise quoted or not at random: rows of equal text are written in different bytes.
 */
function writeFile(rows: Row[], delimiter: string, quoteAnyway: boolean[]): { text: string; lines: number[] } {
  const lines: number[] = [];
  let line = 2;
  const records = rows.map((row, r) => {
    lines.push(line);
    const cells = row.map((cell, c) => {
      const must = cell.includes(delimiter) || cell.includes("\n") || cell.startsWith('"');
      const quote = must || quoteAnyway[(r * 5 + c) % quoteAnyway.length];
      return quote ? `"${cell.replaceAll('"', '""')}"` : cell;
    });
    const record = cells.join(delimiter);
    line += 1 + (record.match(/\n/g)?.length ?? 0);
    return record;
  });
  return { text: `${[COLUMNS.join(delimiter), ...records].join("\n")}\n`, lines };
}

describe("row hashes of CSV and TSV text", () => {
  it("find the rows and features of equal text, however the cells are quoted and delimited", async () => {
    const samples = fc.sample(
      fc.record({
        pool: fc.array(cellText, { minLength: 2, maxLength: 5 }),
        picks: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat(), fc.boolean()), {
          minLength: 1,
          maxLength: 30,
        }),
        quoteAnyway: fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }),
        split: fc.nat(),
      }),
      { numRuns: 40, seed: 20261206 },
    );
    for (const [index, { pool, picks, quoteAnyway, split }] of samples.entries()) {
      const rows = picks.map(([f1, f2, f3, k, yes]): Row => {
        const at = (n: number) => pool[n % pool.length]!;
        return [at(f1), at(k), at(f2), at(f3), yes ? "yes" : "no"];
      });
      const cut = split % (rows.length + 1);
      const csv = writeFile(rows.slice(0, cut), ",", quoteAnyway);
      const tsv = writeFile(rows.slice(cut), "\t", quoteAnyway);
      const dir = workspace({ "data/a.csv": csv.text, "data/b.tsv": tsv.text });
      const where = [
        ...csv.lines.map((line) => `data/a.csv:${line}`),
        ...tsv.lines.map((line) => `data/b.tsv:${line}`),
      ];

      const seenRows = new Set<string>();
      const firstLabel = new Map<string, string>();
      const duplicates: string[] = [];
      const conflicts: string[] = [];
      rows.forEach((row, r) => {
        const whole = JSON.stringify(row);
        if (seenRows.has(whole)) duplicates.push(where[r]!);
        seenRows.add(whole);
        const features = JSON.stringify([row[0], row[2], row[3]]);
        const label = firstLabel.get(features);
        if (label === undefined) firstLabel.set(features, row[4]);
        else if (label !== row[4]) conflicts.push(where[r]!);
      });

      // Batches of a few rows too: a read may reuse its buffer from one batch to the next.
      for (const chunkBytes of [undefined, 48]) {
        const run = await runChecks(
          dir,
          { path: "data/*", key: "k", label: "label", "duplicate-rows": "warn", "unexpected-columns": "ignore" },
          { chunkBytes },
        );
        const context = `case ${index}, chunks of ${chunkBytes ?? "default"} bytes: ${JSON.stringify(rows)} cut at ${cut}`;
        const duplicateResult = run.result("expect_table_rows_to_be_unique");
        expect(duplicateResult.result.unexpected_count, context).toBe(duplicates.length);
        expect(
          examples(duplicateResult).map((e) => e.slice(e.lastIndexOf("@") + 1)),
          context,
        ).toEqual(duplicates.slice(0, 20));
        const conflictResult = run.result("expect_identical_features_to_have_one_label", "label");
        expect(conflictResult.result.unexpected_count, context).toBe(conflicts.length);
        expect(
          examples(conflictResult).map((e) => e.slice(e.lastIndexOf("@") + 1)),
          context,
        ).toEqual(conflicts.slice(0, 20));
      }
    }
  });

  it("keep apart rows that would read alike if a cell starting with a quote were written unquoted", async () => {
    // ["\"a", "b\"", "c", "d,e"] and ["a,b", "c", "\"d", "e\""] would both be written "a,b",c,"d,e".
    const dir = workspace({ "data.csv": 'f1,f2,f3,f4\n"""a",b",c,"d,e"\n"a,b",c,"""d",e"\n"""a",b",c,"d,e"\n' });
    const run = await runChecks(dir, { path: "data.csv", "duplicate-rows": "warn" });
    expect(examples(run.result("expect_table_rows_to_be_unique"))).toEqual(['"a,b",c,d,e@data.csv:4']);
  });

  it("hash a tab-delimited row as its comma-delimited twin, and tell a cell's comma from a delimiter in every batch", async () => {
    const plainRows = Array.from({ length: 40 }, (_, i) => `row number ${i}\tsome value\tz`);
    const tsv = ["f1\tf2\tf3", ...plainRows, "alpha beta\tgamma delta\tx", "a,b\tc\ty", "a\tb,c\ty"];
    const dir = workspace({
      "data/a.csv": "f1,f2,f3\nalpha beta,gamma delta,x\n",
      "data/b.tsv": `${tsv.join("\n")}\n`,
    });
    for (const chunkBytes of [undefined, 64]) {
      const run = await runChecks(dir, { path: "data/*", "duplicate-rows": "warn" }, { chunkBytes });
      expect(examples(run.result("expect_table_rows_to_be_unique")), `chunks of ${chunkBytes}`).toEqual([
        "alpha beta,gamma delta,x@data/b.tsv:42",
      ]);
    }
  });

  it("of plain rows, hashed for a batch at once in WebAssembly, are KeyHasher's, and other rows are left to it", () => {
    const field = fc.oneof(
      fc.string({ unit: fc.constantFrom("a", "7", " ", "é", "x".repeat(13)), maxLength: 3 }),
      cellText.map((cell) => `"${cell.replaceAll('"', '""')}"`),
      fc.constantFrom('"ab"c', 'a"b'),
    );
    let plainSeen = 0;
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 30 }),
        fc.subarray([0, 1, 2, 3, 4]),
        fc.nat({ max: 3 }),
        (records, features, skip) => {
          const csv = Buffer.from(`${"h\n".repeat(skip)}${records.map((cells) => cells.join(",")).join("\n")}\n`);
          const cells = new CsvTokenizer("data.csv", 0x2c, 1 << 20, "count").tokenize({
            bytes: csv,
            start: skip * 2,
            final: true,
            line: 1,
            afterCarriageReturn: false,
            width: 5,
            anyFieldCount: false,
            maxRecords: Infinity,
          });
          const batch = new CsvBatch("data.csv", ["a", "b", "c", "d", "e"], csv, cells, 1);
          const { runs } = columnRuns(Int32Array.from(features));
          const lanes = plainRowLanes(batch, runs);
          expect(lanes).toBeDefined();
          for (let row = 0; row < batch.rows; row++) {
            const expected = new KeyHasher().reset().addTextRuns(batch, row, runs).finish();
            if (lanes!.plain[row] !== 1) continue;
            plainSeen++;
            const found = new KeyHasher().withLanes(lanes!.lanes[2 * row]!, lanes!.lanes[2 * row + 1]!).finish();
            expect([found.hi, found.lo], `row ${row} of ${JSON.stringify(csv.toString())}`).toEqual([
              expected.hi,
              expected.lo,
            ]);
          }
        },
      ),
      { numRuns: 500 },
    );
    expect(plainSeen).toBeGreaterThan(500);
  });
});

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { describeProgress, readBatches, readRecords, type ReadProgress } from "@ctrain/readers";
import { isUserError } from "@ctrain/core";
import { collectRows, readError, temporaryDirectory } from "./collect.js";
import { PythonWorker } from "./python-worker.js";

const temp = temporaryDirectory();
const pandas = new PythonWorker("readers_pandas.py");
afterAll(() => {
  pandas.close();
  temp.remove();
});

let fileCount = 0;
function write(name: string, content: string | Buffer): string {
  const path = join(temp.dir, `${fileCount++}-${name}`);
  writeFileSync(path, content);
  return path;
}

describe("CSV header", () => {
  it("names columns from the first record and reads the rest as data", async () => {
    const path = write("h.csv", "id,name\n1,ann\n2,bob\n");
    const batches = [];
    for await (const batch of readBatches(path)) batches.push(batch);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.columns).toEqual(["id", "name"]);
    expect(batches[0]!.kind).toBe("text");
    expect(await collectRows(path)).toEqual([
      { line: 2, fields: ["1", "ann"] },
      { line: 3, fields: ["2", "bob"] },
    ]);
  });

  it("reads the first record as data when there is no header, or when the names are given", async () => {
    const path = write("n.csv", "1,ann\n2,bob\n");
    for await (const batch of readBatches(path, { header: false }))
      expect(batch.columns).toEqual(["column_1", "column_2"]);
    for await (const batch of readBatches(path, { header: ["id", "name"] })) {
      expect(batch.columns).toEqual(["id", "name"]);
      expect(batch.record(0)).toEqual({ id: "1", name: "ann" });
    }
    expect((await collectRows(path, { header: false })).map((row) => row.line)).toEqual([1, 2]);
  });

  it("names columns as pandas does when the names are distinct, and refuses a name given twice", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom("a", "b", "a.1", "a.2", "", "Unnamed: 1", "b.1.1"), { minLength: 1, maxLength: 8 }),
        async (names) => {
          const path = write("names.csv", `${names.join(",")}\n${names.map((_, i) => i).join(",")}\n`);
          const given = names.map((name, i) => (name === "" ? `Unnamed: ${i}` : name));
          const repeated = given.find((name, i) => given.indexOf(name) !== i);
          if (repeated === undefined) {
            const expected = await pandas.ask<{ columns: string[] }>({ header: path });
            for await (const batch of readBatches(path)) expect(batch.columns).toEqual(expected.columns);
          } else {
            await expect(collectRows(path)).rejects.toMatchObject({
              name: "UserError",
              location: `${path}:1`,
              message: expect.stringContaining(`the header names the column ${JSON.stringify(repeated)} twice`),
            });
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("yields one empty batch for a file with a header and no rows, so its columns are known", async () => {
    const path = write("only-header.csv", "\uFEFFa,b\r\n");
    const batches = [];
    for await (const batch of readBatches(path)) batches.push(batch);
    expect(batches.map((batch) => [batch.rows, batch.columns])).toEqual([[0, ["a", "b"]]]);
    expect(batches[0]!.column(1)).toEqual([]);
  });

  it("refuses a column named __proto__: it would reach the prototype of every record keyed by column", async () => {
    const error = await readError(write("proto.csv", "__proto__,x\n1,2\n"));
    expect(isUserError(error) && error.format()).toMatch(/proto\.csv.*"__proto__" uses a reserved name/s);
  });
});

describe("CSV dialects and containers", () => {
  it("uses a tab for .tsv files and any single-character delimiter when asked", async () => {
    const tsv = write("t.tsv", "a\tb\n1,5\t2\n");
    expect(await collectRows(tsv)).toEqual([{ line: 2, fields: ["1,5", "2"] }]);
    const semicolon = write("s.csv", 'a;b\n"x;y";2\n');
    expect(await collectRows(semicolon, { delimiter: ";" })).toEqual([{ line: 2, fields: ["x;y", "2"] }]);
  });

  it("rejects a delimiter that cannot be one", async () => {
    for (const delimiter of ['"', "\n", ",,", "é", ""]) {
      const error = await readError(write("d.csv", "a\n1\n"), { delimiter });
      expect(error?.name, delimiter).toBe("UserError");
      expect(error?.message).toContain("delimiter");
    }
  });

  it("decompresses gzip found by its magic bytes, whatever the file is called", async () => {
    const text = "a,b\n1,2\n3,4\n";
    for (const name of ["g.csv.gz", "g.csv"]) {
      expect(await collectRows(write(name, gzipSync(text)), { chunkBytes: 3 })).toEqual([
        { line: 2, fields: ["1", "2"] },
        { line: 3, fields: ["3", "4"] },
      ]);
    }
    const twoMembers = Buffer.concat([gzipSync("a,b\n1,2\n"), gzipSync("3,4\n")]);
    expect(await collectRows(write("m.csv.gz", twoMembers))).toHaveLength(2);
  });

  it("reports a corrupt or cut gzip stream as the user's problem", async () => {
    const whole = gzipSync("a,b\n" + "1,2\n".repeat(1000));
    const error = await readError(write("cut.csv.gz", whole.subarray(0, whole.length - 20)));
    expect(error?.name).toBe("UserError");
    expect(error?.message).toContain("gzip data is corrupt or cut short");
  });

  it("replaces bytes that are not UTF-8 when asked to", async () => {
    const path = write("latin1.csv", Buffer.from([0x61, 0x0a, 0x63, 0x61, 0x66, 0xe9, 0x0a]));
    expect(await collectRows(path, { encodingErrors: "replace" })).toEqual([{ line: 2, fields: ["caf\uFFFD"] }]);
  });
});

describe("ragged records", () => {
  it("pads short records, drops extra fields and counts both when asked to count", async () => {
    const path = write("ragged.csv", "a,b,c\n1,2,3\n4\n5,6,7,8\n");
    const batches = [];
    for await (const batch of readBatches(path, { raggedRows: "count" })) batches.push(batch);
    expect(batches.reduce((sum, batch) => sum + batch.raggedRows, 0)).toBe(2);
    expect(await collectRows(path, { raggedRows: "count" })).toEqual([
      { line: 2, fields: ["1", "2", "3"] },
      { line: 3, fields: ["4", "", ""] },
      { line: 4, fields: ["5", "6", "7"] },
    ]);
  });
});

describe("records and progress", () => {
  it("yields records with values, file and line", async () => {
    const path = write("r.csv", 'x,y\n"multi\nline",1\n\n2,3\n');
    const records = [];
    for await (const record of readRecords(path)) records.push(record);
    expect(records).toEqual([
      { values: { x: "multi\nline", y: "1" }, file: path, line: 2 },
      { values: { x: "2", y: "3" }, file: path, line: 5 },
    ]);
  });

  it("reports progress that reaches the total with every row counted", async () => {
    const path = write("p.csv", "a\n" + "12345\n".repeat(5000));
    const reports: ReadProgress[] = [];
    for await (const batch of readBatches(path, { chunkBytes: 4096, onProgress: (p) => reports.push(p) })) void batch;
    expect(reports.length).toBeGreaterThan(5);
    const last = reports.at(-1)!;
    expect(last).toMatchObject({ file: path, bytesRead: 2 + 6 * 5000, totalBytes: 2 + 6 * 5000, rows: 5000 });
    expect(reports.map((report) => report.rows)).toEqual(
      [...reports.map((report) => report.rows)].sort((a, b) => a - b),
    );
  });

  it("describes progress as rows, megabytes, rate and time left", () => {
    const line = describeProgress({
      file: "f.csv",
      bytesRead: 256 * 1024 * 1024,
      totalBytes: 1024 * 1024 * 1024,
      rows: 1_200_000,
      elapsedMs: 2000,
    });
    expect(line).toBe("1,200,000 rows, 256.0 of 1024.0 MB (25%), 128.0 MB/s, ETA 6s");
    const done = describeProgress({ file: "f.csv", bytesRead: 10, totalBytes: 10, rows: 1, elapsedMs: 0 });
    expect(done).toBe("1 rows, 0.0 of 0.0 MB (100%), 0.0 MB/s");
  });
});

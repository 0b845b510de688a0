import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as zlib from "node:zlib";
import { parquetWriteFile } from "hyparquet-writer";
import { afterAll, describe, expect, it } from "vitest";
import { UserError } from "@ctrain/core";
import { readBatches, readRecords, type ReadProgress } from "@ctrain/readers";
import { readError, temporaryDirectory } from "./collect.js";

const temp = temporaryDirectory();
afterAll(() => temp.remove());

const ROWS = 10;
const ids = Array.from({ length: ROWS }, (_, i) => i + 1);
const big = [1n, 2n ** 60n, null, -5n, 0n, 1n, 2n, 3n, -(2n ** 62n), 5n];
const score = [1.5, null, 2.5, -0.25, 0, 1, 2, 3, 4, 5];
const name = ["a", null, "é", "数据", "e", "f", "g", "h", "i", "j"];
const flag = [true, false, null, true, true, true, true, true, true, false];
const ts = [new Date(0), null, new Date(1e12), ...Array.from({ length: 7 }, (_, i) => new Date(i * 86_400_000))];

type Compressor = (input: Uint8Array) => Uint8Array;
const zstdCompress = (zlib as unknown as { zstdCompressSync?: (input: Uint8Array) => Buffer }).zstdCompressSync;
/** Codecs with a compressor on this Node (zstd compression arrived in Node 22.15; reading zstd needs none). */
const CODECS: [string, Compressor | undefined][] = [
  ["UNCOMPRESSED", undefined],
  ["SNAPPY", undefined],
  ["GZIP", (input) => zlib.gzipSync(input)],
  ["BROTLI", (input) => zlib.brotliCompressSync(input)],
  ...(zstdCompress ? [["ZSTD", (input: Uint8Array) => zstdCompress(input)] as [string, Compressor]] : []),
];

function writeParquet(codec: string, compressor: Compressor | undefined, rowGroupSize = 4): string {
  const filename = join(temp.dir, `t-${codec}-${rowGroupSize}.parquet`);
  parquetWriteFile({
    filename,
    rowGroupSize,
    codec: codec as "SNAPPY",
    compressors: compressor ? { [codec]: compressor } : {},
    columnData: [
      { name: "id", data: Int32Array.from(ids), type: "INT32" },
      { name: "big", data: big, type: "INT64" },
      { name: "score", data: score, type: "DOUBLE" },
      { name: "name", data: name, type: "STRING" },
      { name: "flag", data: flag, type: "BOOLEAN" },
      { name: "ts", data: ts, type: "TIMESTAMP" },
    ],
  });
  return filename;
}

describe("Parquet", () => {
  it.each(CODECS)("reads %s row group by row group with positions and nulls", async (codec, compressor) => {
    const path = writeParquet(codec, compressor);
    const groups = [];
    for await (const batch of readBatches(path)) {
      expect(batch.kind).toBe("values");
      expect(batch.columns).toEqual(["id", "big", "score", "name", "flag", "ts"]);
      groups.push({
        rowGroup: batch.rowGroup,
        rows: batch.rows,
        firstLine: batch.firstLine,
        ids: Array.from(batch.column(0)),
      });
    }
    expect(groups).toEqual([
      { rowGroup: 0, rows: 4, firstLine: 1, ids: [1, 2, 3, 4] },
      { rowGroup: 1, rows: 4, firstLine: 5, ids: [5, 6, 7, 8] },
      { rowGroup: 2, rows: 2, firstLine: 9, ids: [9, 10] },
    ]);
    const records = [];
    for await (const record of readRecords(path)) records.push(record);
    expect(records.map((record) => [record.file, record.line, record.rowGroup])).toEqual(
      ids.map((id) => [path, id, Math.floor((id - 1) / 4)]),
    );
    expect(records.map((record) => record.values)).toEqual(
      ids.map((_, i) => ({
        id: ids[i],
        // INT64 arrives as a number when exact, else as bigint.
        big: big[i] === null ? null : Number.isSafeInteger(Number(big[i])) ? Number(big[i]) : big[i],
        score: score[i],
        name: name[i],
        flag: flag[i],
        ts: ts[i],
      })),
    );
  });

  it("reports progress per row group, reaching the file size", async () => {
    const path = writeParquet("SNAPPY", undefined, 3);
    const reports: ReadProgress[] = [];
    for await (const batch of readBatches(path, { onProgress: (report) => reports.push(report) })) void batch;
    expect(reports.map((report) => report.rows)).toEqual([3, 6, 9, 10]);
    const sizes = reports.map((report) => report.bytesRead);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    expect(reports.at(-1)!.totalBytes).toBe(readFileSync(path).length);
  });

  it("yields one empty batch for a file without rows, so its columns are known", async () => {
    const filename = join(temp.dir, "empty.parquet");
    parquetWriteFile({ filename, columnData: [{ name: "x", data: new Float64Array(0), type: "DOUBLE" }] });
    const batches = [];
    for await (const batch of readBatches(filename)) batches.push(batch);
    expect(batches.map((batch) => [batch.rows, batch.columns])).toEqual([[0, ["x"]]]);
  });

  it("says in one line that a file with a broken footer is not valid Parquet, and why", async () => {
    const whole = readFileSync(writeParquet("SNAPPY", undefined));
    const badMagic = Buffer.from(whole);
    badMagic.write("XXXX", badMagic.length - 4);
    const badLength = Buffer.from(whole);
    badLength.writeUInt32LE(whole.length * 2, whole.length - 8);
    const cases: [string, Buffer][] = [
      ["bad-magic.parquet", badMagic],
      ["bad-footer-length.parquet", badLength],
      ["truncated.parquet", whole.subarray(0, Math.floor(whole.length / 2))],
      ["empty.pq", Buffer.alloc(0)],
      ["csv-named.parquet", Buffer.from("a,b\n1,2\n")],
    ];
    for (const [file, bytes] of cases) {
      const path = join(temp.dir, file);
      writeFileSync(path, bytes);
      const error = (await readError(path)) as UserError;
      expect(error, file).toBeInstanceOf(UserError);
      expect(error.location).toBe(path);
      expect(error.message).toMatch(/^not a valid Parquet file: \S/);
      expect(error.message).not.toContain("\n");
      expect(error.hint).toContain("PAR1");
    }
  });
});

import { join } from "node:path";
import fc from "fast-check";
import { parquetWriteFile } from "hyparquet-writer";
import { afterAll, describe, expect, it } from "vitest";
import { readBatches } from "@ctrain/readers";
import { temporaryDirectory } from "./collect.js";

const temp = temporaryDirectory();
afterAll(() => temp.remove());

let fileCount = 0;
/** A three-column file: integers, strings with nulls, doubles; small pages, so a window starts and ends inside them. */
function writeFile(rows: number, rowGroupSize: number, pageSize: number): string {
  const filename = join(temp.dir, `w${fileCount++}.parquet`);
  parquetWriteFile({
    filename,
    rowGroupSize,
    pageSize,
    columnData: [
      { name: "id", data: Int32Array.from({ length: rows }, (_, i) => i), type: "INT32" },
      { name: "s", data: Array.from({ length: rows }, (_, i) => (i % 7 === 0 ? null : `v${i % 101}`)), type: "STRING" },
      { name: "x", data: Float64Array.from({ length: rows }, (_, i) => i / 4), type: "DOUBLE" },
    ],
  });
  return filename;
}

interface ReadBatch {
  rows: number;
  rowGroup: number | undefined;
  firstLine: number;
  columns: unknown[][];
}

async function read(path: string, batchCells?: number): Promise<ReadBatch[]> {
  const batches: ReadBatch[] = [];
  for await (const batch of readBatches(path, batchCells === undefined ? {} : { batchCells })) {
    batches.push({
      rows: batch.rows,
      rowGroup: batch.rowGroup,
      firstLine: batch.firstLine,
      columns: batch.columns.map((_, col) => Array.from(batch.column(col) as ArrayLike<unknown>)),
    });
  }
  return batches;
}

/** Every row of the batches, column by column, with its line. */
function rowsOf(batches: readonly ReadBatch[]): unknown[][] {
  return batches.flatMap((batch) =>
    Array.from({ length: batch.rows }, (_, row) => [batch.firstLine + row, ...batch.columns.map((c) => c[row])]),
  );
}

describe("Parquet read in windows", () => {
  it("a 30,000-row group is decoded at most batchCells cells at a time, every row once, in order", async () => {
    const path = writeFile(30_000, 30_000, 4096);
    const batches = await read(path, 3 * 7000);
    expect(batches.map((batch) => batch.rows)).toEqual([7000, 7000, 7000, 7000, 2000]);
    expect(batches.every((batch) => batch.rowGroup === 0)).toBe(true);
    const rows = rowsOf(batches);
    expect(rows).toHaveLength(30_000);
    expect(rows[0]).toEqual([1, 0, null, 0]);
    expect(rows[7000]).toEqual([7001, 7000, null, 1750]);
    expect(rows[29_999]).toEqual([30_000, 29_999, `v${29_999 % 101}`, 29_999 / 4]);
    expect(rows).toEqual(rowsOf(await read(path)));
  });

  it("windows of any size over row groups of any size read the same rows as whole groups", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1, max: 1200 }),
        fc.integer({ min: 64, max: 4096 }),
        fc.integer({ min: 1, max: 2000 }),
        async (rows, rowGroupSize, pageSize, windowRows) => {
          const path = writeFile(rows, rowGroupSize, pageSize);
          const windowed = await read(path, 3 * windowRows);
          expect(Math.max(...windowed.map((batch) => batch.rows))).toBeLessThanOrEqual(windowRows);
          expect(rowsOf(windowed)).toEqual(rowsOf(await read(path, Number.MAX_SAFE_INTEGER)));
        },
      ),
      { numRuns: 20 },
    );
  });
});

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ColumnRules, DatasetConfig } from "@ctrain/core";
import { CsvBatch, readBatches, type RecordBatch } from "@ctrain/readers";
import { ColumnSplit, type ShareDuty } from "../../../packages/data/src/validate/column-split.js";
import { workspace } from "../checks/support.js";

const reader: ShareDuty = { reads: true, ships: true, receives: false, rowChecks: false };
const checker: ShareDuty = { reads: false, ships: false, receives: true, rowChecks: true };

async function batchesOf(files: Record<string, string>): Promise<RecordBatch[]> {
  const dir = workspace(files);
  const batches: RecordBatch[] = [];
  for await (const batch of readBatches(Object.keys(files).map((name) => join(dir, name)))) batches.push(batch);
  return batches;
}

/** Each share's columns, in file order. */
function dealt(split: ColumnSplit, shares: number): string[][] {
  const columns: string[][] = Array.from({ length: shares }, () => []);
  for (const column of split.order) columns[split.shareOf(column)]!.push(column);
  return columns;
}

const numbers = (rows: number, columns: number): string =>
  Array.from({ length: rows }, (_, row) => Array.from({ length: columns }, (_, col) => row * 31 + col).join(",")).join(
    "\n",
  );

describe("dealing columns out to threads", () => {
  it("gives the thread that checks the rows fewer columns, and balances alike threads evenly", async () => {
    const header = Array.from({ length: 10 }, (_, col) => `c${col}`).join(",");
    const [batch] = await batchesOf({ "a.csv": `${header}\n${numbers(500, 10)}\n` });
    const config = DatasetConfig.parse({ path: "a.csv", key: "c0", label: "c9" });
    const checking = new ColumnSplit([reader, checker], config);
    checking.learn(batch!);
    const [read, checked] = dealt(checking, 2);
    expect(read!.length + checked!.length).toBe(10);
    expect(checked!.length).toBeLessThan(read!.length);

    const even = new ColumnSplit([reader, { ...reader, ships: false }, { ...reader, ships: false }]);
    even.learn(batch!);
    expect(dealt(even, 3).map((columns) => columns.length)).toEqual([3, 4, 3]);
  });

  it("weighs a row JSON Schema on the thread that checks rows, and none for schema: infer (which runs none)", async () => {
    const header = Array.from({ length: 10 }, (_, col) => `c${col}`).join(",");
    const [batch] = await batchesOf({ "a.csv": `${header}\n${numbers(500, 10)}\n` });
    const checkedColumns = (schema?: string) => {
      const config = DatasetConfig.parse({ path: "a.csv", "duplicate-rows": "ignore", ...(schema ? { schema } : {}) });
      const split = new ColumnSplit([reader, checker], config);
      split.learn(batch!);
      return dealt(split, 2)[1]!.length;
    };
    expect(checkedColumns("infer")).toBe(checkedColumns());
    expect(checkedColumns("rows.schema.json")).toBeLessThan(checkedColumns());
  });

  it("weighs a column by its cells and checks: a long text column with a regex is worth several numbers", async () => {
    const rows = Array.from(
      { length: 400 },
      (_, row) => `user.${row}.${row * 7}@example.org,${row},${row + 1},${row + 2}`,
    );
    const [batch] = await batchesOf({ "a.csv": `email,x,y,z\n${rows.join("\n")}\n` });
    const config = DatasetConfig.parse({
      path: "a.csv",
      "duplicate-rows": "ignore",
      columns: { email: { regex: "^[a-z0-9.]+@[a-z]+\\.[a-z]+$", "max-length": 64 } },
    });
    const split = new ColumnSplit(
      [
        { ...reader, ships: false },
        { ...reader, ships: false },
      ],
      config,
    );
    split.learn(batch!);
    expect(dealt(split, 2)).toEqual([["email"], ["x", "y", "z"]]);
  });

  it("weighs the checks `schema: infer` takes from the baseline like configured ones", async () => {
    const header = Array.from({ length: 4 }, (_, col) => `c${col}`).join(",");
    const [batch] = await batchesOf({ "a.csv": `${header}\n${numbers(300, 4)}\n` });
    const idle: ShareDuty = { reads: false, ships: false, receives: false, rowChecks: false };
    const inferred = {
      c0: ColumnRules.parse({ regex: "^[0-9]+$", "allowed-values": [1, 2], "max-length": 5, unique: true }),
    };
    const split = (schema?: string) => {
      const config = DatasetConfig.parse({ path: "a.csv", ...(schema ? { schema } : {}) });
      const columns = new ColumnSplit([idle, idle], config, inferred);
      columns.learn(batch!);
      return dealt(columns, 2);
    };
    expect(split()).toEqual([
      ["c0", "c2"],
      ["c1", "c3"],
    ]);
    expect(split("infer")).toEqual([["c0"], ["c1", "c2", "c3"]]);
  });

  it("deals a column when it first appears, alike on batches read and batches handed over", async () => {
    const batches = await batchesOf({
      "1.csv": `a,b\n${numbers(300, 2)}\n`,
      "2.csv": `a,b,late,word\n${Array.from({ length: 300 }, (_, row) => `${row},${row},${row},w${row}`).join("\n")}\n`,
    });
    const config = DatasetConfig.parse({ path: "*.csv", columns: { word: { "allowed-values": ["w1"] } } });
    // The reading worker splits the batches it read; the threads it hands them to, the same batches rebuilt.
    const handedOver = batches.map((batch) => CsvBatch.fromParts((batch as CsvBatch).toParts().parts));
    const splits = [new ColumnSplit([reader, checker], config), new ColumnSplit([reader, checker], config)];
    for (const [split, seen] of [
      [splits[0]!, batches],
      [splits[1]!, handedOver],
    ] as const) {
      split.learn(seen[0]!);
      expect(split.order).toEqual(["a", "b"]);
      expect(() => split.shareOf("late")).toThrow(/not dealt out/);
      for (const batch of seen.slice(1)) split.learn(batch);
      expect(split.order).toEqual(["a", "b", "late", "word"]);
    }
    expect(dealt(splits[0]!, 2)).toEqual(dealt(splits[1]!, 2));
  });
});

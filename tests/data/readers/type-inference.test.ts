import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { ColumnTypeInference, readBatches, type ColumnTypeReport } from "@ctrain/readers";
import { temporaryDirectory } from "./collect.js";
import { PythonWorker } from "./python-worker.js";

const temp = temporaryDirectory();
const pandas = new PythonWorker("readers_pandas.py");
afterAll(() => {
  pandas.close();
  temp.remove();
});

let fileCount = 0;
function write(content: string): string {
  const path = join(temp.dir, `${fileCount++}.csv`);
  writeFileSync(path, content);
  return path;
}

async function infer(paths: string | string[], minShare?: number): Promise<ColumnTypeReport[]> {
  let inferences: ColumnTypeInference[] | undefined;
  for await (const batch of readBatches(paths, { chunkBytes: 64 })) {
    inferences ??= batch.columns.map(() => new ColumnTypeInference({ minShare, maxExamples: 3 }));
    inferences.forEach((inference, col) => inference.observeColumn(batch, col));
  }
  return inferences!.map((inference) => inference.report());
}

/** The dtype pandas gives a column of the inferred type (it has no nullable integers or booleans by default). */
function pandasDtype(report: ColumnTypeReport): string {
  const nulls = report.kinds.null;
  switch (report.type) {
    case "null":
    case "float":
      return "float64";
    case "integer":
      return nulls > 0 ? "float64" : "int64";
    case "boolean":
      return nulls > 0 ? "object" : "bool";
    default:
      return "object";
  }
}

const cellPools = [
  ["1", "-7", "42", " 3 "],
  ["1.5", "2", "-inf", "1e3", ".5"],
  ["", "NA", "null", "NaN", "None"],
  ["true", "False", "TRUE"],
  ["2024-01-02", "2024-01-02T03:04:05Z"],
  ["abc", "x y", "é"],
];
const column = fc
  .subarray(cellPools, { minLength: 1, maxLength: 3 })
  .chain((pools) => fc.array(fc.constantFrom(...pools.flat()), { minLength: 1, maxLength: 30 }));

describe("column types agree with pandas.read_csv when every cell must fit", () => {
  it("infers the type pandas stores the column as, with the same null count", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(column, { minLength: 1, maxLength: 4 }), async (columns) => {
        const rows = Math.max(...columns.map((cells) => cells.length));
        // A last constant column keeps a row of blanks from being a blank line.
        const lines = Array.from({ length: rows }, (_, row) =>
          [...columns.map((cells) => cells[row % cells.length]!), "x"].join(","),
        );
        const path = write(`${[...columns.map((_, i) => `c${i}`), "end"].join(",")}\n${lines.join("\n")}\n`);
        const expected = await pandas.ask<{ dtypes: string[]; nulls: number[] }>({ columns: path });
        const reports = (await infer(path, 1)).slice(0, -1);
        expect(reports.map(pandasDtype)).toEqual(expected.dtypes.slice(0, -1));
        expect(reports.map((report) => report.kinds.null)).toEqual(expected.nulls.slice(0, -1));
      }),
      { numRuns: 100 },
    );
  });
});

describe("parse failures", () => {
  it("reports a mostly numeric column as numeric, with how many cells failed and the first ones with file:line", async () => {
    const values = Array.from({ length: 40 }, (_, i) => String(i));
    values[5] = "n/a?";
    values[17] = "twelve";
    values[30] = "1.5";
    values[33] = "";
    const path = write(`a,b\n${values.map((value, i) => `${value},${i}`).join("\n")}\n`);
    const [a] = await infer(path);
    expect(a).toEqual({
      type: "float",
      cells: 40,
      kinds: { null: 1, integer: 36, float: 1, boolean: 0, timestamp: 0, string: 2 },
      failures: 2,
      failureExamples: [
        { value: "n/a?", file: path, line: 7 },
        { value: "twelve", file: path, line: 19 },
      ],
    });
    const [strict] = await infer(path, 1);
    expect(strict).toMatchObject({ type: "string", failures: 0, failureExamples: [] });
  });

  it("merges shards into what reading them in order gives", async () => {
    const first = write("v\n1\nx\n2\n");
    const second = write("v\ny\n3\nz\n4\n");
    const merged = new ColumnTypeInference({ minShare: 0.5, maxExamples: 3 });
    for (const path of [first, second]) {
      const part = new ColumnTypeInference({ minShare: 0.5, maxExamples: 3 });
      for await (const batch of readBatches(path)) part.observeColumn(batch, 0);
      merged.merge(part);
    }
    const whole = (await infer([first, second], 0.5))[0]!;
    expect(merged.report()).toEqual(whole);
    expect(whole.failureExamples.map((example) => [example.value, example.line])).toEqual([
      ["x", 3],
      ["y", 2],
      ["z", 4],
    ]);
  });

  it("infers typed values one at a time", () => {
    const inference = new ColumnTypeInference();
    for (const [i, value] of [1, 2, 3, null, 4.5, "7", 8, 9, 10, 11, 12].entries())
      inference.observeValue(value, "f.jsonl", i + 1);
    expect(inference.report()).toMatchObject({
      type: "float",
      failures: 1,
      failureExamples: [{ value: "7", file: "f.jsonl", line: 6 }],
    });
    expect(() => new ColumnTypeInference({ minShare: 0 })).toThrow(RangeError);
  });
});

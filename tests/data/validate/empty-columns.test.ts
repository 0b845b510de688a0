import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CtrainConfig } from "@ctrain/core";
import { validateDatasets } from "@ctrain/data";

const dir = mkdtempSync(join(tmpdir(), "ctrain-empty-columns-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("all-null columns", () => {
  it("are a warning naming the column, which does not fail the dataset", async () => {
    writeFileSync(join(dir, "d.csv"), "id,notes,y\n1,,0\n2,,1\n3,,0\n");
    const config = CtrainConfig.parse({ data: { datasets: { d: { path: "d.csv" } } } });
    const { validation } = await validateDatasets(config, { cwd: dir });
    const [dataset] = validation.datasets;
    const empty = dataset!.results.filter((result) => result.check === "expect_column_values_to_not_be_all_null");
    expect(empty.map((result) => [result.column, result.severity, result.success])).toEqual([["notes", "warn", false]]);
    expect(empty[0]!.message).toBe("notes is empty in all 3 rows");
    expect(dataset!.success).toBe(true);
  });
});

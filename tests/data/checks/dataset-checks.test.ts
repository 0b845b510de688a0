import { describe, expect, it } from "vitest";
import { runChecks, workspace } from "./support.js";

const csv = "id,age,city,extra\n1,30,Paris,x\n2,40,Lyon,y\n3,50,Nice,z\n";

describe("dataset checks", () => {
  it("reports required columns that are missing, and skips their other checks", async () => {
    const run = await runChecks(workspace({ "data.csv": csv }), {
      path: "data.csv",
      columns: { age: {}, income: { min: 0 }, note: { required: false, min: 0 } },
      label: "target",
      "unexpected-columns": "ignore",
    });
    expect(run.result("expect_column_to_exist", "age").success).toBe(true);
    const income = run.result("expect_column_to_exist", "income");
    expect(income).toMatchObject({ success: false, severity: "error" });
    expect(income.message).toBe("income is missing (columns: id, age, city, extra)");
    expect(run.result("expect_column_to_exist", "target").success).toBe(false);
    expect(run.results.filter((result) => result.column === "note")).toEqual([]);
    expect(run.results.filter((result) => result.check === "expect_column_values_to_be_between")).toEqual([]);
  });

  it("reports columns nobody declared, with the severity unexpected-columns gives", async () => {
    const dir = workspace({ "data.csv": csv });
    const warned = await runChecks(dir, { path: "data.csv", key: "id", columns: { age: {}, city: {} } });
    const result = warned.result("expect_table_columns_to_be_declared");
    expect(result).toMatchObject({
      success: false,
      severity: "warn",
      result: { element_count: 4, unexpected_count: 1 },
    });
    expect(result.result.partial_unexpected_list).toEqual([{ value: "extra" }]);
    const errored = await runChecks(dir, { path: "data.csv", columns: { age: {} }, "unexpected-columns": "error" });
    expect(errored.result("expect_table_columns_to_be_declared").severity).toBe("error");
    // With nothing declared there is no column set to compare with.
    const undeclared = await runChecks(dir, { path: "data.csv" });
    expect(undeclared.results.some((r) => r.check === "expect_table_columns_to_be_declared")).toBe(false);
  });

  it("checks the row count and its ratio to the baseline", async () => {
    const dir = workspace({ "data.csv": csv });
    const run = await runChecks(
      dir,
      { path: "data.csv", rows: { min: 5, "min-ratio-to-baseline": 0.5, "max-ratio-to-baseline": 2 } },
      { baseline: { description: "the baseline", rows: 4 } },
    );
    const count = run.result("expect_table_row_count_to_be_between");
    expect(count).toMatchObject({ success: false, result: { observed_value: 3 } });
    expect(count.message).toBe("3 rows; expected at least 5");
    const ratio = run.result("expect_table_row_count_ratio_to_baseline_to_be_between");
    expect(ratio).toMatchObject({ success: true, result: { observed_value: 0.75 } });
    const tooFew = await runChecks(
      dir,
      { path: "data.csv", rows: { "min-ratio-to-baseline": 0.9 } },
      { baseline: { description: "the baseline", rows: 4 } },
    );
    expect(tooFew.result("expect_table_row_count_ratio_to_baseline_to_be_between").success).toBe(false);
  });

  it("says when a check needs a baseline there is none of", async () => {
    const run = await runChecks(workspace({ "data.csv": csv }), {
      path: "data.csv",
      rows: { "min-ratio-to-baseline": 0.5 },
      schema: "infer",
    });
    expect(run.results.some((r) => r.check.includes("ratio"))).toBe(false);
    expect(run.notices).toEqual([
      "data.datasets.train: schema: infer needs a baseline profile; none was found, so no schema is inferred",
      "data.datasets.train.rows: no baseline, so the row-count ratio is not checked",
    ]);
  });

  it("applies rules inferred from the baseline; rules in the config win key by key", async () => {
    const run = await runChecks(
      workspace({ "data.csv": csv }),
      { path: "data.csv", schema: "infer", columns: { age: { max: 45 } }, "unexpected-columns": "ignore" },
      {
        baseline: {
          description: "the baseline (main@abc1234)",
          inferredRules: {
            age: { type: "integer", min: 0, max: 100, required: true, "allow-nan": false, unique: false },
            city: {
              type: "string",
              "allowed-values": ["Paris", "Lyon"],
              required: true,
              "allow-nan": false,
              unique: false,
            },
          },
        },
      },
    );
    const age = run.result("expect_column_values_to_be_between", "age");
    expect(age.message).toBe("age: 1 of 3 non-null values (33.3%) are outside [0, 45] or not numbers");
    const city = run.result("expect_column_values_to_be_in_set", "city");
    expect(city.message).toBe(
      'city: 1 of 3 non-null values (33.3%) are not one of "Paris", "Lyon" (inferred from the baseline (main@abc1234))',
    );
  });
});

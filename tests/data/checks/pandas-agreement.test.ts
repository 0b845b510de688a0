import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runChecks, workspace, type CheckRun } from "./support.js";

/** Debian's interpreter has pandas; the python3 on PATH may not. */
const PYTHON = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("../../reference/validate_pandas.py", import.meta.url));

interface PandasCounts {
  rows: number;
  nulls: Record<string, number>;
  columns: Record<string, { range?: number; allowed?: number; regex?: number; length?: number }>;
  repeated_keys: number;
  duplicate_rows: number;
  conflicting_labels: number;
  smallest_class_share: number | null;
}

const row = fc.record({
  id: fc.oneof(fc.integer({ min: 1, max: 30 }).map(String), fc.constant("")),
  age: fc.oneof(fc.integer({ min: 0, max: 130 }).map(String), fc.constantFrom("", "x", "NA", "41.5")),
  city: fc.constantFrom("Paris", "Lyon", "Nice", "Rome", ""),
  code: fc.stringMatching(/^[A-Z0-9-]{0,7}$/),
  f: fc.integer({ min: 0, max: 2 }).map(String),
  label: fc.constantFrom("a", "b", "c", ""),
});

const RULES = {
  age: { min: 18, max: 99 },
  city: { allowed: ["Paris", "Lyon"] },
  code: { regex: "^[A-Z]{2}-\\d", min_length: 2, max_length: 5 },
};
const CONFIG = {
  key: "id",
  label: "label",
  "duplicate-rows": "warn",
  "label-checks": { "min-class-share": 0.3 },
  columns: {
    id: { "max-null-share": 1 },
    age: { min: 18, max: 99, "max-null-share": 1 },
    city: { "allowed-values": ["Paris", "Lyon"], "max-null-share": 1 },
    code: { regex: "^[A-Z]{2}-\\d", "min-length": 2, "max-length": 5, "max-null-share": 1 },
    f: { "max-null-share": 1 },
    label: { "max-null-share": 1 },
  },
};

function unexpected(run: CheckRun, check: string, column?: string): number {
  return run.result(check, column).result.unexpected_count;
}

describe("checks agree with pandas", () => {
  it("counts nulls, ranges, sets, regexes, lengths, repeated keys, duplicate rows, conflicts and class shares as pandas does", async () => {
    const samples = fc.sample(fc.array(row, { minLength: 1, maxLength: 120 }), { numRuns: 30, seed: 20261130 });
    const dir = workspace({});
    const runs: CheckRun[] = [];
    const cases = [];
    for (const [index, rows] of samples.entries()) {
      const file = `case-${index}.csv`;
      const text = [
        "id,age,city,code,f,label",
        ...rows.map((r) => [r.id, r.age, r.city, r.code, r.f, r.label].join(",")),
      ];
      writeFileSync(join(dir, file), `${text.join("\n")}\n`);
      runs.push(await runChecks(dir, { path: file, ...CONFIG }));
      cases.push({ file: join(dir, file), key: ["id"], label: "label", columns: RULES });
    }
    const reference = spawnSync(PYTHON, [SCRIPT], { input: JSON.stringify({ cases }), encoding: "utf8" });
    if (reference.status !== 0) throw new Error(`validate_pandas.py failed:\n${reference.stderr}`);
    const expected = JSON.parse(reference.stdout) as PandasCounts[];

    runs.forEach((run, index) => {
      const pandas = expected[index]!;
      const context = `case ${index}`;
      for (const column of ["id", "age", "city", "code", "f", "label"]) {
        expect(unexpected(run, "expect_column_values_to_not_be_null", column), `${context}: nulls of ${column}`).toBe(
          pandas.nulls[column],
        );
      }
      expect(unexpected(run, "expect_column_values_to_be_between", "age"), context).toBe(pandas.columns.age!.range);
      expect(unexpected(run, "expect_column_values_to_be_in_set", "city"), context).toBe(pandas.columns.city!.allowed);
      expect(unexpected(run, "expect_column_values_to_match_regex", "code"), context).toBe(pandas.columns.code!.regex);
      expect(unexpected(run, "expect_column_value_lengths_to_be_between", "code"), context).toBe(
        pandas.columns.code!.length,
      );
      expect(unexpected(run, "expect_column_values_to_be_unique", "id"), context).toBe(pandas.repeated_keys);
      expect(unexpected(run, "expect_table_rows_to_be_unique"), context).toBe(pandas.duplicate_rows);
      expect(unexpected(run, "expect_identical_features_to_have_one_label", "label"), context).toBe(
        pandas.conflicting_labels,
      );
      const share = run.result("expect_label_class_shares_to_be_at_least", "label").result.observed_value;
      if (pandas.smallest_class_share === null) expect(share, context).toBe(0);
      else expect(share, context).toBeCloseTo(pandas.smallest_class_share, 12);
    });
  });
});

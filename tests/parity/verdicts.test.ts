/** The verdicts the steps return, on cases built to pass a careless rule or fail a lenient one. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compareVerdict } from "@ctrain/compare";
import { parseConfig, type BaselineSource, type ComparisonDocument } from "@ctrain/core";
import { runValidateStep } from "@ctrain/data";

const quiet = { info: () => undefined, startGroup: () => undefined, endGroup: () => undefined };

/** A source that is never to be asked: `baseline: none` must not look anything up. */
const untouchable: BaselineSource = {
  resolve: () => Promise.reject(new Error("the baseline was looked up")),
  history: () => Promise.reject(new Error("the history was looked up")),
};

describe("the validate step's verdict", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ctrain-validate-verdict-"));
    // 20 rows; row 7 has a negative age (an error check) and the rows repeat (a warning check).
    const rows = Array.from({ length: 20 }, (_, index) => `${index % 10},${index === 7 ? -3 : 30 + (index % 10)}`);
    writeFileSync(join(dir, "people.csv"), ["id,age", ...rows].join("\n") + "\n");
    writeFileSync(join(dir, "clean.csv"), ["id,age", "1,30", "2,40", "3,50"].join("\n") + "\n");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const validate = (yaml: string, failOnError?: boolean) =>
    runValidateStep({
      config: parseConfig(`compare:\n  baseline: none\n${yaml}`),
      bundleDir: join(dir, ".ctrain"),
      baselines: untouchable,
      cwd: dir,
      log: quiet,
      failOnError,
    });

  it("passes clean data, and a warning-severity failure alone does not fail it", async () => {
    const clean = await validate("data:\n  datasets:\n    clean: { path: clean.csv, key: id }\n");
    expect(clean.verdict).toEqual({ passed: true, reasons: [], warnings: [] });
    const repeated = await validate("data:\n  datasets:\n    people: { path: people.csv }\n");
    expect(repeated.validation.datasets[0]!.results.some((result) => !result.success)).toBe(true);
    expect(repeated.verdict.passed).toBe(true);
    expect(repeated.verdict.passed).toBe(repeated.validation.success);
  });

  it("fails on a failed error check, naming it, unless fail-on-error is off", async () => {
    const yaml = "data:\n  datasets:\n    people:\n      path: people.csv\n      columns: { age: { min: 0 } }\n";
    const strict = await validate(yaml);
    expect(strict.validation.success).toBe(false);
    expect(strict.verdict.passed).toBe(false);
    expect(strict.verdict.reasons).toEqual([expect.stringMatching(/^1 check\(s\) failed: .*\(age\)$/)]);
    const lenient = await validate(yaml, false);
    expect(lenient.verdict.passed).toBe(true);
  });

  it("fails on unreadable input even with fail-on-error off", async () => {
    const missing = await validate("data:\n  datasets:\n    gone: { path: nowhere.csv }\n", false);
    expect(missing.errors).toHaveLength(1);
    expect(missing.verdict.passed).toBe(false);
    expect(missing.verdict.reasons).toContain("1 dataset(s) could not be read");
  });
});

describe("the compare step's verdict", () => {
  const document = (verdict: ComparisonDocument["verdict"], failed: string[] = []) =>
    ({ verdict, failed }) as unknown as ComparisonDocument;
  const config = (failOnRegression: boolean) =>
    parseConfig(`compare:\n  fail-on-regression: ${failOnRegression}\n`).compare;

  it("fails on failed gates, naming them", () => {
    expect(compareVerdict(document("failed", ["accuracy", "auc"]), config(true))).toEqual({
      passed: false,
      reasons: ["gates failed: accuracy, auc"],
      warnings: [],
    });
  });

  it("turns failed gates into a warning with fail-on-regression off, and never fails what did not fail", () => {
    expect(compareVerdict(document("failed", ["auc"]), config(false))).toEqual({
      passed: true,
      reasons: [],
      warnings: ["gates failed: auc (fail-on-regression is off)"],
    });
    for (const verdict of ["passed", "inconclusive", "no-gates"] as const)
      expect(compareVerdict(document(verdict), config(true)).passed).toBe(true);
  });
});

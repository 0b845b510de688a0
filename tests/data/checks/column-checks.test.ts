import { describe, expect, it } from "vitest";
import { DatasetConfig } from "@ctrain/core";
import { DatasetChecks, resultsPass } from "@ctrain/data";
import { examples, runChecks, workspace } from "./support.js";

const csv = [
  "id,age,score,city,code",
  "1,34,0.5,Paris,AB-12",
  "2,-3,1.5,Lyon,AB-7",
  "3,abc,,Paris,xx",
  "4,150,inf,,AB-99",
  "5,40,2.5,Nice,AB-1",
  "6,41,-inf,Lyon,ab-2",
].join("\n");

describe("column checks", () => {
  it("finds values of the wrong type, with file:line", async () => {
    const run = await runChecks(workspace({ "data.csv": csv }), {
      path: "data.csv",
      columns: { age: { type: "integer" } },
    });
    const result = run.result("expect_column_values_to_be_of_type", "age");
    expect(result.success).toBe(false);
    expect(result.result).toMatchObject({ element_count: 6, unexpected_count: 1 });
    expect(result.result.unexpected_percent).toBeCloseTo(100 / 6);
    expect(examples(result)).toEqual(["abc@data.csv:4"]);
  });

  it("checks numeric ranges (inclusive); text is outside every range", async () => {
    const run = await runChecks(workspace({ "data.csv": csv }), {
      path: "data.csv",
      columns: { age: { min: 0, max: 120 } },
    });
    const result = run.result("expect_column_values_to_be_between", "age");
    expect(examples(result)).toEqual(["-3@data.csv:3", "abc@data.csv:4", "150@data.csv:5"]);
    expect(result.message).toContain("outside [0, 120]");
  });

  it("rejects infinities in numeric columns unless allow-nan is set", async () => {
    const dir = workspace({ "data.csv": csv });
    const strict = await runChecks(dir, { path: "data.csv", columns: { score: { type: "float" } } });
    const finite = strict.result("expect_column_values_to_be_finite", "score");
    expect(examples(finite)).toEqual(["inf@data.csv:5", "-inf@data.csv:7"]);
    // An empty cell is null, not NaN: it counts toward the null share only.
    expect(finite.result.element_count).toBe(6);
    expect(finite.result.unexpected_percent).toBeCloseTo(40);
    const lenient = await runChecks(dir, {
      path: "data.csv",
      columns: { score: { type: "float", "allow-nan": true } },
    });
    expect(lenient.results.some((result) => result.check === "expect_column_values_to_be_finite")).toBe(false);
  });

  it("scores the null share against max-null-share, as not-null with mostly = 1 - share", async () => {
    const dir = workspace({ "data.csv": csv });
    const failing = await runChecks(dir, { path: "data.csv", columns: { city: { "max-null-share": 0.1 } } });
    const result = failing.result("expect_column_values_to_not_be_null", "city");
    expect(result).toMatchObject({ success: false, mostly: 0.9, result: { element_count: 6, unexpected_count: 1 } });
    expect(examples(result)).toEqual(["null@data.csv:5"]);
    const passing = await runChecks(dir, { path: "data.csv", columns: { city: { "max-null-share": 0.2 } } });
    expect(passing.result("expect_column_values_to_not_be_null", "city").success).toBe(true);
  });

  it("checks allowed values, numbers by value", async () => {
    const dir = workspace({ "data.csv": "n,flag,city\n1.0,true,Paris\n2,FALSE,Rome\n3,true,Lyon\n" });
    const run = await runChecks(dir, {
      path: "data.csv",
      columns: {
        n: { "allowed-values": [1, 2] },
        flag: { "allowed-values": [true] },
        city: { "allowed-values": ["Paris", "Lyon"] },
      },
    });
    expect(examples(run.result("expect_column_values_to_be_in_set", "n"))).toEqual(["3@data.csv:4"]);
    expect(examples(run.result("expect_column_values_to_be_in_set", "flag"))).toEqual(["FALSE@data.csv:3"]);
    expect(examples(run.result("expect_column_values_to_be_in_set", "city"))).toEqual(["Rome@data.csv:3"]);
  });

  it("searches regexes anywhere in the value, as Great Expectations does", async () => {
    const dir = workspace({ "data.csv": csv });
    const anchored = await runChecks(dir, { path: "data.csv", columns: { code: { regex: "^AB-\\d+$" } } });
    expect(examples(anchored.result("expect_column_values_to_match_regex", "code"))).toEqual([
      "xx@data.csv:4",
      "ab-2@data.csv:7",
    ]);
    const loose = await runChecks(dir, { path: "data.csv", columns: { code: { regex: "\\d" } } });
    expect(examples(loose.result("expect_column_values_to_match_regex", "code"))).toEqual(["xx@data.csv:4"]);
  });

  it("counts string length in code points", async () => {
    const dir = workspace({ "data.csv": "word\nab\n😀😀\nabcd\n" });
    const run = await runChecks(dir, { path: "data.csv", columns: { word: { "min-length": 2, "max-length": 3 } } });
    expect(examples(run.result("expect_column_value_lengths_to_be_between", "word"))).toEqual(["abcd@data.csv:4"]);
  });

  it("finds repeated values of a unique column, naming where each repeat is", async () => {
    const dir = workspace({ "data.csv": "email\na@x.org\nb@x.org\na@x.org\n\n\nb@x.org\n" });
    const run = await runChecks(dir, { path: "data.csv", columns: { email: { unique: true } } });
    const result = run.result("expect_column_values_to_be_unique", "email");
    expect(examples(result)).toEqual(["a@x.org@data.csv:4", "b@x.org@data.csv:7"]);
  });

  it("passes a column map check when the expected share reaches mostly", async () => {
    const dir = workspace({ "data.csv": csv });
    const config = (mostly: number) => ({ path: "data.csv", columns: { age: { min: 0, max: 120, mostly } } });
    // 3 of 6 ages are unexpected: 50% expected.
    expect((await runChecks(dir, config(0.5))).result("expect_column_values_to_be_between", "age").success).toBe(true);
    expect((await runChecks(dir, config(0.51))).result("expect_column_values_to_be_between", "age").success).toBe(
      false,
    );
    // The dataset's mostly applies where a column sets none.
    const inherited = await runChecks(dir, { path: "data.csv", mostly: 0.5, columns: { age: { min: 0, max: 120 } } });
    expect(inherited.result("expect_column_values_to_be_between", "age")).toMatchObject({ success: true, mostly: 0.5 });
  });

  it("reports a failed warning without failing the dataset", async () => {
    const dir = workspace({ "data.csv": csv });
    const warned = await runChecks(dir, { path: "data.csv", columns: { age: { type: "integer", severity: "warn" } } });
    const result = warned.result("expect_column_values_to_be_of_type", "age");
    expect(result).toMatchObject({ success: false, severity: "warn" });
    expect(resultsPass(warned.results)).toBe(true);
    const failed = await runChecks(dir, { path: "data.csv", columns: { age: { type: "integer" } } });
    expect(resultsPass(failed.results)).toBe(false);
  });

  it("checks typed values from JSON Lines by their JSON type", async () => {
    const lines = [
      { id: 1, ratio: 0.5, name: "a", when: "2024-01-02" },
      { id: 2.5, ratio: 1, name: 3, when: "yesterday" },
      { id: "3", ratio: null, name: "c", when: "2024-01-03T10:00:00Z" },
    ];
    const dir = workspace({ "data.jsonl": lines.map((line) => JSON.stringify(line)).join("\n") });
    const run = await runChecks(dir, {
      path: "data.jsonl",
      columns: {
        id: { type: "integer" },
        ratio: { type: "float", "max-null-share": 0 },
        name: { type: "string" },
        when: { type: "timestamp" },
      },
    });
    expect(examples(run.result("expect_column_values_to_be_of_type", "id"))).toEqual([
      "2.5@data.jsonl:2",
      "3@data.jsonl:3",
    ]);
    expect(run.result("expect_column_values_to_be_of_type", "ratio").success).toBe(true);
    expect(examples(run.result("expect_column_values_to_not_be_null", "ratio"))).toEqual(["null@data.jsonl:3"]);
    expect(examples(run.result("expect_column_values_to_be_of_type", "name"))).toEqual(["3@data.jsonl:2"]);
    expect(examples(run.result("expect_column_values_to_be_of_type", "when"))).toEqual(["yesterday@data.jsonl:2"]);
  });

  it("keeps 20 examples but counts every unexpected value, across batches", async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i % 2 === 0 ? i : "x"}`);
    const dir = workspace({ "data.csv": `n\n${rows.join("\n")}\n` });
    const run = await runChecks(dir, { path: "data.csv", columns: { n: { type: "integer" } } }, { chunkBytes: 256 });
    const result = run.result("expect_column_values_to_be_of_type", "n");
    expect(result.result.unexpected_count).toBe(2500);
    expect(result.result.partial_unexpected_list).toHaveLength(20);
    expect(examples(result).slice(0, 2)).toEqual(["x@data.csv:3", "x@data.csv:5"]);
  });

  it("names the config key of an invalid regex or inverted bounds", async () => {
    const dir = workspace({ "data.csv": csv });
    expect(() => DatasetConfig.parse({ path: "data.csv", columns: { code: { regex: "([a-z" } } })).toThrow(
      /not a usable regular expression \(error parsing regexp: missing closing \]/,
    );
    // A config built without the schema still meets the check's own compile.
    const unchecked = DatasetConfig.parse({ path: "data.csv", columns: { code: { regex: "a" } } });
    unchecked.columns.code!.regex = "(a)\\1";
    await expect(
      DatasetChecks.create({ name: "train", config: unchecked, cwd: dir, notice: () => undefined }),
    ).rejects.toMatchObject({ name: "UserError", location: "data.datasets.train.columns.code.regex" });
    await expect(runChecks(dir, { path: "data.csv", columns: { age: { min: 5, max: 1 } } })).rejects.toMatchObject({
      location: "data.datasets.train.columns.age",
      message: "min (5) is greater than max (1)",
    });
  });

  it("matches a pattern that backtracks catastrophically in JavaScript in linear time", async () => {
    const cells = ["a".repeat(40) + "!", "a".repeat(5000) + "!", "aaaa"];
    const dir = workspace({ "data.csv": `code\n${cells.join("\n")}\n` });
    const started = performance.now();
    const run = await runChecks(dir, { path: "data.csv", columns: { code: { regex: "^(a+)+$" } } });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(run.result("expect_column_values_to_match_regex", "code").result.unexpected_count).toBe(2);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { examples, runChecks, workspace } from "./support.js";

describe("row checks", () => {
  it("finds repeated keys, compound keys included; rows with no key value are not keyed", async () => {
    const dir = workspace({ "data.csv": "id,day,v\n1,mon,a\n2,mon,b\n1,tue,c\n1,mon,d\n,,e\n,,f\n" });
    const single = await runChecks(dir, { path: "data.csv", key: "id", "duplicate-rows": "ignore" });
    const unique = single.result("expect_column_values_to_be_unique", "id");
    expect(examples(unique)).toEqual(["1@data.csv:4", "1@data.csv:5"]);
    expect(unique.result.unexpected_percent).toBe(50);
    const compound = await runChecks(dir, { path: "data.csv", key: ["id", "day"], "duplicate-rows": "ignore" });
    const result = compound.result("expect_compound_columns_to_be_unique", "id, day");
    expect(examples(result)).toEqual(["1, mon@data.csv:5"]);
  });

  it("finds duplicate rows, whatever the shard they are in", async () => {
    const dir = workspace({
      "shards/a.csv": "x,y\n1,a\n2,b\n1,a\n",
      "shards/b.csv": "x,y\n2,b\n3,c\n",
    });
    const run = await runChecks(dir, { path: "shards/*.csv" });
    const result = run.result("expect_table_rows_to_be_unique");
    expect(result.severity).toBe("warn");
    expect(examples(result)).toEqual(["1,a@shards/a.csv:4", "2,b@shards/b.csv:2"]);
  });

  it("compares CSV rows by their cells' text, however each is quoted", async () => {
    const dir = workspace({
      "data.csv": [
        "a,b,c",
        'x,"y",1',
        '"x",y,"1"',
        '"say ""hi""",é,',
        'say "hi",é,',
        '"say ""hi""","é",""',
        "x,y,1.0",
        "x,y z,1",
        "x y,z,1",
      ].join("\n"),
    });
    const run = await runChecks(dir, { path: "data.csv" });
    expect(examples(run.result("expect_table_rows_to_be_unique")).map((e) => e.split("@")[1])).toEqual([
      "data.csv:3",
      "data.csv:5",
      "data.csv:6",
    ]);
  });

  it("compares JSON Lines rows by their fields, not by key order", async () => {
    const dir = workspace({
      "data.jsonl": '{"a":1,"b":"x"}\n{"b":"x","a":1}\n{"a":1,"b":"x","c":null}\n{"a":"1","b":"x"}\n',
    });
    const run = await runChecks(dir, { path: "data.jsonl" });
    expect(examples(run.result("expect_table_rows_to_be_unique")).map((e) => e.split("@")[1])).toEqual([
      "data.jsonl:2",
      "data.jsonl:3",
    ]);
  });

  it("finds conflicting labels: same features, other label, ignoring key columns", async () => {
    const dir = workspace({
      "data.csv": "id,f1,f2,label\n1,a,1,yes\n2,a,1,no\n3,b,2,no\n4,a,1,yes\n5,b,2,no\n",
    });
    const run = await runChecks(dir, { path: "data.csv", key: "id", label: "label" });
    const conflicts = run.result("expect_identical_features_to_have_one_label", "label");
    expect(examples(conflicts)).toEqual(["no@data.csv:3"]);
    expect(conflicts.severity).toBe("warn");
    // Whole rows differ by id, so none is a duplicate.
    expect(run.result("expect_table_rows_to_be_unique").success).toBe(true);
  });

  it("tells duplicates and conflicts apart: a row can be both, unlabelled rows only duplicates", async () => {
    const dir = workspace({ "data.csv": "f,label\na,yes\na,no\na,no\na,\na,\nb,\nb,yes\nb,no\n" });
    const run = await runChecks(dir, { path: "data.csv", label: "label" });
    expect(examples(run.result("expect_table_rows_to_be_unique"))).toEqual(["a,no@data.csv:4", "a,@data.csv:6"]);
    expect(examples(run.result("expect_identical_features_to_have_one_label", "label"))).toEqual([
      "no@data.csv:3",
      "no@data.csv:4",
      "no@data.csv:9",
    ]);
    // With a key, rows that differ only in it are not duplicates; rows equal in it too are.
    const keyed = workspace({ "data.csv": "id,f,label\n1,a,yes\n2,a,yes\n1,a,yes\n" });
    const withKey = await runChecks(keyed, { path: "data.csv", key: "id" });
    expect(examples(withKey.result("expect_table_rows_to_be_unique"))).toEqual(["1,a,yes@data.csv:4"]);
  });

  it("checks class balance against min-class-share", async () => {
    const labels = [...Array(8).fill("a"), "b", "b", "c"];
    const dir = workspace({ "data.csv": `n,label\n${labels.map((label, i) => `${i},${label}`).join("\n")}\n,\n` });
    const run = await runChecks(dir, { path: "data.csv", label: "label", "label-checks": { "min-class-share": 0.15 } });
    const result = run.result("expect_label_class_shares_to_be_at_least", "label");
    expect(result.success).toBe(false);
    expect(result.result).toMatchObject({ element_count: 3, unexpected_count: 1 });
    expect(result.result.observed_value).toBeCloseTo(1 / 11);
    expect(result.message).toContain('"c" 9.1%');
  });

  it("finds labels the baseline did not have, when a baseline lists them", async () => {
    const dir = workspace({ "data.csv": "x,label\n1,cat\n2,dog\n3,bird\n4,\n" });
    const run = await runChecks(
      dir,
      { path: "data.csv", label: "label" },
      { baseline: { description: "the baseline", labels: new Set(["cat", "dog"]) } },
    );
    const result = run.result("expect_label_values_to_be_in_baseline_set", "label");
    expect(result.severity).toBe("error");
    expect(examples(result)).toEqual(["bird@data.csv:4"]);
    expect(result.result.unexpected_percent).toBeCloseTo(100 / 3);
    const withoutBaseline = await runChecks(dir, { path: "data.csv", label: "label" });
    expect(withoutBaseline.results.some((r) => r.check === "expect_label_values_to_be_in_baseline_set")).toBe(false);
    expect(withoutBaseline.notices.join("\n")).toMatch(/no baseline, so new labels are not checked/);
  });

  it("validates every row against a JSON Schema, coercing CSV text to the schema's types", async () => {
    const schema = {
      type: "object",
      properties: { age: { type: "integer", minimum: 0 }, email: { type: "string", format: "email" } },
      required: ["age"],
    };
    const dir = workspace({
      "row.schema.json": JSON.stringify(schema),
      "data.csv": "age,email\n30,a@x.org\n-1,b@x.org\nabc,c@x.org\n,d@x.org\n40,not-an-email\n",
    });
    const run = await runChecks(dir, { path: "data.csv", schema: "row.schema.json" });
    const result = run.result("expect_rows_to_match_json_schema");
    expect(examples(result)).toEqual([
      "/age must be >= 0, got -1@data.csv:3",
      '/age must be integer, got "abc"@data.csv:4',
      "row must have required property 'age'@data.csv:5",
      '/email must match format "email", got "not-an-email"@data.csv:6',
    ]);
  });

  it("does not coerce typed values: a JSON string is not an integer", async () => {
    const schema = { type: "object", properties: { age: { type: "integer" } } };
    const dir = workspace({ "row.schema.json": JSON.stringify(schema), "data.jsonl": '{"age":3}\n{"age":"3"}\n' });
    const run = await runChecks(dir, { path: "data.jsonl", schema: "row.schema.json" });
    expect(examples(run.result("expect_rows_to_match_json_schema"))).toEqual([
      '/age must be integer, got "3"@data.jsonl:2',
    ]);
  });
});

describe("the key run", () => {
  /**
   * A key cell: the next of a count up (an auto-increment id), a plain integer `back` places before the next (a
   * repeat, once the count passed it), any plain integer (which ends the count up), or one spelled otherwise.
   */
  type KeyCell = { next: true } | { back: number } | { written: string; text: string };
  const keyCell: fc.Arbitrary<KeyCell> = fc.oneof(
    { weight: 12, arbitrary: fc.constant({ next: true as const }) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 30 }).map((back) => ({ back })) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 }).map((n) => ({ written: String(n), text: String(n) })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.integer({ min: 0, max: 40 }), fc.constantFrom("0#", "+#", " #", "# ", "#.0", '"#"', "-#", "#e0"))
        .map(([n, form]) => {
          const written = form.replace("#", String(n));
          return { written, text: written.startsWith('"') ? String(n) : written };
        }),
    },
    // Text after a closing quote: `"1"2` reads 12, the same key as 12 written plainly.
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 9 }))
        .map(([a, b]) => ({ written: `"${a}"${b}`, text: `${a}${b}` })),
    },
    { weight: 1, arbitrary: fc.constantFrom({ written: "", text: "" }, { written: "id7", text: "id7" }) },
  );

  it("finds exactly the repeats a set of key texts finds, whether keys count up, repeat or are spelled otherwise", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(keyCell, { maxLength: 300, size: "max" }),
        fc.integer({ min: 0, max: 5 }),
        async (cells, from) => {
          let next = from;
          const keys = cells.map((cell) => {
            if ("written" in cell) return cell;
            const value = "next" in cell ? next++ : Math.max(0, next - cell.back);
            return { written: String(value), text: String(value) };
          });
          const dir = workspace({ "data.csv": `id,v\n${keys.map((key, i) => `${key.written},${i}`).join("\n")}\n` });
          const run = await runChecks(
            dir,
            { path: "data.csv", key: "id", "duplicate-rows": "ignore" },
            { chunkBytes: 64 },
          );
          const seen = new Set<string>();
          const repeats: string[] = [];
          keys.forEach(({ text }, i) => {
            if (text === "") return;
            if (seen.has(text)) repeats.push(`${text}@data.csv:${i + 2}`);
            seen.add(text);
          });
          const result = run.result("expect_column_values_to_be_unique", "id");
          expect(result.result.unexpected_count).toBe(repeats.length);
          expect(examples(result)).toEqual(repeats.slice(0, 20));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("label classes", () => {
  /** A label cell as written, and its class: its text read by the cell grammar ("01", " 1" and "1.0" are 1). */
  const labelCell = fc.oneof(
    fc.constantFrom(
      { written: "a", label: "a" },
      { written: '"a"', label: "a" },
      { written: "A", label: "A" },
      { written: "1", label: "1" },
      { written: "1.0", label: "1" },
      { written: "01", label: "1" },
      { written: " 1", label: "1" },
      { written: "é", label: "é" },
      { written: '"q""r"', label: 'q"r' },
      { written: "", label: undefined },
    ),
    // More distinct texts than are remembered by their bytes.
    fc.integer({ min: 0, max: 299 }).map((n) => ({ written: `c${n}`, label: `c${n}` })),
  );

  it("counts classes and finds conflicting labels as the labels' texts say, however many texts there are", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ x: fc.integer({ min: 0, max: 6 }), cell: labelCell }), { maxLength: 800, size: "max" }),
        async (rows) => {
          const dir = workspace({
            "data.csv": `x,label\n${rows.map(({ x, cell }) => `${x},${cell.written}`).join("\n")}\n`,
          });
          const run = await runChecks(
            dir,
            {
              path: "data.csv",
              label: "label",
              "duplicate-rows": "ignore",
              "label-checks": { "min-class-share": 1, "conflicting-labels": "error" },
            },
            { chunkBytes: 256 },
          );
          const classes = new Set<string>();
          const firstLabel = new Map<number, string>();
          let conflicts = 0;
          for (const { x, cell } of rows) {
            if (cell.label === undefined) continue;
            classes.add(cell.label);
            const first = firstLabel.get(x);
            if (first === undefined) firstLabel.set(x, cell.label);
            else if (first !== cell.label) conflicts++;
          }
          const shares = run.result("expect_label_class_shares_to_be_at_least", "label");
          const named = (shares.result.partial_unexpected_list ?? []).map((item) => String(item.value).split(": ")[0]);
          // Every class holds less than all rows unless it is the only one; the result shows the first 20.
          expect(shares.result.element_count).toBe(classes.size);
          if (classes.size > 1) expect(named).toHaveLength(Math.min(20, classes.size));
          for (const name of named) expect(classes).toContain(name);
          const conflicting = run.result("expect_identical_features_to_have_one_label", "label");
          expect(conflicting.result.unexpected_count).toBe(conflicts);
        },
      ),
      { numRuns: 60 },
    );
  });
});

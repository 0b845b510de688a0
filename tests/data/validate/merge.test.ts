import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CtrainConfig, UserError, type ProfileDocument } from "@ctrain/core";
import { combineShardResults, fromProfileDocument, mergeProfileDocuments, validateDatasets } from "@ctrain/data";
import { workspace } from "../checks/support.js";

const COLUMNS = {
  x: { type: "integer", min: 0, max: 50, "max-null-share": 0.3 },
  s: { "allowed-values": ["a", "b"], regex: "^[a-c]$" },
};

const row = fc.record({
  x: fc.oneof(fc.integer({ min: -20, max: 80 }).map(String), fc.constantFrom("", "1.5", "n/a")),
  y: fc.oneof(
    fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => v.toPrecision(8)),
    fc.constant(""),
  ),
  s: fc.constantFrom("a", "b", "c", "dd", ""),
});

async function validateFile(dir: string, file: string, seed: number) {
  const config = CtrainConfig.parse({ data: { datasets: { train: { path: file, columns: COLUMNS } } } });
  return validateDatasets(config, { cwd: dir, seed });
}

describe("merging shard profiles", () => {
  it("gives the whole data's profile and check results for any split of the rows into shards", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 1, maxLength: 200 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 200, maxLength: 200 }),
        async (rows, assignment) => {
          const dir = workspace({});
          const lines = rows.map((r) => `${r.x},${r.y},${r.s}`);
          writeFileSync(join(dir, "all.csv"), `x,y,s\n${lines.join("\n")}\n`);
          const shardCount = Math.max(...assignment.slice(0, rows.length)) + 1;
          const shards = Array.from({ length: shardCount }, (_, shard) =>
            lines.filter((_, i) => assignment[i] === shard),
          );
          const outcomes = [];
          for (const [shard, shardLines] of shards.entries()) {
            const file = `part-${shard}.csv`;
            writeFileSync(join(dir, file), `x,y,s\n${shardLines.join("\n")}${shardLines.length ? "\n" : ""}`);
            outcomes.push(await validateFile(dir, file, shard));
          }
          const whole = await validateFile(dir, "all.csv", 0);
          const merged = mergeProfileDocuments(
            outcomes.map((outcome, shard) => ({ document: outcome.profiles[0]!, location: `shard ${shard}` })),
          );
          const reference = whole.profiles[0]!;
          expect(merged.rows).toBe(rows.length);
          expect(merged.fingerprint).toBe(reference.fingerprint);
          expect(merged.files.map((file) => file.path)).toEqual(shards.map((_, shard) => `part-${shard}.csv`));
          const [mine, theirs] = [fromProfileDocument(merged, "merged"), fromProfileDocument(reference, "whole")];
          for (const column of ["x", "y", "s"]) {
            const [a, b] = [mine.columns[column]!, theirs.columns[column]!];
            expect([a.count, a.nullCount, a.numberCount, a.stringCount]).toEqual([
              b.count,
              b.nullCount,
              b.numberCount,
              b.stringCount,
            ]);
            expect([a.numeric?.min, a.numeric?.max]).toEqual([b.numeric?.min, b.numeric?.max]);
            if (b.numeric?.mean != null) expect(a.numeric!.mean!).toBeCloseTo(b.numeric.mean, 6);
          }
          const combined = combineShardResults(
            outcomes.map((outcome) => outcome.validation.datasets[0]!.results),
            mine,
          );
          for (const expected of whole.validation.datasets[0]!.results) {
            const result = combined.find((r) => r.check === expected.check && r.column === expected.column)!;
            if (expected.check === "expect_table_rows_to_be_unique") {
              // Each shard finds its own repeats only, and the merged result says so.
              expect(result.message).toContain("across shards they are not checked");
              continue;
            }
            expect(result, `${expected.check} ${expected.column}`).toBeDefined();
            expect([result.success, result.result.element_count, result.result.unexpected_count]).toEqual([
              expected.success,
              expected.result.element_count,
              expected.result.unexpected_count,
            ]);
            expect(result.result.unexpected_percent).toBeCloseTo(expected.result.unexpected_percent, 9);
          }
        },
      ),
      { numRuns: 10 },
    );
  });

  it("refuses a file profiled in two shards, and profiles of different datasets", async () => {
    const dir = workspace({ "a.csv": "x,y,s\n1,2,a\n" });
    const { profiles } = await validateFile(dir, "a.csv", 0);
    const document = profiles[0]!;
    expect(() =>
      mergeProfileDocuments([
        { document, location: "shard-1/profile/train.json" },
        { document, location: "shard-2/profile/train.json" },
      ]),
    ).toThrow(/a\.csv was profiled in two shards \(also in shard-1\/profile\/train\.json\)/);
    const other: ProfileDocument = { ...document, dataset: "test", files: [] };
    expect(() =>
      mergeProfileDocuments([
        { document, location: "one" },
        { document: other, location: "two" },
      ]),
    ).toThrow(UserError);
    expect(() => mergeProfileDocuments([])).toThrow(/no profiles to merge/);
  });

  it("rejects a tampered shard profile as hostile input, naming it", async () => {
    const dir = workspace({ "a.csv": "x,y,s\n1,2,a\n" });
    const { profiles } = await validateFile(dir, "a.csv", 0);
    const tampered = structuredClone(profiles[0]!) as ProfileDocument;
    (tampered.columns.x as { count: number }).count = 99;
    expect(() => mergeProfileDocuments([{ document: tampered, location: "shard-9/profile/train.json" }])).toThrow(
      expect.objectContaining({ location: 'shard-9/profile/train.json (column "x")' }),
    );
  });
});

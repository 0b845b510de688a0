import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CheckResult } from "@ctrain/core";
import { runChecks, workspace } from "./support.js";

/**
 * Text that CSV classifies as a string, as JSON Lines does: no digits, no null or boolean spellings, never empty; some
 * cells are not ASCII, some hold quotes or leading spaces that CSV must quote.
 */
const cell = fc
  .array(fc.constantFrom("a", "b", "c", "d", "e", "h", "@", ".", " ", "é", '"', "日"), { minLength: 1, maxLength: 12 })
  .map((chars) => chars.join(""));

const PATTERNS = ["^[a-e]+$", "a.c", "^[a-h.@ ]+@[a-h]+\\.[a-h]+$", "(ab|ba)+", "é", "^$", "b{2,3}", "[^a-e]"];

/** CSV quoting for a cell: quoted when it holds a quote, the delimiter or leading space. */
function csvCell(value: string): string {
  return /[",]|^ /.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A result without the lines of its examples: a CSV row sits a line lower than its JSON Lines record (the header). */
function withoutLines(results: readonly CheckResult[]) {
  return results.map((result) => ({
    ...result,
    result: {
      ...result.result,
      partial_unexpected_list: result.result.partial_unexpected_list.map(({ value }) => value),
    },
  }));
}

describe("value checks of CSV cells", () => {
  it("give what the same strings give from JSON Lines: allowed values, regex and lengths", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(cell, { minLength: 1, maxLength: 60 }),
        fc.array(cell, { maxLength: 4 }),
        fc.constantFrom(...PATTERNS),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 8 }),
        async (values, extra, regex, min, spread) => {
          const allowed = [...new Set([...values.filter((_, i) => i % 3 === 0), ...extra])];
          const dir = workspace({
            "data.csv": `v\n${values.map(csvCell).join("\n")}\n`,
            "data.jsonl": `${values.map((v) => JSON.stringify({ v })).join("\n")}\n`,
          });
          const columns = {
            v: { "allowed-values": allowed, regex, "min-length": min, "max-length": min + spread },
          };
          const csv = await runChecks(dir, { path: "data.csv", columns });
          const jsonl = await runChecks(dir, { path: "data.jsonl", columns });
          expect(withoutLines(csv.results)).toEqual(withoutLines(jsonl.results));
        },
      ),
      { numRuns: 200 },
    );
  });
});

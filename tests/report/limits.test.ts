import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderReport } from "@ctrain/report";
import type { Table } from "mdast";
import { OPTIONS } from "./support/fixtures.js";
import { nodesOf, parseGfm, visibleText } from "./support/gfm.js";
import { driftedName, failingName, largeComparison, largeInput, largeValidation } from "./support/large.js";

function tableWithHeader(markdown: string, first: string, second: string): Table | undefined {
  return nodesOf(parseGfm(markdown), "table").find(
    (table) =>
      visibleText(table.children[0]!.children[0]!) === first && visibleText(table.children[0]!.children[1]!) === second,
  );
}

function firstColumn(table: Table | undefined, column = 0): string[] {
  return (table?.children.slice(1) ?? []).map((row) => visibleText(row.children[column]!));
}

/** How many items a "…and N more …" note says were left out. */
function leftOut(markdown: string, what: string): number {
  const match = new RegExp(`…and ([\\d,]+) more ${what}`).exec(markdown);
  return match ? Number(match[1]!.replace(/,/g, "")) : 0;
}

describe("a report of 5,000 metrics and 500 drifted columns", () => {
  const input = largeInput({ metrics: 5000, failEvery: 250 });
  const failing = Array.from({ length: 20 }, (_, index) => failingName(index * 250 + 249));
  const report = renderReport(input, OPTIONS);

  it("fits the comment in 60,000 characters and says it was shortened", () => {
    expect(report.comment.length).toBeLessThanOrEqual(60_000);
    expect(report.comment).toContain("This comment was shortened to fit GitHub's size limit");
    expect(report.comment.startsWith(`${report.marker}\n## ❌ ctrain: failed`)).toBe(true);
  });

  it("keeps every failing metric, failing first", () => {
    const metrics = firstColumn(tableWithHeader(report.comment, "metric", "baseline")).map((name) =>
      name.replace(/ ↑$/, ""),
    );
    expect(metrics.slice(0, failing.length)).toEqual(failing);
  });

  it("keeps the drifted columns, each shown or counted", () => {
    const driftTable = nodesOf(parseGfm(report.comment), "table").find(
      (table) => visibleText(table.children[0]!.children[2]!) === "test",
    );
    const drifted = firstColumn(driftTable, 1);
    expect(drifted.length).toBeGreaterThan(100);
    expect(drifted).toEqual(Array.from({ length: drifted.length }, (_, index) => driftedName(index)));
    expect(drifted.length + leftOut(report.comment, "drifted columns")).toBe(500);
  });

  it("fits the summary in 1 MiB", () => {
    expect(Buffer.byteLength(report.summary)).toBeLessThanOrEqual(1024 * 1024);
  });
});

describe("any budget", () => {
  it("keeps the comment within the budget and every failing metric shown or counted", () => {
    const validation = largeValidation({ columns: 600, drifted: 500 });
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 65_536 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 2, max: 400 }),
        fc.integer({ min: 30, max: 200 }),
        (budget, metrics, failEvery, nameLength) => {
          // Metrics and drift only: the sections that must survive any budget.
          const input = { comparison: largeComparison({ metrics, failEvery, nameLength }), validation };
          const report = renderReport(input, { ...OPTIONS, maxCommentChars: budget });
          expect(report.comment.length).toBeLessThanOrEqual(budget);
          expect(report.comment).toContain("## ❌ ctrain: failed");
          const failing = Math.floor(metrics / failEvery);
          const shown = firstColumn(tableWithHeader(report.comment, "metric", "baseline")).filter((name) =>
            /\/accuracy ↑$/.test(name),
          );
          if (shown.length < failing)
            expect(shown.length + leftOut(report.comment, "metrics")).toBeGreaterThanOrEqual(failing);
        },
      ),
      { numRuns: 12 },
    );
  });

  it("cuts a summary of 20,000 long-named metrics to 1 MiB and keeps the failing ones", () => {
    const input = largeInput({ metrics: 20_000, failEvery: 1000, nameLength: 300 });
    const report = renderReport(input, OPTIONS);
    expect(Buffer.byteLength(report.summary)).toBeLessThanOrEqual(1024 * 1024);
    expect(report.summary).toContain("This summary was shortened");
    const names = firstColumn(tableWithHeader(report.summary, "metric", "baseline")).map((name) =>
      name.replace(/ ↑$/, ""),
    );
    expect(names.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, index) => failingName(index * 1000 + 999)));
    const fullRows = report.files[0]!.content.split("\n").filter((line) => line.startsWith("| eval"));
    expect(fullRows).toHaveLength(20_000);
  });
});

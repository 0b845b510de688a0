import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ComparisonDocument } from "@ctrain/core";
import { renderReport } from "@ctrain/report";
import { OPTIONS } from "./support/fixtures.js";
import { nodesOf, parseGfm, visibleText } from "./support/gfm.js";
import { runReference } from "./support/python.js";

interface Reference {
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
}

function comparisonWith(candidate: number[][], baseline: number[][]): ComparisonDocument {
  return ComparisonDocument.parse({
    schema: "ctrain.comparison/v1",
    createdAt: "2026-11-20T10:13:00Z",
    baseline: { kind: "branch-run", description: "main" },
    rows: [],
    verdict: "no-gates",
    classification: { labels: candidate.map((_, index) => `class ${index}`), candidate, baseline },
  });
}

/** A rendered number agrees with the reference to the five significant digits the report shows. */
function expectShown(cell: string, reference: number): void {
  expect(Math.abs(Number(cell.replace(/,/g, "")) - reference)).toBeLessThanOrEqual(Math.abs(reference) * 5e-5 + 1e-12);
}

const matrixOf = (size: number) =>
  fc.array(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: size, maxLength: size }), {
    minLength: size,
    maxLength: size,
  });

describe("per-class metrics in the report", () => {
  it("match scikit-learn's per-class precision, recall, F1 and support, and their F1 change", () => {
    const cases = fc.sample(
      fc.integer({ min: 2, max: 6 }).chain((size) => fc.tuple(matrixOf(size), matrixOf(size))),
      { numRuns: 25, seed: 20261120 },
    );
    const references = runReference<Reference[]>("per_class.py", { matrices: cases.flat() });
    cases.forEach(([candidate, baseline], caseIndex) => {
      const now = references[2 * caseIndex]!;
      const before = references[2 * caseIndex + 1]!;
      const report = renderReport({ comparison: comparisonWith(candidate, baseline) }, OPTIONS);
      const table = nodesOf(parseGfm(report.summary), "table").find(
        (node) => visibleText(node.children[0]!.children[0]!) === "class",
      )!;
      table.children.slice(1).forEach((row, index) => {
        const [, precision, recall, f1, support, change] = row.children.map(visibleText);
        expectShown(precision!, now.precision[index]!);
        expectShown(recall!, now.recall[index]!);
        expectShown(f1!, now.f1[index]!);
        expectShown(support!, now.support[index]!);
        expectShown(change!.replace(/^\+/, ""), now.f1[index]! - before.f1[index]!);
      });
    });
  });

  it("lays the confusion matrix out with true classes as rows and shows each cell's change", () => {
    const report = renderReport(
      {
        comparison: comparisonWith(
          [
            [5, 1],
            [2, 7],
          ],
          [
            [4, 2],
            [2, 7],
          ],
        ),
      },
      OPTIONS,
    );
    const matrix = nodesOf(parseGfm(report.summary), "table").find((node) =>
      visibleText(node.children[0]!.children[0]!).startsWith("true"),
    )!;
    expect(matrix.children.map((row) => row.children.map(visibleText))).toEqual([
      ["true ↓ / predicted →", "class 0", "class 1"],
      ["class 0", "5 (+1)", "1 (-1)"],
      ["class 1", "2", "7"],
    ]);
  });
});

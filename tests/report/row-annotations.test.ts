import { describe, expect, it } from "vitest";
import type { CheckResult, ValidationDocument } from "@ctrain/core";
import { rowAnnotations } from "@ctrain/report";

function failed(check: string, severity: "error" | "warn", lines: number[]): CheckResult {
  return {
    check,
    column: "age",
    severity,
    success: false,
    message: `${check} failed`,
    result: {
      element_count: 100,
      unexpected_count: lines.length,
      unexpected_percent: lines.length,
      partial_unexpected_list: lines.map((line) => ({ value: line, file: "data.csv", line })),
    },
  };
}

function validation(results: CheckResult[], errors: ValidationDocument["errors"] = []): ValidationDocument {
  return {
    schema: "ctrain.validation/v1",
    createdAt: "2026-11-30T10:00:00.000Z",
    success: false,
    statistics: {
      evaluated_expectations: 0,
      successful_expectations: 0,
      unsuccessful_expectations: 0,
      success_percent: null,
    },
    datasets: [{ name: "train", files: [], rows: 100, columns: [], success: false, results }],
    errors,
  };
}

describe("rowAnnotations", () => {
  it("takes turns among failed checks and keeps each level within the budget", () => {
    const many = Array.from({ length: 15 }, (_, i) => i + 2);
    const annotations = rowAnnotations(
      validation([failed("a", "error", many), failed("b", "error", [40, 41]), failed("c", "warn", many)]),
      { stepFails: true },
    );
    const errors = annotations.filter((annotation) => annotation.level === "error");
    expect(errors.map((annotation) => `${annotation.title.split(" ")[3]}:${annotation.line}`)).toEqual([
      "a:2",
      "b:40",
      "a:3",
      "b:41",
      "a:4",
      "a:5",
      "a:6",
      "a:7",
      "a:8",
    ]);
    expect(annotations.filter((annotation) => annotation.level === "warning")).toHaveLength(10);
    expect(errors[0]).toMatchObject({ file: "data.csv", title: "ctrain validate: train a (age)" });
    expect(errors[0]!.message).toBe("unexpected value 2: a failed");
  });

  it("points unreadable input at its file and line first, and honours a smaller budget", () => {
    const annotations = rowAnnotations(
      validation([failed("a", "error", [2, 3, 4])], [{ message: "expected 3 fields, got 4", location: "data.csv:9" }]),
      { budget: 2 },
    );
    expect(annotations.map(({ file, line, title }) => [file, line, title])).toEqual([
      ["data.csv", 9, "ctrain validate: unreadable input"],
      ["data.csv", 2, "ctrain validate: train a (age)"],
    ]);
    expect(rowAnnotations(validation([failed("a", "error", [2])]), { budget: 50 })).toHaveLength(1);
    expect(rowAnnotations(validation([failed("a", "error", [2])]), { budget: 1, stepFails: true })).toEqual([]);
  });
});

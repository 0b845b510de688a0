import { describe, expect, it } from "vitest";
import { ANNOTATIONS_MAX, renderReport } from "@ctrain/report";
import { OPTIONS, fixtureInput } from "./support/fixtures.js";
import { largeInput } from "./support/large.js";

describe("check-run annotations", () => {
  it("point failing metrics at the metric file and failed checks at their rows", () => {
    const { annotations } = renderReport(fixtureInput("pr-failed"), OPTIONS);
    expect(annotations.slice(0, 3)).toEqual([
      {
        path: "metrics.json",
        line: 1,
        level: "failure",
        title: "metric accuracy failed",
        message: "improvement -0.028 < bound -0.005",
      },
      {
        path: "metrics.json",
        line: 1,
        level: "failure",
        title: "metric f1_macro failed",
        message: "improvement -0.073 < bound -0.01",
      },
      {
        path: "metrics.json",
        line: 1,
        level: "warning",
        title: "metric roc_auc inconclusive",
        message:
          "improvement -0.021 < bound -0.005 the test cannot tell the change from the bound: delong p = 0.19 for the bound -0.005 (two-sided, alpha 0.05)",
      },
    ]);
    const rows = annotations.filter((annotation) => annotation.path === "data/train.csv" && annotation.line > 1);
    expect(rows.map((annotation) => [annotation.line, annotation.level])).toEqual([
      [1042, "failure"],
      [20881, "failure"],
      [33007, "failure"],
      [40112, "failure"],
      [88, "failure"],
      [413, "failure"],
      [5120, "warning"],
    ]);
    expect(annotations.filter((annotation) => annotation.title.endsWith("drifted"))).toHaveLength(2);
  });

  it("are plain single lines within GitHub's lengths", () => {
    const { annotations } = renderReport(fixtureInput("hostile"), OPTIONS);
    expect(annotations.length).toBeGreaterThan(0);
    for (const annotation of annotations) {
      expect(annotation.title.length).toBeLessThanOrEqual(255);
      expect(annotation.message.length).toBeLessThanOrEqual(4096);
      expect(`${annotation.title}${annotation.message}`).not.toMatch(/[\n\r]/);
      expect(annotation.path).not.toMatch(/^\/|\.\./);
    }
  });

  it("are capped with the failing metrics kept first", () => {
    const { annotations } = renderReport(largeInput({ metrics: 5000, failEvery: 250 }), OPTIONS);
    expect(annotations).toHaveLength(ANNOTATIONS_MAX);
    expect(annotations.slice(0, 20).every((annotation) => annotation.title.startsWith("metric "))).toBe(true);
  });
});

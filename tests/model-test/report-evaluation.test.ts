import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Bundle, CompareConfig, type ComparisonDocument } from "@ctrain/core";
import type { Calibration, SliceEvaluation } from "@ctrain/metrics";
import { loadReportEvaluation } from "@ctrain/compare";
import { renderReport } from "@ctrain/report";

const calibration: Calibration = {
  strategy: "uniform",
  bins: 10,
  positiveLabel: 1,
  curve: [
    { low: 0, high: 0.1, rows: 40, meanPredicted: 0.05, fractionPositive: 0.1 },
    { low: 0.5, high: 0.6, rows: 20, meanPredicted: 0.55, fractionPositive: 0.3 },
    { low: 0.9, high: 1, rows: 40, meanPredicted: 0.95, fractionPositive: 0.9 },
  ],
  expectedCalibrationError: 0.1,
};

function slice(plan: string, rows: number, metrics: Record<string, number>, gated = true): SliceEvaluation {
  return {
    grouping: "plan",
    key: `plan=${plan}`,
    values: { plan },
    rows,
    gated,
    ...(gated ? {} : { reason: `${rows} rows, fewer than 30` }),
    metrics,
  };
}

// Alphabetical order (a, b, c, d) is not the order of accuracy, nor of log_loss: a sort by name would show.
const slices = [
  slice("a-basic", 120, { accuracy: 0.91, log_loss: 0.2 }),
  slice("b-pro", 80, { accuracy: 0.72, log_loss: 0.6 }),
  slice("c-team", 60, { accuracy: 0.85, log_loss: 0.9 }),
  slice("d-trial <b>x</b>", 5, { accuracy: 0.2, log_loss: 2 }, false),
];

function comparison(gated: string[]): ComparisonDocument {
  return {
    schema: "ctrain.comparison/v2",
    createdAt: "2026-01-02T03:04:05Z",
    baseline: { kind: "none", description: "no baseline", notes: [] },
    verdict: "passed",
    failed: [],
    rows: [
      ...gated.map((name) => ({
        name,
        kind: "metric" as const,
        candidate: 0.8,
        delta: null,
        relativeDelta: null,
        changed: false,
        verdict: "skipped" as const,
        reasons: [],
      })),
      {
        name: "slice:plan=b-pro/accuracy",
        kind: "metric",
        candidate: 0.72,
        baseline: 0.8,
        delta: -0.08,
        relativeDelta: -0.1,
        changed: true,
        verdict: "regressed",
        interval: { low: -0.12, high: -0.04, confidence: 0.95, method: "bootstrap" },
        reasons: [],
      },
    ],
  };
}

const sectionOf = (markdown: string, title: string) => {
  const start = markdown.indexOf(`### ${title}`);
  expect(start, title).toBeGreaterThanOrEqual(0);
  const end = markdown.indexOf("\n### ", start + 4);
  return markdown.slice(start, end < 0 ? undefined : end);
};

/** Where each slice's row stands in the table (its name is escaped there: `b\-pro`), in the order given. */
function rowOrder(section: string, names: string[]): number[] {
  const rows = section.split("\n").filter((line) => line.startsWith("| ") && !/^\| (slice|---) /.test(line));
  return names.map((name) => rows.findIndex((row) => row.startsWith(`| ${name.replaceAll("-", "\\-")}`)));
}

describe("the report's calibration section", () => {
  it("draws the reliability curve against the diagonal as SVG and Mermaid, with the expected calibration error", () => {
    const report = renderReport(
      { evaluation: { calibration, slices: [] }, comparison: comparison([]) },
      { id: "ctrain" },
    );
    const section = sectionOf(report.files[0]!.content, "Calibration");
    expect(section).toContain("Expected calibration error 0.1");
    expect(section).toContain("```mermaid");
    expect(section).toMatch(/\| 0\.5–0\.6 \| 20 \| 0\.55 \| 0\.3 \|/);
    const svg = report.files.find((file) => /^charts\/\d+-reliability\.svg$/.test(file.path));
    expect(svg?.content).toContain("<svg");
    expect(svg?.content).toContain("perfect calibration");
    const withoutCharts = renderReport({ evaluation: { calibration, slices: [] } }, { id: "ctrain", charts: false });
    expect(sectionOf(withoutCharts.files[0]!.content, "Calibration")).not.toContain("```mermaid");
  });

  it("is left out for a model without probabilities", () => {
    const report = renderReport({ evaluation: { slices: [] } }, { id: "ctrain" });
    expect(report.files[0]!.content).not.toContain("### Calibration");
  });
});

describe("the report's slices section", () => {
  it("lists every slice worst first by the gated metric, with its size, interval and whether it is gated", () => {
    const report = renderReport(
      { evaluation: { slices }, comparison: comparison(["accuracy"]) },
      { id: "ctrain", charts: false },
    );
    const section = sectionOf(report.files[0]!.content, "Slices");
    expect(rowOrder(section, ["d-trial", "b-pro", "c-team", "a-basic"])).toEqual([0, 1, 2, 3]);
    expect(section).toContain(String.raw`| b\-pro | 80 | 0.72 | \[-0.12, -0.04\] (95%) | gated |`);
    expect(section).toMatch(/\| d\\-trial .* \| 5 \| 0\.2 \| — \| not gated: 5 rows\\, fewer than 30 \|/);
    // The slice's value is data: escaped, never markup.
    expect(section).not.toMatch(/(^|[^\\])<b>/);
  });

  it("sorts a loss highest first, since lower is better", () => {
    const report = renderReport(
      { evaluation: { slices: slices.slice(0, 3) }, comparison: comparison(["log_loss"]) },
      { id: "ctrain", charts: false },
    );
    const section = sectionOf(report.files[0]!.content, "Slices");
    expect(rowOrder(section, ["c-team", "b-pro", "a-basic"])).toEqual([0, 1, 2]);
  });
});

describe("the report's evaluation of the bundle's predictions", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("reads the predictions the run recorded, as compare reads them, and none when there are none", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ctrain-report-evaluation-"));
    dirs.push(dir);
    const rows = Array.from({ length: 80 }, (_, i) => {
      const score = (i % 10) / 10 + 0.05;
      const y = i % 3 === 0 ? 1 : 0;
      return `${y},${score >= 0.5 ? 1 : 0},${score},${i < 40 ? "basic" : "pro"}`;
    });
    mkdirSync(join(dir, "predictions"));
    writeFileSync(join(dir, "predictions/p.csv"), ["y_true,y_pred,score,plan", ...rows].join("\n") + "\n");
    const config = CompareConfig.parse({ predictions: { slice: "plan" } });
    expect(await loadReportEvaluation(dir, config)).toBeUndefined();
    new Bundle(dir).write("run", {
      schema: "ctrain.run/v1",
      name: "train",
      createdAt: "2026-01-02T03:04:05Z",
      source: {},
      status: "succeeded",
      logTail: [],
      params: {},
      metrics: {},
      metricFiles: [],
      curves: [],
      datasets: [],
      model: { files: [] },
      verdicts: {},
      predictions: { path: "predictions/p.csv", bytes: 1, sha256: "0".repeat(64) },
    });
    const evaluation = (await loadReportEvaluation(dir, config))!;
    expect(evaluation.calibration?.curve.reduce((sum, bin) => sum + bin.rows, 0)).toBe(80);
    expect(evaluation.slices.map((s) => [s.key, s.rows])).toEqual([
      ["plan=basic", 40],
      ["plan=pro", 40],
    ]);
  });
});

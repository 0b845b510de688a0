import { describe, expect, it } from "vitest";
import { Bundle, parseConfig } from "@ctrain/core";
import { mergeEvaluatedMetrics, recordEvaluatedMetrics } from "@ctrain/compare";
import { runTraining } from "@ctrain/train";
import { workspace } from "../train/workspace.js";

const ROWS: [string, string][] = [
  ["cat", "cat"],
  ["dog", "cat"],
  ["dog", "dog"],
  ["cat", "cat"],
  ["bird", "dog"],
  ["bird", "bird"],
  ["dog", "dog"],
];
const TRUE_ACCURACY = ROWS.filter(([truth, predicted]) => truth === predicted).length / ROWS.length;

/** A command that writes honest predictions and a metrics file claiming whatever accuracy it is given. */
async function trainedBundle(
  reportedAccuracy: number,
): Promise<{ bundle: Bundle; compare: ReturnType<typeof parseConfig>["compare"] }> {
  const script = [
    'import { writeFileSync } from "node:fs";',
    "const out = process.env.CTRAIN_OUTPUT_DIR;",
    `writeFileSync(out + "/predictions.csv", "y_true,y_pred\\n" + ${JSON.stringify(ROWS.map((row) => row.join(",")).join("\n"))} + "\\n");`,
    `writeFileSync(out + "/metrics.json", JSON.stringify({ accuracy: ${reportedAccuracy}, loss: 0.3 }));`,
  ].join("\n");
  const yml = ["train:", "  command: node fake.mjs", "  predictions: ctrain-output/predictions.csv"].join("\n");
  const { settings } = workspace(yml, { "fake.mjs": script });
  const result = await runTraining(settings, { log: () => undefined });
  expect(result.run.status).toBe("succeeded");
  return { bundle: new Bundle(settings.bundleDir), compare: parseConfig(yml).compare };
}

describe("recordEvaluatedMetrics with a metric both reported and evaluated", () => {
  it("records the evaluated accuracy under its name and the faked one under the metrics file's, with a warning", async () => {
    const { bundle, compare } = await trainedBundle(0.5);
    const warnings: string[] = [];
    await recordEvaluatedMetrics(bundle, compare, (line) => warnings.push(line));

    const metrics = bundle.read("run").metrics;
    expect(metrics.accuracy).toBeCloseTo(TRUE_ACCURACY, 12);
    expect(metrics["metrics.json:accuracy"]).toBe(0.5);
    expect(metrics.loss).toBe(0.3);
    expect(warnings).toEqual([
      `accuracy: ctrain-output/metrics.json reports 0.5, the predictions give ${String(metrics.accuracy)}; ` +
        "accuracy records the evaluated value, which gates use, and metrics.json:accuracy the reported one",
    ]);

    // The compare step records the evaluation again: nothing changes, nothing is warned twice.
    const again: string[] = [];
    await recordEvaluatedMetrics(bundle, compare, (line) => again.push(line));
    expect(bundle.read("run").metrics).toEqual(metrics);
    expect(again).toEqual([]);
  });

  it("keeps one key when the reported value agrees within 1e-9", async () => {
    const { bundle, compare } = await trainedBundle(TRUE_ACCURACY + 5e-10);
    const warnings: string[] = [];
    await recordEvaluatedMetrics(bundle, compare, (line) => warnings.push(line));
    const metrics = bundle.read("run").metrics;
    expect(metrics.accuracy).toBeCloseTo(TRUE_ACCURACY, 12);
    expect(Object.keys(metrics).filter((key) => key.includes(":accuracy"))).toEqual([]);
    expect(warnings).toEqual([]);
  });
});

describe("mergeEvaluatedMetrics", () => {
  it("names the reported value reported:<metric> when several metrics files could have held it", () => {
    const warnings: string[] = [];
    const merged = mergeEvaluatedMetrics(
      { accuracy: "0.9", f1: 0.8 },
      { accuracy: 0.7, f1: 0.8 },
      ["out/a.json", "out/b.yaml"],
      (line) => warnings.push(line),
    );
    expect(merged).toEqual({ accuracy: 0.7, f1: 0.8, "reported:accuracy": "0.9" });
    expect(warnings).toEqual([expect.stringMatching(/^accuracy: the metrics files report/)]);
  });
});

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  evaluateClassifier,
  evaluateRegressor,
  readClassifierPredictions,
  readMetricFile,
  readRegressorPredictions,
} from "@ctrain/metrics";
import { tempDir } from "../support/temp-dir.js";

const dir = tempDir("ctrain-metrics-loaders-");
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("CSV/TSV metric files", () => {
  it("last-row layout: one column per metric, the final row wins, NaN kept", async () => {
    const table = await readMetricFile(file("history.csv", "epoch,loss,acc,note\n1,0.9,0.5,warmup\n2,0.4,NaN,\n"));
    expect(table).toMatchObject({
      layout: "last-row",
      metrics: { epoch: 2, loss: 0.4, acc: { nonFinite: "NaN" }, note: null },
    });
  });
  it("name-value layout, tab separated", async () => {
    const table = await readMetricFile(file("m.tsv", "metric\tvalue\naccuracy\t0.93\nbest\ttrue\nloss\t-inf\n"));
    expect(table).toMatchObject({
      layout: "name-value",
      metrics: { accuracy: 0.93, best: true, loss: { nonFinite: "-Infinity" } },
    });
  });
  it("a header without rows is a user error", async () => {
    await expect(readMetricFile(file("empty.csv", "loss,acc\n"))).rejects.toMatchObject({
      name: "UserError",
      message: /no data rows/,
    });
  });
});

describe("predictions files", () => {
  it("CSV with y_true, y_pred, proba_<class> and a slice column evaluates like the arrays", async () => {
    const path = file(
      "pred.csv",
      "y_true,y_pred,proba_0,proba_1,region\n0,0,0.8,0.2,eu\n1,1,0.3,0.7,eu\n1,0,0.6,0.4,us\n0,1,0.45,0.55,us\n1,1,0.1,0.9,us\n",
    );
    const predictions = await readClassifierPredictions(path, { columns: { slice: "region" } });
    expect(predictions.yTrue).toEqual([0, 1, 1, 0, 1]);
    expect(predictions.probabilities?.classLabels).toEqual([0, 1]);
    // Slices of two and three rows: gated only with min-slice-rows lowered to 1.
    const metrics = evaluateClassifier(predictions, { minSliceRows: 1 }).metrics;
    expect(metrics.accuracy).toBeCloseTo(0.6, 12);
    expect(metrics.roc_auc).toBeCloseTo(5 / 6, 12);
    expect(metrics["slice:region=us/accuracy"]).toBeCloseTo(1 / 3, 12);
    expect(metrics["slice:region=eu/roc_auc"]).toBe(1);
  });
  it("JSON Lines with string labels and renamed columns", async () => {
    const path = file(
      "pred.jsonl",
      ['{"label":"cat","guess":"cat"}', '{"label":"dog","guess":"cat"}', '{"label":"dog","guess":"dog"}'].join("\n") +
        "\n",
    );
    const predictions = await readClassifierPredictions(path, { columns: { yTrue: "label", yPred: "guess" } });
    expect(evaluateClassifier(predictions).metrics.accuracy).toBeCloseTo(2 / 3, 12);
  });
  it("regression predictions", async () => {
    const predictions = await readRegressorPredictions(file("reg.csv", "y_true,y_pred\n3,2.5\n-0.5,0\n2,2\n7,8\n"));
    expect(evaluateRegressor(predictions).metrics.r2).toBeCloseTo(0.948608, 6);
  });
  it("a missing column and a non-numeric score are user errors with file and line", async () => {
    await expect(readClassifierPredictions(file("bad1.csv", "truth,y_pred\n1,1\n"))).rejects.toMatchObject({
      name: "UserError",
      message: /missing column "y_true"/,
    });
    await expect(readClassifierPredictions(file("bad2.csv", "y_true,score\n1,0.5\n0,high\n"))).rejects.toMatchObject({
      name: "UserError",
      location: expect.stringMatching(/bad2\.csv:3$/),
    });
  });
});

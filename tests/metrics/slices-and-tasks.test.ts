import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CompareConfig, isUserError } from "@ctrain/core";
import {
  evaluateClassifier,
  evaluateGates,
  evaluatePredictions,
  readPredictions,
  type ClassifierEvaluation,
  type PredictionColumns,
} from "@ctrain/metrics";

const dir = mkdtempSync(join(tmpdir(), "ctrain-metrics-slices-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The config's predictions block as the compare step reads it, slices listed alone and crossed. */
const config = CompareConfig.parse({
  predictions: { slice: ["country", "plan", ["country", "plan"]] },
  metrics: { "slice-gap:country,plan/accuracy": { direction: "lower", max: 0.05 } },
});
const columns: PredictionColumns = { slice: config.predictions.slice };

/**
 * 60 rows per (country, plan) cell; `wrongPer100(country, plan)` of every 100 rows are predicted wrong, spread
 * evenly so a cell's accuracy is exact.
 */
function cells(name: string, wrongPer100: (country: string, plan: string) => number): string {
  const lines = ["id,country,plan,y_true,y_pred"];
  let id = 0;
  for (const country of ["de", "fr"]) {
    for (const plan of ["free", "pro"]) {
      const wrong = wrongPer100(country, plan);
      for (let row = 0; row < 60; row++) {
        const truth = row % 2;
        const miss = Math.floor(((row + 1) * wrong) / 100) > Math.floor((row * wrong) / 100);
        lines.push(`${id++},${country},${plan},${truth},${miss ? 1 - truth : truth}`);
      }
    }
  }
  return file(name, `${lines.join("\n")}\n`);
}

async function evaluateFile(path: string, minSliceRows = config.predictions["min-slice-rows"]) {
  const loaded = await readPredictions(path, { columns, task: config.predictions.task });
  return evaluatePredictions(loaded, { minSliceRows }) as ClassifierEvaluation;
}

describe("crossed slices and the gap gate", () => {
  it("a gap gate on crossed slices fails a model unfair to one cell and passes a fair one", async () => {
    const unfair = await evaluateFile(
      cells("unfair.csv", (country, plan) => (country === "de" && plan === "pro" ? 30 : 5)),
    );
    const fair = await evaluateFile(cells("fair.csv", () => 5));
    expect(unfair.metrics["slice:country=de,plan=pro/accuracy"]).toBeCloseTo(0.7, 12);
    expect(unfair.metrics["slice-worst:country,plan/accuracy"]).toBeCloseTo(0.7, 12);
    expect(unfair.metrics["slice-gap:country,plan/accuracy"]).toBeCloseTo(0.25, 12);
    // One column alone hides part of the gap: de mixes its free and pro rows.
    expect(unfair.metrics["slice-gap:country/accuracy"]).toBeCloseTo(0.125, 12);
    expect(fair.metrics["slice-gap:country,plan/accuracy"]).toBe(0);

    const judge = (metrics: Record<string, number>) =>
      evaluateGates({ gates: config.metrics, candidate: metrics }).metrics[0]!;
    expect(judge(unfair.metrics)).toMatchObject({ metric: "slice-gap:country,plan/accuracy", verdict: "failed" });
    expect(judge(fair.metrics).verdict).not.toBe("failed");
  });

  it("keys that `*` gate patterns match, with every slice's size", async () => {
    const evaluation = await evaluateFile(cells("sizes.csv", () => 10));
    const pattern = evaluateGates({
      gates: { "slice:country=*,plan=pro/accuracy": { direction: "higher", min: 0.5 } },
      candidate: evaluation.metrics,
    });
    expect(pattern.metrics.map((m) => m.metric)).toEqual([
      "slice:country=de,plan=pro/accuracy",
      "slice:country=fr,plan=pro/accuracy",
    ]);
    expect(evaluation.slices.map((slice) => [slice.grouping, slice.key, slice.rows])).toEqual([
      ["country", "country=de", 120],
      ["country", "country=fr", 120],
      ["plan", "plan=free", 120],
      ["plan", "plan=pro", 120],
      ["country,plan", "country=de,plan=free", 60],
      ["country,plan", "country=de,plan=pro", 60],
      ["country,plan", "country=fr,plan=free", 60],
      ["country,plan", "country=fr,plan=pro", 60],
    ]);
    expect(evaluation.slices[4]!.values).toEqual({ country: "de", plan: "free" });
  });

  it("a slice below min-slice-rows is reported with its reason but has no gateable key and no say in worst or gap", async () => {
    const lines = ["y_true,y_pred,score,plan"];
    for (let row = 0; row < 80; row++)
      lines.push(`${row % 2},${row % 2},${row % 2 ? 0.8 : 0.2},${row < 40 ? "free" : "pro"}`);
    for (let row = 0; row < 5; row++) lines.push(`${row % 2},${1 - (row % 2)},${row % 2 ? 0.1 : 0.9},trial`);
    const loaded = await readPredictions(file("small.csv", `${lines.join("\n")}\n`), { columns: { slice: "plan" } });
    const evaluation = evaluatePredictions(loaded, { minSliceRows: 30 });
    const trial = evaluation.slices.find((slice) => slice.key === "plan=trial")!;
    expect(trial).toMatchObject({ rows: 5, gated: false, metrics: { accuracy: 0 } });
    expect(trial.reason).toMatch(/5 rows, fewer than min-slice-rows 30/);
    expect(Object.keys(evaluation.metrics).filter((key) => key.includes("trial"))).toEqual([]);
    expect(evaluation.metrics["slice-worst:plan/accuracy"]).toBe(1);
    expect(evaluation.metrics["slice-gap:plan/accuracy"]).toBe(0);
    // A loss's worst slice is its highest.
    expect(evaluation.metrics["slice-worst:plan/log_loss"]).toBeCloseTo(-Math.log(0.8), 12);
    expect(evaluation.notes.join("\n")).toMatch(/1 of 3 slices by plan have fewer than 30 rows/);
  });

  it("a crossed grouping naming a column the file lacks says so", () => {
    const evaluation = evaluateClassifier({
      yTrue: [0, 1],
      yPred: [0, 1],
      slicing: { columns: [{ column: "plan", values: ["a", "b"] }], groupings: [["plan", "region"]] },
    });
    expect(evaluation.notes).toContain("no slices by plan,region: the predictions have no column region");
  });
});

describe("the task, declared or read off the predictions file", () => {
  const files = {
    binary: ["y_true,score", "0,0.2", "1,0.7"],
    multiclass: ["y_true,y_pred", "a,a", "b,c", "c,c"],
    regression: ["y_true,y_pred", "1.5,1.2", "2,2.5"],
    quantile: ["y_true,quantile_0.1,quantile_0.9", "1.5,1,2", "2,1.8,2.4"],
    multilabel: ["y_true_news,y_true_tech,y_pred_news,y_pred_tech", "1,0,1,1", "0,1,0,1"],
    ranking: ["query_id,y_true,score", "q1,2,0.9", "q1,0,0.1", "q2,1,0.3"],
  };
  for (const [task, lines] of Object.entries(files)) {
    it(`auto reads ${task}`, async () => {
      const loaded = await readPredictions(file(`${task}.csv`, `${lines.join("\n")}\n`), { task: "auto" });
      expect(loaded.task).toBe(task);
      expect(evaluatePredictions(loaded).metrics.example_count).toBe(lines.length - 1);
    });
  }

  it("the old values still work, and a declared binary task with three classes is a user error", async () => {
    const path = file("three.csv", `${files.multiclass.join("\n")}\n`);
    expect((await readPredictions(path, { task: "classification" })).task).toBe("multiclass");
    expect(
      (await readPredictions(file("r.csv", `${files.regression.join("\n")}\n`), { task: "regression" })).task,
    ).toBe("regression");
    const error = await readPredictions(path, { task: "binary" }).catch((e: unknown) => e);
    expect(isUserError(error) && error.message).toMatch(/task is binary but the predictions hold 3 classes/);
  });

  it("a quantile column must name a level in (0, 1), multilabel values are 0 or 1", async () => {
    const level = await readPredictions(file("q.csv", "y_true,quantile_90\n1,2\n"), { task: "auto" }).catch((e) => e);
    expect(isUserError(level) && level.message).toMatch(/quantile level 90, not a number in \(0, 1\)/);
    const loaded = await readPredictions(file("m.csv", "y_true_a,y_pred_a\n2,1\n"));
    expect(() => evaluatePredictions(loaded)).toThrowError(/y_true of label a is 2 at row 1/);
  });
});

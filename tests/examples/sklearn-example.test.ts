import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "@ctrain/core";
import { validateDatasets } from "@ctrain/data";
import { evaluateClassifier, readClassifierPredictions } from "@ctrain/metrics";
import { runTraining, trainSettingsFromConfig } from "@ctrain/train";

const root = process.cwd();
const EXAMPLE = join(root, "examples/sklearn-classifier");
const PYTHON = "/usr/bin/python3";
const SCORE_MODEL = join(root, "tests/examples/reference/score_model.py");

const workspaces: string[] = [];
afterEach(() => {
  for (const dir of workspaces.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the example as a user's repository would hold it: without outputs of earlier runs. */
function copyOfExample(): string {
  const dir = mkdtempSync(join(tmpdir(), "ctrain-sklearn-example-"));
  workspaces.push(dir);
  cpSync(EXAMPLE, dir, {
    recursive: true,
    filter: (source) => !/[/\\](out|__pycache__)$/.test(source),
  });
  return dir;
}

function readCsv(path: string): Record<string, string>[] {
  return parse(readFileSync(path, "utf8"), { columns: true }) as Record<string, string>[];
}

function python(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): string {
  const result = spawnSync(PYTHON, args, { ...options, encoding: "utf8" });
  expect(result.stderr, `${PYTHON} ${args.join(" ")}`).not.toMatch(/Traceback/);
  expect(result.status).toBe(0);
  return result.stdout;
}

describe("the scikit-learn example", () => {
  it("trains alone with Debian's python3, reading its params from CTRAIN_PARAMS_FILE", () => {
    const dir = copyOfExample();
    const paramsFile = join(dir, "override.json");
    writeFileSync(paramsFile, JSON.stringify({ n_estimators: 40, max_depth: 3 }));
    python(["train.py"], { cwd: dir, env: { ...process.env, CTRAIN_PARAMS_FILE: paramsFile } });

    const metrics = JSON.parse(readFileSync(join(dir, "out/metrics.json"), "utf8")) as Record<
      string,
      Record<string, number>
    >;
    expect(Object.keys(metrics.train!).sort()).toEqual(["accuracy", "log_loss", "rows"]);
    expect(Object.keys(metrics.test!).sort()).toEqual(["accuracy", "log_loss", "roc_auc", "rows"]);

    const test = readCsv(join(dir, "data/test.csv"));
    expect(metrics.train!.rows).toBe(readCsv(join(dir, "data/train.csv")).length);
    expect(metrics.test!.rows).toBe(test.length);
    const predictions = readCsv(join(dir, "out/predictions.csv"));
    expect(Object.keys(predictions[0]!)).toEqual(["id", "y_true", "y_pred", "score", "radius_band"]);
    expect(predictions.map((row) => row.id)).toEqual(test.map((row) => row.id));
    expect(predictions.map((row) => row.y_true)).toEqual(test.map((row) => row.malignant));
    expect(new Set(predictions.map((row) => row.radius_band))).toEqual(new Set(["small", "medium", "large"]));

    // The params file decided the model: one curve row per boosting stage it asked for.
    const curve = readCsv(join(dir, "out/learning-curve.csv"));
    expect(Object.keys(curve[0]!)).toEqual(["step", "train_log_loss", "test_log_loss"]);
    expect(curve.map((row) => Number(row.step))).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));

    // The model file is the fitted model: loaded on its own, it scores the test rows as predictions.csv says.
    const model = readFileSync(join(dir, "out/model.joblib"));
    expect(model[0]).toBe(0x80); // a pickle (protocol 2 or later): ctrain flags it
    const scored = JSON.parse(
      python([SCORE_MODEL, "out/model.joblib", "data/test.csv", "malignant"], { cwd: dir }),
    ) as { ids: string[]; y_pred: number[]; score: number[] };
    expect(scored.ids).toEqual(predictions.map((row) => row.id));
    expect(scored.y_pred).toEqual(predictions.map((row) => Number(row.y_pred)));
    expect(scored.score).toEqual(predictions.map((row) => Number(row.score)));
  });

  it("records metrics that ctrain's own evaluation of its predictions reproduces", async () => {
    const dir = copyOfExample();
    python(["train.py"], { cwd: dir });
    const metrics = JSON.parse(readFileSync(join(dir, "out/metrics.json"), "utf8")) as {
      test: Record<string, number>;
    };
    const evaluation = evaluateClassifier(
      await readClassifierPredictions(join(dir, "out/predictions.csv"), { columns: { slice: "radius_band" } }),
    );
    expect(evaluation.metrics.example_count).toBe(metrics.test.rows);
    expect(evaluation.metrics.accuracy).toBeCloseTo(metrics.test.accuracy!, 12);
    expect(evaluation.metrics.roc_auc).toBeCloseTo(metrics.test.roc_auc!, 12);
    expect(evaluation.metrics.log_loss).toBeCloseTo(metrics.test.log_loss!, 12);
    // ctrain.yml gates these: the example passes its own value thresholds.
    expect(evaluation.metrics.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(evaluation.metrics.roc_auc).toBeGreaterThanOrEqual(0.97);
    expect(evaluation.metrics.recall).toBeGreaterThanOrEqual(0.85);
    for (const band of ["small", "medium", "large"]) {
      expect(evaluation.metrics[`slice:radius_band=${band}/accuracy`]).toBeGreaterThan(0);
    }
  });

  it("runs under ctrain's train step exactly as its ctrain.yml describes", async () => {
    const dir = copyOfExample();
    const { config } = loadConfig({
      cwd: dir,
      file: "ctrain.yml",
      // The example says `python`; this machine's scikit-learn is Debian's.
      overrides: { "train.command": { value: `${PYTHON} train.py`, source: "test" } },
    });
    const { run, exitCode, error } = await runTraining(trainSettingsFromConfig(config, { root: dir, name: "sklearn" }));
    expect(error?.format()).toBeUndefined();
    expect(exitCode).toBe(0);
    expect(run.status).toBe("succeeded");
    expect(run.params).toMatchObject({ n_estimators: 150, max_depth: 2 });
    expect(Object.keys(run.metrics).sort()).toEqual([
      "test.accuracy",
      "test.log_loss",
      "test.roc_auc",
      "test.rows",
      "train.accuracy",
      "train.log_loss",
      "train.rows",
    ]);
    expect(run.curves.map((curve) => [curve.metric, curve.points.length])).toEqual([
      ["train_log_loss", 150],
      ["test_log_loss", 150],
    ]);
    expect(run.model.files).toEqual([expect.objectContaining({ path: "out/model.joblib", pickle: true })]);
    expect(run.predictions?.path).toBeDefined();
    expect(run.datasets.map((dataset) => dataset.name)).toEqual(["train", "test"]);
  });

  it.each(["sklearn-classifier", "node-classifier"])(
    "examples/%s: the committed data passes every error-severity check its ctrain.yml sets",
    async (example) => {
      const dir = join(root, "examples", example);
      const { config } = loadConfig({ cwd: dir, file: "ctrain.yml" });
      const { validation } = await validateDatasets(config, { cwd: dir });
      const failed = validation.datasets.flatMap((dataset) =>
        dataset.results
          .filter((result) => result.severity === "error" && !result.success)
          .map((result) => `${dataset.name}: ${result.message}`),
      );
      expect(failed).toEqual([]);
      expect(validation.errors).toEqual([]);
      expect(validation.success).toBe(true);
      expect(validation.datasets.map((dataset) => dataset.name)).toEqual(["train", "test"]);
    },
  );
});

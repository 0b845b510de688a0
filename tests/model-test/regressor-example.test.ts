import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelTestDocument, RunDocument } from "@ctrain/core";
import { git } from "../support/cli.js";
import { bundleFromSource } from "../support/source-bundle.js";

const EXAMPLE = join(process.cwd(), "examples/sklearn-regressor");
/** scikit-learn's regression metrics of a predictions file, by the names ctrain records them under. */
const SKLEARN_METRICS = `
import csv, json, sys
from sklearn import metrics as m
rows = list(csv.DictReader(open(sys.argv[1])))
y, p = [float(r["y_true"]) for r in rows], [float(r["y_pred"]) for r in rows]
print(json.dumps({
  "mae": m.mean_absolute_error(y, p), "mse": m.mean_squared_error(y, p), "rmse": m.mean_squared_error(y, p) ** 0.5,
  "r2": m.r2_score(y, p), "mape": m.mean_absolute_percentage_error(y, p),
  "median_absolute_error": m.median_absolute_error(y, p), "explained_variance": m.explained_variance_score(y, p),
}))
`;

describe("the scikit-learn regression example", () => {
  let project: string;
  let bin: string;
  let cli: string;
  beforeAll(async () => {
    cli = await bundleFromSource("cli");
    project = mkdtempSync(join(tmpdir(), "ctrain-sklearn-regressor-"));
    cpSync(EXAMPLE, project, { recursive: true, filter: (source) => !/[/\\](out|__pycache__|\.ctrain)$/.test(source) });
    // No latency or cold-start budget: a test asserts no timings (the figures are still measured and recorded).
    const config = join(project, "ctrain.yml");
    const timeBudgets = / p95-ms: \d+, cold-start-ms: \d+,/;
    expect(readFileSync(config, "utf8")).toMatch(timeBudgets);
    writeFileSync(config, readFileSync(config, "utf8").replace(timeBudgets, ""));
    git(project, "init", "-q", "-b", "main");
    git(project, "add", "-A");
    git(project, "commit", "-qm", "baseline");
    // `python` is Debian's, which has scikit-learn, for both the trainer and serve_check.py.
    bin = mkdtempSync(join(tmpdir(), "ctrain-python-"));
    symlinkSync("/usr/bin/python3", join(bin, "python"));
  });
  afterAll(() => {
    rmSync(project, { recursive: true, force: true });
    rmSync(bin, { recursive: true, force: true });
  });

  it("trains, serves its model within its memory and size budgets, and records scikit-learn's regression metrics", () => {
    const result = spawnSync(process.execPath, [cli, "run"], {
      cwd: project,
      encoding: "utf8",
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, GIT_CONFIG_GLOBAL: "/dev/null" },
    });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^model test: passed$/m);
    const bundle = join(project, ".ctrain");
    const modelTest = ModelTestDocument.parse(JSON.parse(readFileSync(join(bundle, "model-test.json"), "utf8")));
    expect(modelTest.contract).toEqual({ schema: "serve_contract.json", checked: 133, failed: 0 });

    const run = RunDocument.parse(JSON.parse(readFileSync(join(bundle, "run.json"), "utf8")));
    const reference = spawnSync("/usr/bin/python3", ["-c", SKLEARN_METRICS, join(project, "out/predictions.csv")], {
      encoding: "utf8",
    });
    expect(reference.status, reference.stderr).toBe(0);
    for (const [name, value] of Object.entries(JSON.parse(reference.stdout) as Record<string, number>)) {
      expect(Math.abs((run.metrics[name] as number) - value), name).toBeLessThanOrEqual(
        1e-9 * Math.max(1, Math.abs(value)),
      );
    }
    // Declared a regression: whole-number targets are not read as class labels.
    expect(run.metrics.accuracy).toBeUndefined();
    expect(Object.keys(run.metrics).filter((name) => name.startsWith("slice:age_band=")).length).toBeGreaterThan(0);
    expect(run.metrics["model-test:latency-p95-ms"]).toBe(modelTest.figures.find((f) => f.name === "p95-ms")!.value);
  });
});

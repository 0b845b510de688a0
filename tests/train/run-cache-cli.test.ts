import { createHash } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bundle } from "@ctrain/core";
import { ctrain, exampleRepository } from "../support/cli.js";

// The example says `python`; this machine's scikit-learn is Debian's.
const COMMAND = ["--command", "/usr/bin/python3 train.py"];

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("the run cache with the scikit-learn example", () => {
  let project: string;
  beforeAll(() => {
    project = exampleRepository("sklearn-classifier");
    // Its model test serves with Debian's python3 too, and no figure here may depend on timing.
    const config = join(project, "ctrain.yml");
    writeFileSync(
      config,
      readFileSync(config, "utf8")
        .replace("command: python serve_check.py", "command: /usr/bin/python3 serve_check.py")
        .replace(/budgets: \{[^}]*\}/, "budgets: { model-size-mb: 10 }"),
    );
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it("an unchanged re-run is a cache hit that skips training and says so; --force trains", () => {
    const first = ctrain(project, "run", ...COMMAND);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/run cache miss/);
    expect(first.stderr).toMatch(/run cache: saved in the local store/);
    const trained = new Bundle(join(project, ".ctrain")).read("run");
    const model = join(project, "out/model.joblib");
    const modelSha = sha256(model);
    rmSync(join(project, "out"), { recursive: true });

    const second = ctrain(project, "run", ...COMMAND);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/run cache hit \(key ctrain-run-\S+\): training skipped/);
    expect(second.stderr).not.toMatch(/^command succeeded/m);
    const cached = new Bundle(join(project, ".ctrain")).read("run");
    expect(cached.cached).toMatchObject({ source: trained.source, trainedAt: trained.createdAt });
    // The cache skips training, not the model test: its figures are measured again on the restored model.
    const trainedMetrics = (metrics: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(metrics).filter(([name]) => !name.startsWith("model-test:")));
    expect(trainedMetrics(cached.metrics)).toEqual(trainedMetrics(trained.metrics));
    expect(sha256(model)).toBe(modelSha);
    const report = readFileSync(join(project, ".ctrain/report.md"), "utf8");
    expect(report).toMatch(
      /<b>Cached<\/b>: training skipped, the results are those of an earlier run at commit [0-9a-f]{12}/,
    );

    const forced = ctrain(project, "run", ...COMMAND, "--force");
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/run cache: forced, training runs/);
    expect(forced.stderr).toMatch(/^command succeeded/m);
    expect(new Bundle(join(project, ".ctrain")).read("run").cached).toBeUndefined();
  });
});

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ModelTestDocument, RunDocument } from "@ctrain/core";
import { git } from "../support/cli.js";
import { bundleFromSource } from "../support/source-bundle.js";
import { SERVE_SCRIPT } from "./fixture.js";

/** The CLI built from the working tree (dist/ may lag behind the sources). */
let cli: string;
beforeAll(async () => {
  cli = await bundleFromSource("cli");
});

function ctrain(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Saves the model text params.json gives it, so a test can train a model that cannot be loaded.
const TRAIN = `
import { readFileSync, writeFileSync } from "node:fs";
const { model } = JSON.parse(readFileSync("params.json", "utf8"));
writeFileSync("model.json", model);
writeFileSync("metrics.json", JSON.stringify({ accuracy: 0.9 }));
`;

function config(modelTest: string[], compare: string[] = []): string {
  return [
    "train:",
    "  command: node train.mjs",
    "  params: params.json",
    "  metrics: metrics.json",
    "  model-files: model.json",
    "model-test:",
    "  command: [node, serve.mjs]",
    "  inputs: golden.jsonl",
    "  contract: { schema: contract.json }",
    "  requests: 10",
    "  warm-up: 0",
    ...modelTest.map((line) => `  ${line}`),
    "compare:",
    "  baseline: none",
    "  metrics:",
    "    accuracy: { direction: higher, min: 0.5 }",
    ...compare.map((line) => `    ${line}`),
  ].join("\n");
}

const projects: string[] = [];
afterEach(() => {
  for (const dir of projects.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(ctrainYml: string, model = '{"threshold": 1.5}'): string {
  const dir = mkdtempSync(join(tmpdir(), "ctrain-cli-model-test-"));
  projects.push(dir);
  writeFileSync(join(dir, "ctrain.yml"), ctrainYml);
  writeFileSync(join(dir, "train.mjs"), TRAIN);
  writeFileSync(join(dir, "serve.mjs"), SERVE_SCRIPT);
  writeFileSync(join(dir, "params.json"), JSON.stringify({ model }));
  writeFileSync(join(dir, "golden.jsonl"), '{"x": 1}\n{"x": 2}\n{"x": 3}\n');
  writeFileSync(
    join(dir, "contract.json"),
    JSON.stringify({ type: "object", required: ["score"], properties: { score: { type: "number", maximum: 1 } } }),
  );
  writeFileSync(join(dir, ".gitignore"), ".ctrain/\n.ctrain-store/\n");
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "first model");
  return dir;
}

const bundleFile = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, ".ctrain", file), "utf8"));

describe("ctrain run with a model-test section", () => {
  it("passes a model that loads and keeps its contract and budgets, and compares its figures like any metric", () => {
    const dir = project(config(["budgets: { p95-ms: 5000, model-size-mb: 1 }"]));
    const result = ctrain(dir, "run");
    expect(result.stderr).toMatch(/== model-test/);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^model test: passed$/m);
    expect(result.stdout).toMatch(/^ {2}ok {4}p95 latency +\d+\.\d\d ms {2}\(budget 5000 ms\)$/m);
    const run = RunDocument.parse(bundleFile(dir, "run.json"));
    expect(run.metrics["model-test:latency-p95-ms"]).toBeGreaterThan(0);
    expect(ModelTestDocument.parse(bundleFile(dir, "model-test.json")).passed).toBe(true);
    expect(bundleFile(dir, "comparison.json").verdict).toBe("passed");
  });

  it("fails on a gate of compare.metrics over a model-test figure, as on any metric", () => {
    const dir = project(config([], ["model-test:latency-p95-ms: { direction: lower, max: 0.000001 }"]));
    const result = ctrain(dir, "run");
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^model test: passed$/m);
    expect(bundleFile(dir, "comparison.json").failed).toEqual(["model-test:latency-p95-ms"]);
  });

  it("fails when the model file cannot be loaded, with the reason and the command's last words", () => {
    const dir = project(config([]), "{ this is not a model");
    const result = ctrain(dir, "run");
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "model test failed: the model could not be loaded: the command exited with code 1 before printing `ready`",
    );
    expect(result.stdout).toContain("not comparing: the model test failed");
    expect(result.stderr).toMatch(/SyntaxError/);
    expect(bundleFile(dir, "model-test.json").failures[0].kind).toBe("load");
    // A model that cannot be served is never compared, so never anyone's baseline.
    expect(() => bundleFile(dir, "comparison.json")).toThrow(/ENOENT/);
  });

  it("fails when an output breaks the contract, naming the request's line and the field", () => {
    const dir = project(config(["env: { SERVE_MODE: wrong }"]));
    const result = ctrain(dir, "run");
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "model test failed: golden.jsonl:2: score: the response breaks contract.json: /score must be <= 1, got 1.5",
    );
  });

  it("fails when the p95 latency is past its budget", () => {
    const dir = project(config(["env: { SERVE_MODE: slow, SERVE_DELAY_MS: '25' }", "budgets: { p95-ms: 5 }"]));
    const result = ctrain(dir, "run");
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^model test failed: p95 latency \d+(\.\d+)? ms is over its budget of 5 ms \(model-test\.budgets\.p95-ms\)$/m,
    );
    expect(result.stdout).toMatch(/^ {2}over {2}p95 latency/m);
  });

  it("runs alone as `ctrain model-test` after `ctrain train`, and says when there is no section", () => {
    const dir = project(config([]));
    expect(ctrain(dir, "train").code).toBe(0);
    const tested = ctrain(dir, "model-test");
    expect(tested.code, tested.stderr).toBe(0);
    expect(tested.stdout).toMatch(/^model test: passed$/m);

    writeFileSync(join(dir, "ctrain.yml"), "train:\n  command: node train.mjs\n");
    const missing = ctrain(dir, "model-test");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /ctrain\.yml: no model test is configured: ctrain\.yml has no `model-test:` section/,
    );
    expect(missing.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});

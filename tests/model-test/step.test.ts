import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { Bundle, ModelTestDocument, UserError } from "@ctrain/core";
import { runModelTestStep } from "@ctrain/model-test";
import { processesTagged } from "../train/processes.js";
import { modelTestWorkspace } from "./fixture.js";

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

async function modelTest(settings: Record<string, unknown> = {}) {
  const workspace = modelTestWorkspace(settings);
  roots.push(workspace.root);
  const document = await runModelTestStep({
    config: workspace.config,
    root: workspace.root,
    bundleDir: workspace.bundleDir,
  });
  return { document, bundle: new Bundle(workspace.bundleDir), workspace };
}

describe("the model-test step", () => {
  it("passes a model that loads, keeps its contract and its budgets, and records the figures as run metrics", async () => {
    const { document, bundle } = await modelTest({
      contract: { schema: "contract.json", expected: "expected.csv" },
      budgets: { "p95-ms": 5000, "cold-start-ms": 20_000, "model-size-mb": 1 },
    });
    expect(document.failures).toEqual([]);
    expect(document.passed).toBe(true);
    expect(document.contract).toMatchObject({ checked: 3, failed: 0 });
    expect(document.latency).toMatchObject({ requests: 20, warmUp: 2 });
    expect(ModelTestDocument.parse(bundle.read("model-test"))).toEqual(document);
    const metrics = bundle.read("run").metrics;
    expect(metrics.accuracy).toBe(0.9);
    for (const name of ["cold-start-ms", "latency-p50-ms", "latency-p95-ms", "latency-p99-ms", "model-size-mb"]) {
      expect(typeof metrics[`model-test:${name}`], name).toBe("number");
    }
    expect(metrics["model-test:model-size-mb"]).toBeCloseTo(17 / 1024 / 1024, 12);
    if (process.platform === "linux") expect(metrics["model-test:peak-memory-mb"]).toBeGreaterThan(1);
  });

  it("fails a model that cannot be loaded, with the command's exit and its log", async () => {
    const { document } = await modelTest({ env: { SERVE_MODE: "crash" } });
    expect(document.passed).toBe(false);
    expect(document.failures[0]).toMatchObject({ kind: "load" });
    expect(document.failures[0]!.message).toBe(
      "the model could not be loaded: the command exited with code 3 before printing `ready`",
    );
    expect(document.logTail).toContain("cannot unpickle the model");
    expect(document.figures.map((figure) => figure.name)).toEqual(["model-size-mb"]);
  });

  it("fails a model that never gets ready within the ready timeout, and stops it and every process it started", async () => {
    const tag = randomUUID();
    const { document } = await modelTest({ env: { SERVE_MODE: "hang", TREE_TEST_TAG: tag }, "ready-timeout": "1s" });
    expect(processesTagged(tag)).toEqual([]);
    expect(document.failures[0]).toMatchObject({
      kind: "load",
      message: "the model could not be loaded: the command printed nothing for 1s before printing `ready`",
    });
  });

  it("fails outputs that break the JSON Schema, naming the request's line and the field", async () => {
    const { document } = await modelTest({ env: { SERVE_MODE: "wrong" } });
    expect(document.passed).toBe(false);
    expect(document.contract).toMatchObject({ checked: 3, failed: 1 });
    expect(document.failures).toEqual([
      {
        kind: "contract",
        location: "golden.jsonl:2",
        field: "score",
        message: "the response breaks contract.json: /score must be <= 1, got 1.5",
      },
    ]);
  });

  it("fails outputs off the expected CSV beyond the tolerance, naming line, field and expected row", async () => {
    const { document } = await modelTest({
      env: { SERVE_MODE: "wrong" },
      contract: { expected: "expected.csv", "absolute-tolerance": 0.1, "relative-tolerance": 0 },
    });
    expect(document.failures).toEqual([
      {
        kind: "contract",
        location: "golden.jsonl:2",
        field: "score",
        message: "the response holds 1.5, expected 0.5 within 0.100 (expected.csv:3)",
      },
    ]);
  });

  it("fails a response that is not a JSON object as a protocol failure at its request", async () => {
    const { document } = await modelTest({ env: { SERVE_MODE: "text" } });
    expect(document.failures).toEqual([
      { kind: "protocol", location: "golden.jsonl:1", message: 'the response is not JSON: "label=0"' },
    ]);
  });

  it("fails a p95 latency past its budget, and still records the figure for compare's gates", async () => {
    const { document, bundle } = await modelTest({
      env: { SERVE_MODE: "slow", SERVE_DELAY_MS: "30" },
      requests: 5,
      "warm-up": 0,
      budgets: { "p95-ms": 10 },
    });
    expect(document.passed).toBe(false);
    expect(document.failures).toHaveLength(1);
    expect(document.failures[0]!.kind).toBe("budget");
    expect(document.failures[0]!.message).toMatch(
      /^p95 latency \d+(\.\d+)? ms is over its budget of 10 ms \(model-test\.budgets\.p95-ms\)$/,
    );
    // The model sleeps 30 ms per answer; its timer may end a fraction of a millisecond early on this clock.
    expect(bundle.read("run").metrics["model-test:latency-p95-ms"]).toBeGreaterThanOrEqual(29);
  });

  it("reads CSV golden inputs with numbers as numbers", async () => {
    const workspace = modelTestWorkspace({ inputs: "golden.csv" });
    roots.push(workspace.root);
    const { writeFileSync } = await import("node:fs");
    writeFileSync(`${workspace.root}/golden.csv`, "x\n1\n2\n3\n");
    const document = await runModelTestStep({
      config: workspace.config,
      root: workspace.root,
      bundleDir: workspace.bundleDir,
    });
    expect(document.failures).toEqual([]);
    expect(document.inputs).toEqual({ file: "golden.csv", requests: 3 });
  });

  it("refuses a run whose model file is gone, and a config without a model-test section", async () => {
    const workspace = modelTestWorkspace();
    roots.push(workspace.root);
    rmSync(`${workspace.root}/model.json`);
    const run = () =>
      runModelTestStep({ config: workspace.config, root: workspace.root, bundleDir: workspace.bundleDir });
    await expect(run()).rejects.toThrow(UserError);
    await expect(run()).rejects.toThrow("the model file model.json recorded in run.json is not in the workspace");
    const { "model-test": _section, ...withoutSection } = workspace.config;
    await expect(
      runModelTestStep({ config: withoutSection, root: workspace.root, bundleDir: workspace.bundleDir }),
    ).rejects.toThrow("ctrain.yml has no `model-test:` section");
  });

  it("refuses an image when Docker is not available, saying so before anything runs", async () => {
    const workspace = modelTestWorkspace({ image: "python:3.12-slim" });
    roots.push(workspace.root);
    const path = process.env.PATH;
    process.env.PATH = workspace.root; // no docker here
    try {
      const error = await runModelTestStep({
        config: workspace.config,
        root: workspace.root,
        bundleDir: workspace.bundleDir,
      }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).message).toMatch(/^model-test\.image is set, but Docker is not available: /);
      expect((error as UserError).location).toBe("model-test.image");
    } finally {
      process.env.PATH = path;
    }
    expect(new Bundle(workspace.bundleDir).has("model-test")).toBe(false);
  });
});

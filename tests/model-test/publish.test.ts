import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { UserError, type ModelTestDocument } from "@ctrain/core";
import { LocalModelRegistry } from "@ctrain/local";
import { publishModel, verdictProblems } from "@ctrain/publish";
import { MODEL, makeWorkspace, publishConfig } from "../publish/workspace.js";

function modelTest(overrides: Partial<ModelTestDocument> = {}): ModelTestDocument {
  return {
    schema: "ctrain.model-test/v1",
    createdAt: "2026-01-02T03:05:00Z",
    command: "python serve_check.py | <b>x</b>",
    passed: true,
    failures: [],
    inputs: { file: "golden.jsonl", requests: 3 },
    contract: { schema: "contract.json", checked: 3, failed: 0 },
    figures: [
      { name: "cold-start-ms", metric: "model-test:cold-start-ms", value: 812.5, budget: 2000, passed: true },
      { name: "p95-ms", metric: "model-test:latency-p95-ms", value: 3.25, budget: 50, passed: true },
      { name: "model-size-mb", metric: "model-test:model-size-mb", value: 1.5, passed: true },
    ],
    latency: { requests: 100, warmUp: 10, meanMs: 2, maxMs: 4 },
    model: { files: 1, bytes: 1572864 },
    logTail: [],
    ...overrides,
  };
}

const failedTest = modelTest({
  passed: false,
  failures: [
    {
      kind: "contract",
      location: "golden.jsonl:2",
      field: "score",
      message: "the response breaks contract.json: /score must be <= 1, got 1.5",
    },
  ],
});

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the publish gate and the model test", () => {
  it("refuses a run whose model test failed, naming the request's line, the field and why", () => {
    const { run, bundle } = makeWorkspace();
    dirs.push(join(bundle.root, ".."));
    const comparison = bundle.read("comparison");
    expect(verdictProblems({ run, comparison, modelTest: modelTest() })).toEqual([]);
    expect(verdictProblems({ run, comparison, modelTest: failedTest })).toEqual([
      "the model test failed (model-test.json): golden.jsonl:2: score: the response breaks contract.json: /score must be <= 1, got 1.5",
    ]);
  });

  it("refuses to publish a bundle whose model-test.json failed, and publishes the figures on the card when it passed", async () => {
    const failing = makeWorkspace();
    dirs.push(failing.root);
    failing.bundle.write("model-test", failedTest);
    const registryDir = mkdtempSync(join(tmpdir(), "ctrain-registry-"));
    dirs.push(registryDir);
    const options = (workspace: ReturnType<typeof makeWorkspace>) => ({
      bundle: workspace.bundle,
      modelRoot: workspace.root,
      model: MODEL,
      publish: publishConfig(),
      registry: new LocalModelRegistry(registryDir),
      workDir: join(workspace.root, "tmp"),
    });
    const refused = await publishModel(options(failing)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UserError);
    expect((refused as UserError).message).toMatch(/^publish refused: the model test failed \(model-test\.json\)/);

    const passing = makeWorkspace();
    dirs.push(passing.root);
    passing.bundle.write("model-test", modelTest());
    const published = await publishModel(options(passing));
    const card = readFileSync(join(registryDir, "churn", published.release.version, "model-card.md"), "utf8");
    const serving = card.slice(card.indexOf("## Serving"), card.indexOf("## Lineage"));
    expect(serving).toContain("verdict: **passed**");
    expect(serving).toContain("3 of 3 responses kept the contract");
    expect(serving).toMatch(/\| p95 latency \| 3\.25 ms \| 50 ms \| passed \|/);
    expect(serving).toMatch(/\| model size \| 1\.5 MiB \| - \| passed \|/);
    // The command is the config's text: shown as a code span, where markup stays text.
    expect(serving).toContain("Loaded and served by `python serve_check.py | <b>x</b>` on 3 golden inputs");
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bundle } from "@ctrain/core";
import type { RepoRecord, WorkflowRunRecord } from "../harness/github-fake/index.js";
import { startHarness, type Harness } from "../harness/harness.js";
import { runAction } from "../harness/run-action.js";
import { loadWebhookExample, retargetWebhook } from "../harness/webhook-examples.js";
import { SERVE_SCRIPT } from "../model-test/fixture.js";

const CONFIG = (serveMode: string) => `
train:
  command: echo '{"threshold":1.5}' > model.json
  model-files: model.json
model-test:
  command: [node, serve.mjs]
  inputs: golden.jsonl
  contract: { schema: contract.json }
  requests: 20
  env: { SERVE_MODE: ${serveMode} }
  budgets: { p95-ms: 5000, model-size-mb: 1 }
`;

describe("model-test action, end to end", () => {
  // One harness for the file: @actions/artifact reads GITHUB_API_URL once, when first imported.
  let harness: Harness;
  let repo: RepoRecord;
  const savedEnv = { ...process.env };
  const downloads: string[] = [];

  beforeAll(async () => {
    harness = await startHarness("ctrain-model-test-e2e-");
    writeFileSync(join(harness.workspace, "serve.mjs"), SERVE_SCRIPT);
    writeFileSync(join(harness.workspace, "golden.jsonl"), '{"x": 1}\n{"x": 2}\n{"x": 3}\n');
    writeFileSync(
      join(harness.workspace, "contract.json"),
      JSON.stringify({ type: "object", properties: { score: { type: "number", maximum: 1 } } }),
    );
    repo = harness.fake.state.addRepo("octo/churn");
  });
  afterAll(async () => {
    process.env = { ...savedEnv };
    for (const dir of downloads.splice(0)) rmSync(dir, { recursive: true, force: true });
    await harness.stop();
  });

  /** train, then model-test, as two steps of one job on a push. */
  async function trainThenTest(serveMode: string) {
    const { fake, runtime, workspace } = harness;
    writeFileSync(join(workspace, "ctrain.yml"), CONFIG(serveMode));
    rmSync(join(workspace, ".ctrain"), { recursive: true, force: true });
    const payload = retargetWebhook(fake, loadWebhookExample("push"), { repo: "octo/churn" });
    const event = { name: "push", payload: payload as unknown as Record<string, unknown> };
    const run = fake.state.addWorkflowRun(repo, { workflow: "ci.yml", event: "push", headBranch: "main" });
    const train = await runAction("train", { github: fake, runtime, event, run, workspace, permissions: {} });
    expect(train.exitCode, train.stdout + train.stderr).toBe(0);
    const step = await runAction("model-test", { github: fake, runtime, event, run, workspace, permissions: {} });
    return { run, step };
  }

  /** Downloads the run's bundle artifact through the real toolkit, as a later run's compare step would. */
  async function downloadedBundle(run: WorkflowRunRecord, artifactId: number): Promise<Bundle> {
    const { fake, runtime } = harness;
    Object.assign(process.env, {
      ACTIONS_RUNTIME_TOKEN: runtime.runtimeToken(run),
      ACTIONS_RESULTS_URL: runtime.resultsUrl,
      GITHUB_API_URL: fake.url,
      GITHUB_SERVER_URL: fake.webUrl,
    });
    const { downloadBundleArtifact } = await import("@ctrain/github");
    const dest = mkdtempSync(join(tmpdir(), "ctrain-model-test-download-"));
    downloads.push(dest);
    return downloadBundleArtifact({
      artifactId,
      dest,
      token: fake.issueToken({ kind: "installation", permissions: { actions: "read" } }),
      runId: run.id,
      repository: { owner: "octo", repo: "churn" },
    });
  }

  it("tests the trained model, sets its figures as outputs, and replaces the run's bundle artifact with the fuller one", async () => {
    const { run, step } = await trainThenTest("ok");
    expect(step.exitCode).toBe(0);
    expect(step.annotations).toEqual([]);
    expect(step.outputs.passed).toBe("true");
    for (const name of ["cold-start-ms", "p50-ms", "p95-ms", "p99-ms", "peak-memory-mb", "model-size-mb"]) {
      expect(Number(step.outputs[name]), name).toBeGreaterThan(0);
    }
    expect(step.log).toMatch(/contract: 3 of 3 responses conform/);

    const artifacts = [...repo.artifacts.values()].filter((artifact) => artifact.runId === run.id);
    expect(artifacts.map((artifact) => artifact.name)).toEqual(["ctrain-run-ctrain"]);
    const bundle = await downloadedBundle(run, artifacts[0]!.id);
    expect(bundle.read("model-test").passed).toBe(true);
    expect(bundle.read("run").metrics["model-test:latency-p95-ms"]).toBe(Number(step.outputs["p95-ms"]));
  });

  it("fails the step with the reason when the model cannot be loaded, and still uploads the record", async () => {
    const { run, step } = await trainThenTest("crash");
    expect(step.exitCode).toBe(1);
    expect(step.outputs.passed).toBe("false");
    expect(step.annotations).toEqual([
      expect.objectContaining({
        level: "error",
        message:
          "model test failed: the model could not be loaded: the command exited with code 3 before printing `ready`",
      }),
    ]);
    expect(step.log).toContain("cannot unpickle the model");
    const artifacts = [...repo.artifacts.values()].filter((artifact) => artifact.runId === run.id);
    expect(artifacts).toHaveLength(1);
    expect((await downloadedBundle(run, artifacts[0]!.id)).read("model-test").failures[0]!.kind).toBe("load");
  });

  it("without a model-test section, fails by default and is skipped with if-unconfigured: skip, as the reusable workflow asks", async () => {
    const { fake, runtime, workspace } = harness;
    writeFileSync(join(workspace, "ctrain.yml"), "train:\n  command: 'true'\n");
    const payload = retargetWebhook(fake, loadWebhookExample("push"), { repo: "octo/churn" });
    const event = { name: "push", payload: payload as unknown as Record<string, unknown> };
    const run = fake.state.addWorkflowRun(repo, { workflow: "ci.yml", event: "push", headBranch: "main" });
    const refused = await runAction("model-test", { github: fake, runtime, event, run, workspace, permissions: {} });
    expect(refused.exitCode).toBe(1);
    expect(refused.annotations[0]?.message).toMatch(
      /no model test is configured: ctrain.yml has no `model-test:` section/,
    );
    const skipped = await runAction("model-test", {
      github: fake,
      runtime,
      event,
      run,
      workspace,
      permissions: {},
      inputs: { "if-unconfigured": "skip" },
    });
    expect(skipped.exitCode).toBe(0);
    expect(skipped.outputs).toEqual({ tested: "false" });
    expect(skipped.log).toContain("ctrain.yml has no `model-test:` section: the model is not tested");
  });
});

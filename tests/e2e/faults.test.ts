/**
 * A bad day on GitHub, through the bundled actions: outages, resets, DNS failures, hangs, rejected tokens, long
 * rate limits and hostile archives. Each step either goes on without what is optional (a baseline), saying why, or
 * fails with one line that says what failed, whose side it is on and what to do, quickly and without a stack trace.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ComparisonDocument, RunDocument, serializeDocument } from "@ctrain/core";
import type { Fault } from "../harness/faults.js";
import type { RepoRecord } from "../harness/github-fake/index.js";
import { startHarness, type Harness } from "../harness/harness.js";
import { runAction, type ActionResult } from "../harness/run-action.js";
import { loadWebhookExample, retargetWebhook } from "../harness/webhook-examples.js";
import { workflowJobPermissions } from "../harness/workflow-permissions.js";
import { createZip } from "../harness/zip.js";
import { makeWorkspace, writeFile } from "../publish/workspace.js";

const PIPELINE = workflowJobPermissions("continuous-training.yml", "pipeline");
const PUBLISH = workflowJobPermissions("release-model.yml", "publish");
const DEPLOY = workflowJobPermissions("deploy-model.yml", "deploy");

const CONFIG = `
data:
  datasets:
    train:
      path: data/train.csv
      columns:
        age: { type: integer, min: 18, max: 100 }
compare:
  metrics:
    accuracy: { direction: higher, min: 0.5, change: { absolute: -0.05 } }
`;

const OUTAGE_503: Fault = { kind: "status", status: 503, body: "html" };

let harness: Harness;
let repo: RepoRecord;
let baseSha: string;
let headSha: string;
let pullNumber: number;

beforeEach(async () => {
  harness = await startHarness("ctrain-faults-e2e-");
  repo = harness.fake.state.addRepo("octo/churn");
  baseSha = harness.fake.state.addCommit(repo, { branch: "main", message: "baseline" }).sha;
  headSha = harness.fake.state.addCommit(repo, { branch: "feature", parents: [baseSha], message: "retrain" }).sha;
  pullNumber = harness.fake.state.addPull(repo, { head: "feature", user: "alice" }).number;
  mkdirSync(join(harness.workspace, "data"));
  writeFileSync(join(harness.workspace, "data", "train.csv"), "age\n20\n31\n45\n");
  writeFileSync(join(harness.workspace, "ctrain.yml"), CONFIG);
  mkdirSync(join(harness.workspace, ".ctrain"));
  writeFileSync(join(harness.workspace, ".ctrain", "run.json"), runRecord(headSha, "feature", 0.8));
});
afterEach(() => harness.stop());

/** A run record as train writes it. */
function runRecord(commit: string, branch: string, accuracy: number): string {
  const run = RunDocument.parse({
    schema: "ctrain.run/v1",
    name: "default",
    createdAt: "2026-11-29T08:00:00.000Z",
    source: { repository: "octo/churn", commit, branch },
    status: "succeeded",
    metrics: { accuracy },
  });
  return serializeDocument(run);
}

function pullRequestEvent() {
  const payload = retargetWebhook(
    harness.fake,
    loadWebhookExample("pull_request", (p) => p.action === "opened"),
    { repo: "octo/churn", pull: pullNumber },
  );
  return { name: "pull_request", payload: payload as unknown as Record<string, unknown> };
}

/** main's successful push run, holding `files` as its run bundle. */
function baselineRun(files: Parameters<typeof createZip>[0]) {
  const run = harness.fake.state.addWorkflowRun(repo, {
    workflow: "ci.yml",
    event: "push",
    headBranch: "main",
    headSha: baseSha,
    conclusion: "success",
  });
  harness.fake.state.addArtifact(run.id, { name: "ctrain-run-default", content: createZip(files) });
  return run;
}

function pipelineStep(action: "validate" | "compare", inputs: Record<string, string> = {}, env = {}) {
  return runAction(action, {
    github: harness.fake,
    runtime: harness.runtime,
    workspace: harness.workspace,
    event: pullRequestEvent(),
    permissions: PIPELINE,
    inputs,
    env,
    timeoutMs: 30_000,
  });
}

const errorsOf = (result: ActionResult) => result.annotations.filter((annotation) => annotation.level === "error");
const comparison = () =>
  ComparisonDocument.parse(JSON.parse(readFileSync(join(harness.workspace, ".ctrain", "comparison.json"), "utf8")));

/** What every faulted step must not show: GitHub's HTML page, a stack trace, octokit's request log as annotations. */
function expectCleanOutput(result: ActionResult): void {
  expect(result.stdout).not.toMatch(/<!DOCTYPE|<html/i);
  expect(result.stdout).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(result.stdout).not.toContain("please report this");
  expect(result.annotations.filter((annotation) => /^(GET|POST|PATCH|PUT|DELETE) \//.test(annotation.message))).toEqual(
    [],
  );
}

/** A step that fails on a fault: one error, naming it, with the advice. */
function expectFaultError(result: ActionResult, message: RegExp, hint: RegExp): void {
  expect(result.exitCode).toBe(1);
  expectCleanOutput(result);
  const errors = errorsOf(result);
  expect(errors).toHaveLength(1);
  expect(errors[0]!.message).toMatch(message);
  expect(errors[0]!.message).toMatch(hint);
}

describe("an optional baseline under faults", () => {
  it("validate goes on without a drift baseline when GitHub serves its 503 page, and still checks the data", async () => {
    baselineRun({ "run.json": runRecord(baseSha, "main", 0.7) });
    harness.fake.injectFault({ fault: OUTAGE_503, times: 100 });
    const started = Date.now();
    const result = await pipelineStep("validate");
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.exitCode).toBe(0);
    expectCleanOutput(result);
    expect(result.log).toMatch(/no baseline: .*GitHub answered 503 Service Unavailable to GET \/repos\/octo\/churn\//);
    expect(result.outputs.passed).toBe("true");
    expect(readFileSync(join(harness.workspace, ".ctrain", "validation.json"), "utf8")).toContain('"success": true');
  });

  it("compare goes on without a baseline when connections are reset, and notes why in comparison.json", async () => {
    harness.fake.injectFault({ fault: { kind: "reset" }, times: 100 });
    const result = await pipelineStep("compare");
    expect(result.exitCode).toBe(0);
    expectCleanOutput(result);
    const { baseline } = comparison();
    expect(baseline.kind).toBe("none");
    expect(baseline.notes.join("\n")).toMatch(
      /could not reach GitHub for GET \/repos\/octo\/churn\/.*ECONNRESET|socket/,
    );
    expect(baseline.notes.join("\n")).toContain("githubstatus.com");
    expect(result.outputs.verdict).toBe("passed");
  });

  it("compare with baseline: none asks GitHub nothing", async () => {
    const result = await pipelineStep("compare", { baseline: "none" });
    expect(result.exitCode).toBe(0);
    expect(harness.fake.requests).toEqual([]);
    expect(result.annotations.filter((annotation) => annotation.level !== "notice")).toEqual([]);
  });
});

describe("a required call under faults", () => {
  it("compare with a named run fails in one line when GitHub answers 503", async () => {
    harness.fake.injectFault({ route: "actions/get-workflow-run", fault: { kind: "status", status: 503 }, times: 4 });
    const result = await pipelineStep("compare", { baseline: "run:4242" });
    expectFaultError(
      result,
      /GitHub answered 503 Service Unavailable to GET \/repos\/octo\/churn\/actions\/runs\/4242, after retries: the fault is on GitHub's side/,
      /re-run the job in a few minutes; if it keeps failing, check https:\/\/www\.githubstatus\.com/,
    );
    expect(harness.fake.faultsServed).toHaveLength(4);
  });

  it("compare gives up on an API that accepts the connection and never answers", async () => {
    harness.fake.injectFault({ route: "actions/get-workflow-run", fault: { kind: "hang" }, times: 4 });
    const started = Date.now();
    const result = await pipelineStep("compare", { baseline: "run:4242" }, { CTRAIN_GITHUB_TIMEOUT_MS: "300" });
    expect(Date.now() - started).toBeLessThan(15_000);
    expectFaultError(
      result,
      /GitHub did not answer GET \/repos\/octo\/churn\/actions\/runs\/4242 \(no answer within 0\.3 s/,
      /githubstatus/,
    );
  });

  it("publish fails in one line when GitHub serves its 503 page", async () => {
    harness.fake.injectFault({ fault: OUTAGE_503, times: 100 });
    const result = await publishStep();
    expectFaultError(
      result,
      /GitHub answered 503 Service Unavailable to GET \/repos\/octo\/churn\/releases/,
      /githubstatus/,
    );
    expect(repo.releases.size).toBe(0);
  });

  it("publish fails in one line on a token GitHub does not know", async () => {
    const result = await publishStep("ghs_revokedrevokedrevokedrevoked");
    expectFaultError(
      result,
      /GitHub rejected the token for GET \/repos\/octo\/churn\/.* \(Bad credentials\)/,
      /pass a valid token in the `github-token` input/,
    );
  });

  it("fetch-model fails in one line when the API's host does not resolve", async () => {
    const result = await fetchModelStep({ GITHUB_API_URL: "http://api.github.invalid" });
    expectFaultError(
      result,
      /could not reach GitHub for GET \/repos\/octo\/churn\/releases: .*(ENOTFOUND|EAI_AGAIN)/,
      /DNS/,
    );
  });

  it("fetch-model fails at once on a rate limit that asks for an hour, instead of sleeping", async () => {
    harness.fake.injectFault({
      route: "repos/list-releases",
      fault: { kind: "secondary-rate-limit", status: 429, retryAfter: 3600 },
    });
    const started = Date.now();
    const result = await fetchModelStep({ CTRAIN_GITHUB_RETRY_UNIT_MS: "1000" });
    expect(Date.now() - started).toBeLessThan(15_000);
    expectFaultError(
      result,
      /GET \/repos\/octo\/churn\/releases was refused: GitHub's secondary rate limit stopped it; GitHub asks to wait 3600 s, about 60 min/,
      /re-run the job when the limit resets/,
    );
  });

  function publishStep(token?: string) {
    const workspace = makeWorkspace({ commit: headSha });
    writeFile(
      join(workspace.root, "ctrain.yml"),
      "model:\n  name: churn\n  license: mit\npublish:\n  approval: none\n",
    );
    return runAction("publish", {
      github: harness.fake,
      event: pullRequestEvent(),
      workspace: workspace.root,
      permissions: PUBLISH,
      ...(token ? { token } : {}),
      timeoutMs: 30_000,
    }).finally(() => rmSync(workspace.root, { recursive: true, force: true }));
  }

  function fetchModelStep(env: Record<string, string>) {
    const push = retargetWebhook(harness.fake, loadWebhookExample("push"), { repo: "octo/churn" });
    return runAction("fetch-model", {
      github: harness.fake,
      event: { name: "push", payload: push as unknown as Record<string, unknown> },
      workspace: harness.workspace,
      permissions: DEPLOY,
      inputs: { model: "churn" },
      env,
      timeoutMs: 30_000,
    });
  }
});

describe("a hostile baseline artifact", () => {
  it("is refused past the entry cap, before anything is extracted, and compare goes on without it", async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index <= 2000; index++) files[`filler/${index}.txt`] = "x";
    baselineRun(files);
    const result = await pipelineStep("compare");
    expect(result.exitCode).toBe(0);
    const { baseline } = comparison();
    expect(baseline.kind).toBe("none");
    expect(baseline.notes.join("\n")).toMatch(/was refused: it holds 2001 entries, more than the 2000 ctrain extracts/);
  });

  it("is refused when an entry inflates past the size it declares", async () => {
    baselineRun({
      "run.json": runRecord(baseSha, "main", 0.7),
      "model.bin": { data: Buffer.alloc(8 * 1024 ** 2), deflate: true, declaredSize: 10 },
    });
    const result = await pipelineStep("compare");
    expect(result.exitCode).toBe(0);
    expect(comparison().baseline.notes.join("\n")).toMatch(/its entry model\.bin inflates past its declared 10 bytes/);
  });
});

/**
 * Re-runs and races through the bundled actions: "Re-run jobs" is another attempt of the same workflow run, which
 * keeps the earlier attempts' artifacts, check runs and comments; an older push's run may finish after a newer one.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GitHubFake, RepoRecord, WorkflowRunRecord } from "../harness/github-fake/index.js";
import { startHarness, type Harness } from "../harness/harness.js";
import { runAction, type ActionResult } from "../harness/run-action.js";
import { loadWebhookExample, retargetWebhook } from "../harness/webhook-examples.js";

const REPORT_FIXTURES = join(import.meta.dirname, "../fixtures/report");
const MARKER = "<!-- ctrain:report:ctrain -->";
const ATTEMPTS = 5;

let harness: Harness;
let fake: GitHubFake;
let repo: RepoRecord;
let pullNumber: number;

beforeEach(async () => {
  harness = await startHarness("ctrain-reruns-e2e-");
  fake = harness.fake;
  repo = fake.state.addRepo("octo/churn");
  const base = fake.state.addCommit(repo, { branch: "main", message: "baseline model" });
  fake.state.addCommit(repo, { branch: "feature", parents: [base.sha], message: "deeper trees" });
  pullNumber = fake.state.addPull(repo, { head: "feature", user: "alice" }).number;
});
afterEach(() => harness.stop());

/** The run bundle a job's earlier steps left, from the report fixtures. */
function useBundle(fixture: string): void {
  const bundle = join(harness.workspace, ".ctrain");
  rmSync(bundle, { recursive: true, force: true });
  cpSync(join(REPORT_FIXTURES, fixture), bundle, { recursive: true });
}

function pullRequestEvent() {
  const example = loadWebhookExample("pull_request", (payload) => payload.action === "synchronize");
  const payload = retargetWebhook(fake, example, { repo: "octo/churn", pull: pullNumber });
  return { name: "pull_request", payload: payload as unknown as Record<string, unknown> };
}

/** GITHUB_TOKEN with exactly the `permissions:` of continuous-training.yml's job, which trains and reports. */
function pipelineToken(): string {
  return fake.issueToken({
    kind: "installation",
    permissions: { contents: "read", actions: "read", "pull-requests": "write", checks: "write" },
  });
}

/**
 * "Re-run jobs": the same workflow run with its attempt counted up. The job keeps its results-service identity, as
 * actions/upload-artifact's `overwrite` (the same runtime deletion) working on re-runs shows.
 */
function rerun(run: WorkflowRunRecord): WorkflowRunRecord {
  run.runAttempt += 1;
  return run;
}

function artifactNames(run: WorkflowRunRecord): string[] {
  return [...repo.artifacts.values()]
    .filter((artifact) => artifact.runId === run.id)
    .map((artifact) => artifact.name)
    .sort();
}

/** A checkout whose training command writes a metric, as a job leaves it before its train step. */
function trainingCheckout(): string {
  const workspace = mkdtempSync(join(tmpdir(), "ctrain-reruns-train-"));
  writeFileSync(
    join(workspace, "ctrain.yml"),
    ["train:", "  command: |", `    echo '{"accuracy": 0.91}' > ctrain-output/metrics.json`].join("\n"),
  );
  return workspace;
}

async function report(run?: WorkflowRunRecord, options: { event?: ReturnType<typeof pullRequestEvent> } = {}) {
  return runAction("report", {
    github: fake,
    runtime: harness.runtime,
    event: options.event ?? pullRequestEvent(),
    workspace: harness.workspace,
    run,
    token: pipelineToken(),
    inputs: { "trend-runs": 0 },
  });
}

function expectSucceeded(step: ActionResult): void {
  expect(step.exitCode, step.stderr + step.stdout).toBe(0);
  expect(step.annotations.filter((annotation) => annotation.level === "error")).toEqual([]);
}

describe("re-running a job", () => {
  it(`${ATTEMPTS} attempts of train and report leave one artifact per name, one check run and one comment`, async () => {
    useBundle("pr-failed");
    const checkout = trainingCheckout();
    try {
      const first = await runAction("train", {
        github: fake,
        runtime: harness.runtime,
        event: pullRequestEvent(),
        workspace: checkout,
        token: pipelineToken(),
        inputs: { name: "churn" },
      });
      expectSucceeded(first);
      const run = first.run;
      expectSucceeded(await report(run));
      for (let attempt = 2; attempt <= ATTEMPTS; attempt++) {
        rerun(run);
        const train = await runAction("train", {
          github: fake,
          runtime: harness.runtime,
          event: pullRequestEvent(),
          workspace: checkout,
          run,
          token: pipelineToken(),
          inputs: { name: "churn" },
        });
        expectSucceeded(train);
        expect(train.log).toMatch(/Artifact 'ctrain-run-churn' \(ID: \d+\) deleted/);
        expectSucceeded(await report(run));
      }
      expect(run.runAttempt).toBe(ATTEMPTS);
    } finally {
      rmSync(checkout, { recursive: true, force: true });
    }

    const [run] = [...repo.runs.values()];
    expect(artifactNames(run!)).toEqual(["ctrain-report-ctrain", "ctrain-run-churn"]);
    const checkRuns = [...repo.checkRuns.values()];
    expect(checkRuns.map((checkRun) => checkRun.name)).toEqual(["ctrain"]);
    expect(checkRuns[0]!.conclusion).toBe("failure");
    // GitHub appends annotations on every update: the re-runs added none twice.
    const keys = checkRuns[0]!.annotations.map((annotation) => JSON.stringify(annotation));
    expect(new Set(keys).size).toBe(keys.length);
    const comments = [...repo.issueComments.values()].filter((comment) => comment.issueNumber === pullNumber);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body.startsWith(MARKER)).toBe(true);
  });

  it("a first attempt still refuses a name another job of the run took (a matrix leg), deleting nothing", async () => {
    const checkout = trainingCheckout();
    try {
      const run = fake.state.addWorkflowRun(repo, { workflow: "ci.yml", event: "push", headBranch: "main" });
      const push = retargetWebhook(fake, loadWebhookExample("push"), { repo: "octo/churn" });
      const event = { name: "push", payload: push as unknown as Record<string, unknown> };
      const step = () =>
        runAction("train", {
          github: fake,
          runtime: harness.runtime,
          event,
          run,
          workspace: checkout,
          job: "twin",
          token: pipelineToken(),
        });
      expectSucceeded(await step());
      const kept = [...repo.artifacts.values()].map((artifact) => artifact.id);
      const second = await step();
      expect(second.exitCode).toBe(1);
      expect(second.annotations[0]!.message).toContain(
        "this workflow run already has an artifact named ctrain-run-twin",
      );
      expect([...repo.artifacts.values()].map((artifact) => artifact.id)).toEqual(kept);
    } finally {
      rmSync(checkout, { recursive: true, force: true });
    }
  });
});

describe("an older head's run finishing last", () => {
  it("leaves the newer head's report comment alone, and reports on its own commit's check run", async () => {
    useBundle("pr-failed");
    const olderEvent = pullRequestEvent();
    const olderHead = fake.state.pullHeadSha(fake.state.pull(repo, pullNumber));
    // A new push moves the pull request's head; its run reports first.
    const newerHead = fake.state.addCommit(repo, { branch: "feature", message: "fix the regression" }).sha;
    useBundle("pr-passed");
    const newer = await report();
    expectSucceeded(newer);

    // The run of the older push finishes afterwards.
    useBundle("pr-failed");
    const older = await report(undefined, { event: olderEvent });
    expectSucceeded(older);
    expect(older.log).toContain(
      `this run's commit ${olderHead.slice(0, 7)} is no longer the pull request's head (${newerHead.slice(0, 7)})`,
    );

    const comments = [...repo.issueComments.values()].filter((comment) => comment.issueNumber === pullNumber);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain("ctrain: passed");
    expect(comments[0]!.body).toContain(`<!-- ctrain:head:${newerHead} -->`);
    expect(older.outputs["comment-url"]).toBe(newer.outputs["comment-url"]);
    const checkRuns = [...repo.checkRuns.values()].map((checkRun) => [checkRun.headSha, checkRun.conclusion]);
    expect(checkRuns).toEqual([
      [newerHead, "success"],
      [olderHead, "failure"],
    ]);

    // A re-run of the newer head's job still updates its own report.
    useBundle("pr-failed");
    expectSucceeded(await report(rerun(newer.run)));
    expect(comments[0]!.body).toContain("ctrain: failed");
  });
});

describe("a report whose upload fails", () => {
  it("still writes the job summary, posts the comment, and warns with the reason", async () => {
    useBundle("pr-failed");
    // No Actions runtime: the artifact cannot be uploaded, as when the results service is down.
    const step = await runAction("report", {
      github: fake,
      event: pullRequestEvent(),
      workspace: harness.workspace,
      token: pipelineToken(),
      inputs: { "trend-runs": 0 },
    });
    expect(step.exitCode, step.stderr + step.log).toBe(0);
    expect(step.summary).toContain("## ❌ ctrain: failed");
    const warnings = step.annotations.filter((annotation) => annotation.level === "warning");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(
      /^the report is in the job summary, but uploading it as the ctrain-report-ctrain artifact failed: .*ACTIONS_RUNTIME_TOKEN/,
    );
    expect([...repo.issueComments.values()]).toHaveLength(1);
    expect([...repo.artifacts.values()]).toEqual([]);
  });
});

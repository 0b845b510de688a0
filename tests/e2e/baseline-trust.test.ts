import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ComparisonDocument, RunDocument, serializeDocument } from "@ctrain/core";
import type { GitHubFake, RepoRecord } from "../harness/github-fake/index.js";
import { startHarness, type Harness } from "../harness/harness.js";
import { runAction } from "../harness/run-action.js";
import { loadWebhookExample, retargetWebhook } from "../harness/webhook-examples.js";
import { workflowJobPermissions } from "../harness/workflow-permissions.js";

/** The token of continuous-training.yml's job, exactly as its `permissions:` block grants it. */
const PIPELINE = workflowJobPermissions("continuous-training.yml", "pipeline");
import { actionFromSource } from "../support/source-bundle.js";

function runRecord(options: {
  commit: string;
  branch: string;
  accuracy: number;
  comparison?: RunDocument["verdicts"]["comparison"];
}): string {
  return serializeDocument(
    RunDocument.parse({
      schema: "ctrain.run/v1",
      name: "train",
      createdAt: "2026-11-29T08:00:00.000Z",
      source: { repository: "octo/churn", commit: options.commit, branch: options.branch },
      status: "succeeded",
      metrics: { accuracy: options.accuracy },
      verdicts: options.comparison ? { comparison: options.comparison } : {},
    }),
  );
}

/** The compare action built from the sources, so the test holds the sources to the runner contract. */
let compareAction: { entry: string; metadata: string };
beforeAll(async () => {
  compareAction = await actionFromSource("compare");
});

describe("baselines come only from trusted runs", () => {
  let harness: Harness;
  let fake: GitHubFake;

  beforeEach(async () => {
    harness = await startHarness("ctrain-baseline-trust-");
    fake = harness.fake;
  });
  afterEach(() => harness.stop());

  function pullRequestPayload(pull: number): Record<string, unknown> {
    const example = loadWebhookExample("pull_request", (p) => p.action === "opened");
    return retargetWebhook(fake, example, { repo: "octo/churn", pull }) as unknown as Record<string, unknown>;
  }

  function runWithBundle(
    repo: RepoRecord,
    options: Parameters<GitHubFake["state"]["addWorkflowRun"]>[1] & { headSha: string },
    record: { accuracy: number; comparison?: RunDocument["verdicts"]["comparison"] },
  ) {
    const run = fake.state.addWorkflowRun(repo, options);
    fake.state.addArtifact(run.id, {
      name: "ctrain-run-train",
      files: {
        "run.json": runRecord({ commit: options.headSha, branch: options.headBranch ?? "main", ...record }),
      },
    });
    return run;
  }

  /**
   * main at `base` has a push run at accuracy 0.90. A fork's pull request from its own branch `main` (at the same
   * commit) ran later and uploaded a bundle at 0.10; `?branch=main` matches it. A later push run of main passed its
   * job but failed its gates (0.20). A same-repository pull request's candidate scores 0.80.
   */
  function setup(baseline: string) {
    const repo = fake.state.addRepo("octo/churn");
    const base = fake.state.addCommit(repo, {
      branch: "main",
      message: "baseline model",
      date: "2026-11-01T00:00:00Z",
    });
    const mainRun = runWithBundle(
      repo,
      {
        workflow: "ci.yml",
        event: "push",
        headBranch: "main",
        headSha: base.sha,
        conclusion: "success",
        createdAt: "2026-11-01T01:00:00Z",
      },
      { accuracy: 0.9, comparison: "passed" },
    );
    runWithBundle(
      repo,
      {
        workflow: "ci.yml",
        event: "push",
        headBranch: "main",
        headSha: base.sha,
        conclusion: "success",
        createdAt: "2026-11-01T02:00:00Z",
      },
      { accuracy: 0.2, comparison: "failed" },
    );
    const fork = fake.state.addRepo("mallory/churn", { forkOf: repo });
    fake.state.setBranch(fork, "main", base.sha);
    fake.state.addUser("mallory");
    const forkPull = fake.state.addPull(repo, { head: "main", headRepo: fork, user: "mallory" });
    const forkRun = runWithBundle(
      repo,
      {
        workflow: "ci.yml",
        event: "pull_request",
        headBranch: "main",
        headSha: base.sha,
        headRepo: fork,
        actor: "mallory",
        pullNumbers: [forkPull.number],
        conclusion: "success",
        createdAt: "2026-11-02T00:00:00Z",
      },
      { accuracy: 0.1, comparison: "passed" },
    );

    const head = fake.state.addCommit(repo, { branch: "feature", parents: [base.sha], message: "smaller model" });
    const pull = fake.state.addPull(repo, { head: "feature", user: "alice" });
    const workspace = harness.workspace;
    writeFileSync(
      join(workspace, "ctrain.yml"),
      `compare:\n  baseline: ${baseline}\n  metrics:\n    accuracy: { direction: higher, change: { absolute: -0.02 } }\n`,
    );
    mkdirSync(join(workspace, ".ctrain"), { recursive: true });
    writeFileSync(
      join(workspace, ".ctrain", "run.json"),
      runRecord({ commit: head.sha, branch: "feature", accuracy: 0.8 }),
    );
    return { mainRun, forkRun, base, payload: pullRequestPayload(pull.number) };
  }

  it.each(["branch:main", "auto"])(
    "with baseline: %s, compares with main's push run, not a fork's pull request from its own main",
    async (baseline) => {
      const { mainRun, forkRun, base, payload } = setup(baseline);
      const result = await runAction(compareAction, {
        github: fake,
        runtime: harness.runtime,
        workspace: harness.workspace,
        event: { name: "pull_request", payload },
        permissions: PIPELINE,
      });
      const comparison = ComparisonDocument.parse(
        JSON.parse(readFileSync(join(harness.workspace, ".ctrain", "comparison.json"), "utf8")),
      );
      expect(comparison.baseline.runId).toBe(mainRun.id);
      expect(comparison.baseline.commit).toBe(base.sha);
      expect(comparison.baseline.commitsBehind).toBe(baseline === "auto" ? 0 : undefined);
      expect(comparison.baseline.notes.join("\n")).toContain("its gates failed");
      const accuracy = comparison.rows.find((row) => row.name === "accuracy")!;
      expect(accuracy.baseline).toBe(0.9);
      expect(accuracy.verdict).toBe("failed");
      expect(comparison.verdict).toBe("failed");
      expect(result.exitCode).toBe(1);
      expect(result.outputs.verdict).toBe("failed");

      // Runs were asked for by trusted event; the fork's run was never opened.
      const listings = fake.requests.filter((request) => /\/actions\/workflows\/[^/]+\/runs\?/.test(request.path));
      const events = listings.map((request) => new URL(request.path, "http://x").searchParams.get("event"));
      expect(events.length).toBeGreaterThan(0);
      expect(new Set(events)).toEqual(new Set(["push", "schedule", "workflow_dispatch"]));
      expect(fake.requests.some((request) => request.path.includes(`/actions/runs/${forkRun.id}/`))).toBe(false);
    },
  );

  it("on a push, compares with the previous commit's successful run, never with this run's earlier attempt", async () => {
    const repo = fake.state.addRepo("octo/churn");
    const previous = fake.state.addCommit(repo, { branch: "main", message: "v1", date: "2026-11-01T00:00:00Z" });
    const baselineRun = runWithBundle(
      repo,
      {
        workflow: "ci.yml",
        event: "push",
        headSha: previous.sha,
        conclusion: "success",
        createdAt: "2026-11-01T01:00:00Z",
      },
      { accuracy: 0.9, comparison: "passed" },
    );
    runWithBundle(
      repo,
      {
        workflow: "ci.yml",
        event: "push",
        headSha: previous.sha,
        conclusion: "failure",
        createdAt: "2026-11-01T02:00:00Z",
      },
      { accuracy: 0.1 },
    );
    const pushed = fake.state.addCommit(repo, { branch: "main", parents: [previous.sha], message: "v2" });
    // A re-run keeps the earlier attempt's artifacts in the same run.
    const thisRun = runWithBundle(
      repo,
      { workflow: "ci.yml", event: "push", headSha: pushed.sha, status: "in_progress" },
      { accuracy: 0.1, comparison: "passed" },
    );
    writeFileSync(
      join(harness.workspace, "ctrain.yml"),
      "compare:\n  metrics:\n    accuracy: { direction: higher, change: { absolute: -0.02 } }\n",
    );
    mkdirSync(join(harness.workspace, ".ctrain"), { recursive: true });
    writeFileSync(
      join(harness.workspace, ".ctrain", "run.json"),
      runRecord({ commit: pushed.sha, branch: "main", accuracy: 0.8 }),
    );
    const payload = retargetWebhook(
      fake,
      loadWebhookExample("push", () => true),
      {
        repo: "octo/churn",
        branch: "main",
      },
    ) as unknown as Record<string, unknown>;
    expect(payload.before).toBe(previous.sha);
    const result = await runAction(compareAction, {
      github: fake,
      runtime: harness.runtime,
      workspace: harness.workspace,
      run: thisRun,
      event: { name: "push", payload },
      permissions: PIPELINE,
    });
    const comparison = ComparisonDocument.parse(
      JSON.parse(readFileSync(join(harness.workspace, ".ctrain", "comparison.json"), "utf8")),
    );
    expect(comparison.baseline.runId).toBe(baselineRun.id);
    expect(comparison.baseline.commitsBehind).toBe(0);
    expect(comparison.rows.find((row) => row.name === "accuracy")?.baseline).toBe(0.9);
    expect(result.exitCode).toBe(1);
  });
});

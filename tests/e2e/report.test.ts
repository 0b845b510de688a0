import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ComparisonDocument, serializeDocument } from "@ctrain/core";
import type { ActionsRuntime } from "../harness/actions-runtime/index.js";
import { type GitHubFake, type WorkflowRunRecord } from "../harness/github-fake/index.js";
import { startHarness, type Harness } from "../harness/harness.js";
import { runAction, type ActionResult } from "../harness/run-action.js";
import { loadWebhookExample, retargetWebhook } from "../harness/webhook-examples.js";
import { workflowJobPermissions } from "../harness/workflow-permissions.js";

/** The token of continuous-training.yml's job, exactly as its `permissions:` block grants it. */
const PIPELINE = workflowJobPermissions("continuous-training.yml", "pipeline");
/** A commit comment needs `contents: write` on top (docs/troubleshooting.md). */
const WITH_COMMIT_COMMENTS = { ...PIPELINE, contents: "write" } as const;

const FIXTURES = join(import.meta.dirname, "../fixtures/report");
const MARKER = "<!-- ctrain:report:ctrain -->";
const BOT = "github-actions[bot]";

type Repo = ReturnType<GitHubFake["state"]["addRepo"]>;

describe("report action, end to end", () => {
  let fake: GitHubFake;
  let runtime: ActionsRuntime;
  let workspace: string;

  let harness: Harness;

  beforeEach(async () => {
    harness = await startHarness("ctrain-report-e2e-");
    ({ fake, runtime, workspace } = harness);
  });
  afterEach(() => harness.stop());

  /** A repository with a pull request from `feature` (in a fork with `fork`), and a bundle in the workspace. */
  function pullRequestSetup(options: { fork?: boolean; bundle?: string } = {}) {
    const repo = fake.state.addRepo("octo/churn");
    const base = fake.state.addCommit(repo, { branch: "main", message: "baseline model" });
    const head = fake.state.addCommit(repo, { branch: "feature", parents: [base.sha], message: "deeper trees" });
    let headRepo: Repo | undefined;
    if (options.fork) {
      headRepo = fake.state.addRepo("mallory/churn", { forkOf: repo });
      fake.state.setBranch(headRepo, "feature", head.sha);
    }
    const pull = fake.state.addPull(repo, { head: "feature", user: options.fork ? "mallory" : "alice", headRepo });
    cpSync(join(FIXTURES, options.bundle ?? "pr-failed"), join(workspace, ".ctrain"), { recursive: true });
    return { repo, base, head, pull, headRepo };
  }

  function pullRequestEvent(pull: number) {
    const example = loadWebhookExample("pull_request", (payload) => payload.action === "synchronize");
    return {
      name: "pull_request",
      payload: retargetWebhook(fake, example, { repo: "octo/churn", pull }) as unknown as Record<string, unknown>,
    };
  }

  function reportComments(repo: Repo, pull: number) {
    return [...repo.issueComments.values()].filter((comment) => comment.issueNumber === pull);
  }

  function requestsFor(operationId: string) {
    return fake.requests.filter((request) => request.operationId === operationId);
  }

  async function report(
    pull: number,
    inputs: Record<string, string | number | boolean> = {},
    token?: string,
    run?: WorkflowRunRecord,
  ) {
    return runAction("report", {
      github: fake,
      runtime,
      event: pullRequestEvent(pull),
      workspace,
      token,
      permissions: PIPELINE,
      run,
      inputs: { "trend-runs": 0, ...inputs },
    });
  }

  it("leaves one comment after a run and two re-runs, updated in place, with the summary and a check run each time", async () => {
    const { repo, pull, head } = pullRequestSetup();
    const first = await report(pull.number);
    const results: ActionResult[] = [first];
    // Re-running a job is another attempt of the same workflow run.
    for (const attempt of [2, 3]) {
      first.run.runAttempt = attempt;
      results.push(await report(pull.number, {}, undefined, first.run));
    }
    for (const result of results) expect(result.exitCode, result.stderr + result.log).toBe(0);

    const comments = reportComments(repo, pull.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.user.login).toBe(BOT);
    expect(comments[0]!.body.startsWith(`${MARKER}\n## ❌ ctrain: failed`)).toBe(true);
    expect(new Set(results.map((result) => result.outputs["comment-url"]))).toEqual(
      new Set([`${fake.webUrl}/octo/churn/pull/${pull.number}#issuecomment-${comments[0]!.id}`]),
    );
    expect(requestsFor("issues/create-comment")).toHaveLength(1);
    expect(requestsFor("issues/update-comment")).toHaveLength(2);

    expect(results[0]!.outputs.verdict).toBe("failed");
    expect(results[0]!.summary).toContain("## ❌ ctrain: failed");
    expect(results[0]!.outputs["report-path"]).toBe(join(workspace, ".ctrain", "report.md"));
    expect(readFileSync(join(workspace, ".ctrain", "report.html"), "utf8")).toContain("<!doctype html>");

    // One check run per report and head commit: the re-runs updated it.
    const checkRuns = [...repo.checkRuns.values()];
    expect(checkRuns).toHaveLength(1);
    expect(checkRuns[0]!.headSha).toBe(head.sha);
    expect(checkRuns[0]!.conclusion).toBe("failure");
    expect(checkRuns[0]!.output.title).toMatch(/^ctrain failed · 2 of 4 gated metrics failed/);
    expect(checkRuns[0]!.output.summary).not.toContain(MARKER);
    expect(results[2]!.outputs["check-run-url"]).toContain(String(checkRuns[0]!.id));

    // Each attempt replaced the run's report artifact, which the comment links to.
    const artifacts = [...repo.artifacts.values()].filter((artifact) => artifact.name === "ctrain-report-ctrain");
    expect(artifacts).toHaveLength(1);
    expect(comments[0]!.body).toContain(`/actions/runs/${first.run.id}/artifacts/${artifacts[0]!.id})`);
  });

  it("waits out a secondary rate limit and still leaves one comment", async () => {
    const { repo, pull } = pullRequestSetup();
    fake.failNext(2, { kind: "secondary" });
    const result = await report(pull.number, { "check-run": false });
    expect(result.exitCode, result.stderr + result.log).toBe(0);
    expect(reportComments(repo, pull.number)).toHaveLength(1);
    // The first request met the limit twice and was sent again after the Retry-After wait.
    const [first, second, third] = fake.requests;
    expect([first!.status, second!.status]).toEqual([403, 403]);
    expect(new Set([first!.path, second!.path, third!.path]).size).toBe(1);
  });

  it("finds its comment on a later page of a pull request with 150 comments", async () => {
    const { repo, pull } = pullRequestSetup();
    for (let index = 0; index < 120; index++)
      fake.state.addComment(repo, pull.number, { body: `review ${index}`, user: "alice" });
    const own = fake.state.addComment(repo, pull.number, { body: `${MARKER}\nold report`, user: BOT });
    for (let index = 0; index < 29; index++)
      fake.state.addComment(repo, pull.number, { body: `later ${index}`, user: "bob" });

    const result = await report(pull.number);
    expect(result.exitCode, result.stderr + result.log).toBe(0);
    expect(reportComments(repo, pull.number)).toHaveLength(150);
    expect(repo.issueComments.get(own.id)!.body).toContain("## ❌ ctrain: failed");
    const pages = requestsFor("issues/list-comments").map((request) =>
      new URL(request.path, fake.url).searchParams.get("page"),
    );
    expect(pages).toEqual([null, "2"]);
    expect(requestsFor("issues/create-comment")).toEqual([]);
  });

  it("never touches another user's comment that carries the same marker", async () => {
    const { repo, pull } = pullRequestSetup();
    const forged = fake.state.addComment(repo, pull.number, {
      body: `${MARKER}\nI am the report now`,
      user: "mallory",
    });

    const result = await report(pull.number);
    expect(result.exitCode, result.stderr + result.log).toBe(0);
    expect(repo.issueComments.get(forged.id)!.body).toBe(`${MARKER}\nI am the report now`);
    const comments = reportComments(repo, pull.number);
    expect(comments).toHaveLength(2);
    expect(comments[1]!.user.login).toBe(BOT);
    expect(requestsFor("issues/update-comment")).toEqual([]);
  });

  it("asks GET /user who a personal token is and updates that user's comment", async () => {
    const { repo, pull } = pullRequestSetup();
    fake.state.addCollaborator(repo, "alice", "write");
    const bots = fake.state.addComment(repo, pull.number, { body: `${MARKER}\nbot's`, user: BOT });
    const alices = fake.state.addComment(repo, pull.number, { body: `${MARKER}\nalice's`, user: "alice" });
    const token = fake.issueToken({ kind: "user", login: "alice" });

    const result = await report(pull.number, { "check-run": false }, token);
    expect(result.exitCode, result.stderr + result.log).toBe(0);
    expect(repo.issueComments.get(alices.id)!.body).toContain("## ❌ ctrain: failed");
    expect(repo.issueComments.get(bots.id)!.body).toBe(`${MARKER}\nbot's`);
    expect(requestsFor("users/get-authenticated").map((request) => request.status)).toEqual([200]);
  });

  it("sends check-run annotations in batches of at most 50", async () => {
    const { repo, pull } = pullRequestSetup();
    const comparison = ComparisonDocument.parse(
      JSON.parse(readFileSync(join(FIXTURES, "pr-failed", "comparison.json"), "utf8")),
    );
    for (let index = 0; index < 117; index++) {
      comparison.rows.push({
        name: `slice_${index}/accuracy`,
        kind: "metric",
        baseline: 0.9,
        candidate: 0.8,
        delta: -0.1,
        relativeDelta: -0.111,
        changed: true,
        direction: "higher",
        verdict: "failed",
        reasons: [`slice ${index} dropped`],
      });
    }
    writeFileSync(join(workspace, ".ctrain", "comparison.json"), serializeDocument(comparison));

    const result = await report(pull.number);
    expect(result.exitCode, result.stderr + result.log).toBe(0);
    const [checkRun] = [...repo.checkRuns.values()];
    // 2 failed + 1 inconclusive + 117 failed metrics, 7 rows of failed checks, 2 drifted columns.
    expect(checkRun!.annotations).toHaveLength(129);
    expect(checkRun!.annotations.slice(0, 3).map((annotation) => annotation.title)).toEqual([
      "metric accuracy failed",
      "metric f1_macro failed",
      "metric roc_auc inconclusive",
    ]);
    expect(
      checkRun!.annotations.filter(
        (annotation) => annotation.path === "data/train.csv" && annotation.start_line === 1042,
      ),
    ).toHaveLength(1);
    expect(requestsFor("checks/create")).toHaveLength(1);
    expect(requestsFor("checks/update")).toHaveLength(2);
  });

  it("names the permissions: line to add when the token may not comment, and still creates the check run", async () => {
    const { repo, pull } = pullRequestSetup();
    const token = fake.issueToken({
      kind: "installation",
      repositories: ["octo/churn"],
      // The pipeline's block without `pull-requests: write`: issues and pull requests are none.
      permissions: { contents: "read", actions: "read", checks: "write" },
    });
    const result = await report(pull.number, {}, token);
    expect(result.exitCode).toBe(1);
    const error = result.annotations.find((annotation) => annotation.level === "error")!;
    expect(error.message).toContain("could not comment on pull request #");
    expect(error.message).toContain("add `permissions:` with `pull-requests: write`");
    expect(error.message).not.toMatch(/\n\s+at /);
    expect(result.annotations.filter((annotation) => annotation.level === "warning")).toEqual([]);
    expect(reportComments(repo, pull.number)).toEqual([]);
    // The check run, which the token may write, is still created.
    expect(repo.checkRuns.size).toBe(1);
  });

  it("comments on the commit of a push when asked", async () => {
    const repo = fake.state.addRepo("octo/churn");
    const head = fake.state.addCommit(repo, { branch: "main", message: "retrain" });
    cpSync(join(FIXTURES, "first-run"), join(workspace, ".ctrain"), { recursive: true });
    const push = retargetWebhook(fake, loadWebhookExample("push"), { repo: "octo/churn", branch: "main" });
    const result = await runAction("report", {
      github: fake,
      runtime,
      workspace,
      event: { name: "push", payload: push as unknown as Record<string, unknown> },
      permissions: WITH_COMMIT_COMMENTS,
      inputs: { "trend-runs": 0, comment: "new", "commit-comment": true },
    });
    expect(result.exitCode, result.stderr + result.log).toBe(0);
    const comments = [...repo.commitComments.values()];
    expect(comments.map((comment) => [comment.commitId, comment.user.login])).toEqual([[head.sha, BOT]]);
    expect(comments[0]!.body.startsWith(`${MARKER}\n## ✅ ctrain: passed`)).toBe(true);
    expect(result.outputs["comment-url"]).toContain(head.sha);
  });

  it("keeps one sticky comment on a push's commit, leaving other users' comments alone", async () => {
    const repo = fake.state.addRepo("octo/churn");
    const head = fake.state.addCommit(repo, { branch: "main", message: "retrain" });
    // Someone else's comment that starts with the marker, older than ours: it must not be taken for the report.
    const now = fake.state.now();
    const mallory = { id: fake.state.nextId(), user: fake.state.addUser("mallory"), createdAt: now, updatedAt: now };
    repo.commitComments.set(mallory.id, {
      ...mallory,
      commitId: head.sha,
      body: `${MARKER}\nnot a report`,
      path: null,
      position: null,
      line: null,
    });
    cpSync(join(FIXTURES, "first-run"), join(workspace, ".ctrain"), { recursive: true });
    const push = retargetWebhook(fake, loadWebhookExample("push"), { repo: "octo/churn", branch: "main" });
    const report = () =>
      runAction("report", {
        github: fake,
        runtime,
        workspace,
        event: { name: "push", payload: push as unknown as Record<string, unknown> },
        permissions: WITH_COMMIT_COMMENTS,
        inputs: { "trend-runs": 0, "commit-comment": true },
      });
    const first = await report();
    expect(first.exitCode, first.stderr + first.log).toBe(0);
    const second = await report();
    expect(second.exitCode, second.stderr + second.log).toBe(0);
    const comments = [...repo.commitComments.values()].sort((a, b) => a.id - b.id);
    expect(comments.map((comment) => comment.user.login)).toEqual(["mallory", BOT]);
    expect(comments[0]!.body).toBe(`${MARKER}\nnot a report`);
    expect(comments[1]!.body.startsWith(`${MARKER}\n## ✅ ctrain: passed`)).toBe(true);
    expect(second.outputs["comment-url"]).toBe(first.outputs["comment-url"]);
    const operations = fake.requests.map((request) => request.operationId);
    expect(operations.filter((id) => id === "repos/create-commit-comment")).toHaveLength(1);
    expect(operations.filter((id) => id === "repos/update-commit-comment")).toHaveLength(1);
  });

  it("draws the trend from the base branch's earlier run bundles", async () => {
    const { repo, pull } = pullRequestSetup();
    const history = ["00", "01", "02"].map((file) =>
      JSON.parse(readFileSync(join(FIXTURES, "history", `${file}.json`), "utf8")),
    );
    for (const document of history.reverse()) {
      const commit = fake.state.addCommit(repo, { branch: "main", message: "retrain on main" });
      document.source.commit = commit.sha;
      const run = fake.state.addWorkflowRun(repo, {
        workflow: "ci.yml",
        headBranch: "main",
        headSha: commit.sha,
        conclusion: "success",
      });
      fake.state.addArtifact(run.id, {
        name: "ctrain-run-churn-gbm-sweep",
        files: { "run.json": serializeDocument(document) },
      });
    }
    const result = await report(pull.number, { "trend-runs": 5 });
    expect(result.exitCode, result.stderr + result.log).toBe(0);
    const [comment] = reportComments(repo, pull.number);
    expect(comment!.body).toContain("### Trend on main");
    expect(comment!.body).toContain("line [0.906, 0.91, 0.912, 0.884]");
  });

  describe("a pull request from a fork", () => {
    /** The fork's pull_request run: read-only token, so it uploads the report bundle and explains what to add. */
    async function forkRun() {
      const setup = pullRequestSetup({ fork: true });
      const result = await report(setup.pull.number);
      expect(result.exitCode, result.stderr + result.log).toBe(0);
      return { ...setup, result };
    }

    /** The trusted `workflow_run` job, from the real payload pointed at the fork's run. */
    async function workflowRunJob(runId: number, inputs: Record<string, string | number | boolean> = {}) {
      const example = loadWebhookExample("workflow_run", (payload) => payload.action === "completed");
      const payload = retargetWebhook(fake, example, { repo: "octo/churn", run: runId });
      const trusted = mkdtempSync(join(tmpdir(), "ctrain-report-trusted-"));
      try {
        return await runAction("report", {
          github: fake,
          runtime,
          workspace: trusted,
          workflow: "ctrain-report.yml",
          event: { name: "workflow_run", payload: payload as unknown as Record<string, unknown> },
          permissions: workflowJobPermissions("report-from-fork.yml", "report"),
          inputs: { "trend-runs": 0, ...inputs },
        });
      } finally {
        rmSync(trusted, { recursive: true, force: true });
      }
    }

    it("uploads the report bundle and says exactly which workflow to add", async () => {
      const { repo, pull, result } = await forkRun();
      expect(reportComments(repo, pull.number)).toEqual([]);
      expect(repo.checkRuns.size).toBe(0);
      expect(requestsFor("issues/create-comment")).toEqual([]);
      expect(result.summary).toContain("## ❌ ctrain: failed");
      const notice = result.annotations.find((annotation) => annotation.level === "notice")!;
      expect(notice.message).toContain("This pull request comes from a fork");
      expect(notice.message).toContain("  workflow_run:\n");
      expect(notice.message).toContain("  pull-requests: write\n");
      expect(notice.message).toContain("mode: workflow-run");
      const artifact = [...repo.artifacts.values()].find((candidate) => candidate.name === "ctrain-report-ctrain");
      expect(artifact?.runId).toBe(result.run.id);
    });

    it("is posted by the workflow_run job, found by head SHA, with a check run on the fork's commit", async () => {
      const { repo, pull, head, result } = await forkRun();
      fake.state.completeRun(result.run.id, "success");
      const posted = await workflowRunJob(result.run.id);
      expect(posted.exitCode, posted.stderr + posted.log).toBe(0);

      const comments = reportComments(repo, pull.number);
      expect(comments).toHaveLength(1);
      expect(comments[0]!.user.login).toBe(BOT);
      expect(comments[0]!.body.startsWith(`${MARKER}\n## ❌ ctrain: failed`)).toBe(true);
      expect(comments[0]!.body).toContain(`(${fake.webUrl}/octo/churn/actions/runs/${result.run.id})`);
      // The payload's pull_requests is empty for a fork's run: the pull request was found from the commit.
      expect(requestsFor("repos/list-pull-requests-associated-with-commit").length).toBeGreaterThanOrEqual(1);
      const [checkRun] = [...repo.checkRuns.values()];
      expect(checkRun!.headSha).toBe(head.sha);
      expect(checkRun!.conclusion).toBe("failure");
      expect(posted.outputs.verdict).toBe("failed");
      expect(posted.summary).toContain("## ❌ ctrain: failed");

      // A rerun of the reporting workflow updates the same comment.
      const again = await workflowRunJob(result.run.id);
      expect(again.exitCode).toBe(0);
      expect(reportComments(repo, pull.number)).toHaveLength(1);
    });

    it("treats the artifact as hostile: a document that breaks its schema stops the post", async () => {
      const { repo, pull, result } = await forkRun();
      const artifact = [...repo.artifacts.values()].find((candidate) => candidate.name === "ctrain-report-ctrain")!;
      repo.artifacts.delete(artifact.id);
      const comparison = JSON.parse(readFileSync(join(FIXTURES, "pr-failed", "comparison.json"), "utf8"));
      comparison.verdict = "passed<script>";
      fake.state.addArtifact(result.run.id, {
        name: "ctrain-report-ctrain",
        files: { "comparison.json": JSON.stringify(comparison), "report.md": "@octo/everyone <img src=x>" },
      });
      const posted = await workflowRunJob(result.run.id);
      expect(posted.exitCode).toBe(1);
      const error = posted.annotations.find((annotation) => annotation.level === "error")!;
      expect(error.message).toContain("comparison.json");
      expect(error.message).toContain("verdict");
      expect(reportComments(repo, pull.number)).toEqual([]);
    });

    it("re-renders from the documents and never posts the fork's own markdown", async () => {
      const { repo, pull, result } = await forkRun();
      const artifact = [...repo.artifacts.values()].find((candidate) => candidate.name === "ctrain-report-ctrain")!;
      repo.artifacts.delete(artifact.id);
      const run = JSON.parse(readFileSync(join(FIXTURES, "hostile", "run.json"), "utf8"));
      fake.state.addArtifact(result.run.id, {
        name: "ctrain-report-ctrain",
        files: { "run.json": JSON.stringify(run), "report.md": "@octo/everyone please merge <img src=x>" },
      });
      const posted = await workflowRunJob(result.run.id);
      expect(posted.exitCode, posted.stderr + posted.log).toBe(0);
      const [comment] = reportComments(repo, pull.number);
      expect(comment!.body).not.toContain("please merge");
      expect(comment!.body).not.toMatch(/@[A-Za-z0-9]/);
      expect(comment!.body).not.toMatch(/(^|[^\\])<img/);
      expect(comment!.body).not.toContain("evil.example/octo");
    });

    it("posts nothing on a pull request that has moved on to a newer commit", async () => {
      const { repo, pull, headRepo, head, result } = await forkRun();
      const newer = fake.state.addCommit(headRepo!, { branch: "feature", parents: [head.sha], message: "more" });
      expect(newer.sha).not.toBe(head.sha);
      const posted = await workflowRunJob(result.run.id);
      expect(posted.exitCode, posted.stderr + posted.log).toBe(0);
      expect(reportComments(repo, pull.number)).toEqual([]);
      expect(posted.annotations.map((annotation) => annotation.message)).toContain(
        `no open pull request has commit ${head.sha} at its head: the report goes to the check run only`,
      );
      expect([...repo.checkRuns.values()].map((checkRun) => checkRun.headSha)).toEqual([head.sha]);
    });

    it("says so and succeeds when the run uploaded no report", async () => {
      const repo = fake.state.addRepo("octo/churn");
      const commit = fake.state.addCommit(repo, { branch: "main" });
      const run = fake.state.addWorkflowRun(repo, { workflow: "ci.yml", headSha: commit.sha, conclusion: "failure" });
      const posted = await workflowRunJob(run.id);
      expect(posted.exitCode, posted.stderr + posted.log).toBe(0);
      expect(posted.annotations.map((annotation) => annotation.message).join("\n")).toContain(
        `run ${run.id} uploaded no ctrain-report-ctrain artifact`,
      );
      expect(repo.checkRuns.size).toBe(0);
    });
  });
});

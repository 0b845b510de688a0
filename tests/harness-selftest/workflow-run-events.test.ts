import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PERMISSIVE_DEFAULT, startGitHubFake, type GitHubFake } from "../harness/github-fake/index.js";

let fake: GitHubFake;
beforeEach(async () => {
  fake = await startGitHubFake();
});
afterEach(async () => {
  await fake.close();
});

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe("GitHub fake: workflow runs by event and head repository", () => {
  it("matches `branch` on the head branch name (a fork's main too), filters on `event`, names the head repository", async () => {
    const repo = fake.state.addRepo("octo/model");
    const fork = fake.state.addRepo("mallory/model", { forkOf: repo });
    const forkHead = fake.state.addCommit(fork, { branch: "main", message: "fork's main" });
    const pull = fake.state.addPull(repo, { head: "main", headRepo: fork, user: "mallory" });
    const push = fake.state.addWorkflowRun(repo, { workflow: "ci.yml", event: "push", conclusion: "success" });
    const forkRun = fake.state.addWorkflowRun(repo, {
      workflow: "ci.yml",
      event: "pull_request",
      headBranch: "main",
      headSha: forkHead.sha,
      headRepo: fork,
      pullNumbers: [pull.number],
      conclusion: "success",
    });
    const octokit = new Octokit({
      auth: fake.issueToken({ kind: "installation", permissions: PERMISSIVE_DEFAULT }),
      baseUrl: fake.url,
      log: quiet,
    });
    const params = { owner: "octo", repo: "model", workflow_id: "ci.yml", branch: "main", status: "success" as const };

    const byBranch = await octokit.rest.actions.listWorkflowRuns(params);
    expect(byBranch.data.workflow_runs.map((run) => run.id).sort()).toEqual([push.id, forkRun.id].sort());
    const fromFork = byBranch.data.workflow_runs.find((run) => run.id === forkRun.id)!;
    expect(fromFork.event).toBe("pull_request");
    expect(fromFork.head_repository.full_name).toBe("mallory/model");

    const pushes = await octokit.rest.actions.listWorkflowRuns({ ...params, event: "push" });
    expect(pushes.data.workflow_runs.map((run) => [run.id, run.head_repository.full_name])).toEqual([
      [push.id, "octo/model"],
    ]);
    const forRepo = await octokit.rest.actions.listWorkflowRunsForRepo({
      owner: "octo",
      repo: "model",
      event: "schedule",
    });
    expect(forRepo.data.total_count).toBe(0);
    fake.assertNoViolations();
  });
});

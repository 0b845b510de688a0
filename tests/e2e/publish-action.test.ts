import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startGitHubFake, type GitHubFake, type RepoRecord } from "../harness/github-fake/index.js";
import { runAction } from "../harness/run-action.js";
import { loadWebhookExample, retargetWebhook } from "../harness/webhook-examples.js";
import { makeWorkspace, writeFile } from "../publish/workspace.js";
import { join } from "node:path";

let fake: GitHubFake;
let repo: RepoRecord;
let pullNumber: number;
let head: string;

beforeEach(async () => {
  fake = await startGitHubFake();
  repo = fake.state.addRepo("octo/models");
  head = fake.state.addCommit(repo, { branch: "retrain", message: "retrain" }).sha;
  pullNumber = fake.state.addPull(repo, { head: "retrain", user: "dev" }).number;
  fake.state.addCollaborator(repo, "ann", "write");
});

afterEach(async () => {
  fake.assertNoViolations();
  await fake.close();
});

/** The job of a pull request's workflow run, with the run bundle and model files the train step left. */
function publishStep(inputs: Record<string, string> = {}) {
  const workspace = makeWorkspace({ commit: head });
  writeFile(
    join(workspace.root, "ctrain.yml"),
    "model:\n  name: churn\n  license: mit\npublish:\n  approval: review\n",
  );
  const payload = retargetWebhook(
    fake,
    loadWebhookExample("pull_request", (event) => event.action === "synchronize"),
    {
      repo: "octo/models",
      pull: pullNumber,
    },
  );
  return runAction("publish", {
    github: fake,
    event: { name: "pull_request", payload: payload as unknown as Record<string, unknown> },
    workspace: workspace.root,
    inputs,
    token: fake.issueToken({ kind: "installation", permissions: { contents: "write", "pull-requests": "read" } }),
  });
}

const releases = () => [...repo.releases.values()];

describe("the publish action", () => {
  it("publishes an approved run bundle and reports the release", async () => {
    fake.state.addReview(repo, pullNumber, { user: "ann", state: "APPROVED" });
    const step = await publishStep();
    expect(step.stderr).toBe("");
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toMatchObject({
      outcome: "published",
      tag: "churn@v0.1.0",
      version: "0.1.0",
      "previous-tag": "",
    });
    const release = releases()[0]!;
    expect(step.outputs["release-id"]).toBe(String(release.id));
    expect(step.outputs["release-url"]).toMatch(
      new RegExp(`^${fake.webUrl}/octo/models/releases/tag/churn(@|%40)v0\\.1\\.0$`),
    );
    expect(release.draft).toBe(false);
    expect(step.summary).toContain("Published `churn@v0.1.0`");
    expect(step.log).toContain("approved: pull request #");
  });

  it("fails with the reason and no stack trace when nobody approved", async () => {
    const step = await publishStep();
    expect(step.exitCode).toBe(1);
    const errors = step.annotations.filter((annotation) => annotation.level === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(
      /^publish\.approval: publish refused: pull request #\d+ has 0 of 1 required approval/,
    );
    expect(errors[0]!.message).not.toMatch(/\n\s+at /);
    expect(releases()).toEqual([]);
  });

  it("leaves a draft when attestation cannot run, and a re-run completes it without duplicates", async () => {
    fake.state.addReview(repo, pullNumber, { user: "ann", state: "APPROVED" });
    const failed = await publishStep({ attest: "true" });
    expect(failed.exitCode).toBe(1);
    const error = failed.annotations.find((annotation) => annotation.level === "error")!;
    expect(error.message).toContain("ACTIONS_ID_TOKEN_REQUEST_URL");
    expect(error.message).toMatch(/id-token: write.*attestations: write.*artifact-metadata: write/);
    expect(releases()).toHaveLength(1);
    expect(releases()[0]!.draft).toBe(true);
    const assets = releases()[0]!.assetIds.length;

    const rerun = await publishStep();
    expect(rerun.exitCode).toBe(0);
    expect(rerun.outputs.outcome).toBe("resumed");
    expect(releases()).toHaveLength(1);
    expect(releases()[0]).toMatchObject({ draft: false, tagName: "churn@v0.1.0" });
    expect(releases()[0]!.assetIds).toHaveLength(assets);
    const names = releases()[0]!.assetIds.map((id) => repo.assets.get(id)!.name);
    expect(new Set(names).size).toBe(names.length);

    const again = await publishStep();
    expect(again.outputs.outcome).toBe("unchanged");
    expect(releases()).toHaveLength(1);
  });
});

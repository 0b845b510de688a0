/**
 * The publish gate's approvals through the bundled publish action, read from GitHub at publish time: an
 * environment's required reviewers approving this run, a pull request's labels and reviews.
 */
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { markdownText } from "@ctrain/report";
import { startGitHubFake, type GitHubFake, type RepoRecord } from "../harness/github-fake/index.js";
import { addDeploymentReview, addEnvironment } from "../harness/github-fake/routes/environments.js";
import { runAction, type ActionResult } from "../harness/run-action.js";
import { loadWebhookExample, retargetWebhook } from "../harness/webhook-examples.js";
import { makeWorkspace, writeFile } from "../publish/workspace.js";

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

/** The release-model.yml publish job: its `permissions:` exactly, in a workflow run of the commit. */
function publishJob(approval: string, event = pullRequestEvent()) {
  const run = fake.state.addWorkflowRun(repo, { workflow: "release.yml", event: event.name, headSha: head });
  const step = (): Promise<ActionResult> => {
    const workspace = makeWorkspace({ commit: head });
    writeFile(
      join(workspace.root, "ctrain.yml"),
      `model:\n  name: churn\n  license: mit\npublish:\n  approval: ${approval}\n`,
    );
    return runAction("publish", {
      github: fake,
      event,
      run,
      workspace: workspace.root,
      token: fake.issueToken({
        kind: "installation",
        permissions: { contents: "write", "pull-requests": "read", actions: "read" },
      }),
    });
  };
  return { run, step };
}

function pullRequestEvent(labels: string[] = []) {
  const payload = retargetWebhook(
    fake,
    loadWebhookExample("pull_request", (event) => event.action === "synchronize"),
    { repo: "octo/models", pull: pullNumber },
  ) as unknown as { pull_request: { labels: unknown[] } };
  // What the payload claims; the gate must not believe it.
  payload.pull_request.labels = labels.map((name, index) => ({ id: index + 1, name, color: "ededed", default: false }));
  return { name: "pull_request", payload: payload as unknown as Record<string, unknown> };
}

function refusal(step: ActionResult): string {
  expect(step.exitCode).toBe(1);
  const errors = step.annotations.filter((annotation) => annotation.level === "error");
  expect(errors).toHaveLength(1);
  expect(errors[0]!.message).not.toMatch(/\n\s+at /);
  expect([...repo.releases.values()]).toEqual([]);
  return errors[0]!.message;
}

const settingsPage = () => `${fake.webUrl}/octo/models/settings/environments`;

describe("approval: environment", () => {
  it("refuses a run whose job ran in no environment, naming the settings page", async () => {
    const message = refusal(await publishJob("environment").step());
    expect(message).toMatch(/^publish\.approval: publish refused: no reviewer approved this workflow run/);
    expect(message).toContain(settingsPage());
  });

  it("refuses an environment without required reviewers: nobody was asked", async () => {
    addEnvironment(fake.state, repo, { name: "model-release" });
    const message = refusal(await publishJob("environment").step());
    expect(message).toContain("no reviewer approved this workflow run");
  });

  it("refuses an approval whose environment no longer requires reviewers", async () => {
    addEnvironment(fake.state, repo, { name: "model-release" });
    const { run, step } = publishJob("environment");
    addDeploymentReview(fake.state, run.id, { environment: "model-release", user: "ann" });
    const message = refusal(await step());
    expect(message).toContain('the environment "model-release" has no required reviewers');
    expect(message).toContain(settingsPage());
  });

  it("refuses when the approval was of another run, or was a rejection", async () => {
    addEnvironment(fake.state, repo, { name: "model-release", reviewers: ["ann"] });
    const earlier = publishJob("environment");
    addDeploymentReview(fake.state, earlier.run.id, { environment: "model-release", user: "ann" });
    const { run, step } = publishJob("environment");
    expect(refusal(await step())).toContain("no reviewer approved this workflow run");
    addDeploymentReview(fake.state, run.id, { environment: "model-release", user: "ann", state: "rejected" });
    expect(refusal(await step())).toContain('a reviewer rejected this workflow run\'s deployment to "model-release"');
  });

  it("publishes after a required reviewer approved this run, naming the approver from GitHub in the release", async () => {
    addEnvironment(fake.state, repo, { name: "model-release", reviewers: ["ann", "lead"] });
    const { run, step } = publishJob("environment");
    addDeploymentReview(fake.state, run.id, { environment: "model-release", user: "lead", comment: "ship it" });
    const published = await step();
    expect(published.exitCode, published.stdout).toBe(0);
    expect(published.outputs.outcome).toBe("published");
    const release = [...repo.releases.values()][0]!;
    expect(release.draft).toBe(false);
    expect(release.body).toContain(
      'Approval: lead approved this workflow run\\\'s deployment to \\"model\\-release\\" \\(required reviewers\\: ann\\, lead\\)',
    );
    expect(release.body).toContain("Approved by: lead");
    expect(published.summary).toContain(`Approval: ${markdownText("lead approved this workflow run's deployment")}`);
  });

  it("says which permission reading the run's deployment reviews needs", async () => {
    addEnvironment(fake.state, repo, { name: "model-release", reviewers: ["ann"] });
    const run = fake.state.addWorkflowRun(repo, { workflow: "release.yml", event: "pull_request", headSha: head });
    const workspace = makeWorkspace({ commit: head });
    writeFile(
      join(workspace.root, "ctrain.yml"),
      "model:\n  name: churn\n  license: mit\npublish:\n  approval: environment\n",
    );
    const step = await runAction("publish", {
      github: fake,
      event: pullRequestEvent(),
      run,
      workspace: workspace.root,
      token: fake.issueToken({ kind: "installation", permissions: { contents: "write", "pull-requests": "read" } }),
    });
    expect(refusal(step)).toContain("add `actions: read` to the job's `permissions:`");
  });
});

describe("approval: label and review read from GitHub at publish time", () => {
  it("ignores a label the event payload claims, and sees one added since", async () => {
    const job = publishJob("label:ship-it", pullRequestEvent(["ship-it"]));
    expect(refusal(await job.step())).toContain('does not carry the label "ship-it"');
    fake.state.addLabel(repo, pullNumber, "ship-it");
    const published = await job.step();
    expect(published.exitCode, published.stdout).toBe(0);
    expect([...repo.releases.values()][0]!.body).toContain('carries the label \\"ship\\-it\\"');
  });

  it("counts the reviews GitHub holds when publishing, not when the run started", async () => {
    const job = publishJob("review");
    expect(refusal(await job.step())).toContain("has 0 of 1 required approval");
    fake.state.addReview(repo, pullNumber, { user: "ann", state: "APPROVED" });
    const published = await job.step();
    expect(published.exitCode, published.stdout).toBe(0);
    expect([...repo.releases.values()][0]!.body).toContain("Approved by: ann");
  });
});

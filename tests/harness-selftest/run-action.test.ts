import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startActionsRuntime, type ActionsRuntime } from "../harness/actions-runtime/index.js";
import { startGitHubFake, type GitHubFake } from "../harness/github-fake/index.js";
import { runAction, type ActionUnderTest } from "../harness/run-action.js";
import { loadWebhookExample, retargetWebhook } from "../harness/webhook-examples.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A throwaway action that exercises what ctrain's actions do through @actions/core, the event and the token. */
const ACTION_SOURCE = `
import * as core from "@actions/core";
import { DefaultArtifactClient } from "@actions/artifact";
import { readFileSync, writeFileSync } from "node:fs";

const name = core.getInput("model-name", { required: true });
core.setSecret("s3cr3t-value");
console.log("the secret is s3cr3t-value");
core.setOutput("verdict", "regression");
core.setOutput("report", "line one\\nline two");
await core.summary.addHeading("ctrain report").addRaw("model " + name + ", threshold " + core.getInput("threshold")).write();
core.exportVariable("CTRAIN_SEEN", "yes");
core.saveState("phase", "main");
core.addPath("/opt/ctrain/bin");
core.error("accuracy fell, by 3%: see below\\nsecond line", { file: "data/train.csv", startLine: 3, startColumn: 1, title: "Accuracy, regression" });
core.warning("drift in column age");
core.notice("baseline from main");
core.startGroup("details");
core.info("inside the group");
core.endGroup();
core.debug("only with debug logging");

const event = JSON.parse(readFileSync(process.env.GITHUB_EVENT_PATH, "utf8"));
core.setOutput("environment", JSON.stringify({
  ref: process.env.GITHUB_REF,
  sha: process.env.GITHUB_SHA,
  headRef: process.env.GITHUB_HEAD_REF,
  baseRef: process.env.GITHUB_BASE_REF,
  pull: event.pull_request.number,
  inherited: process.env.VITEST ?? null,
  cwd: process.cwd(),
}));
const comment = await fetch(process.env.GITHUB_API_URL + "/repos/" + process.env.GITHUB_REPOSITORY + "/issues/" + event.pull_request.number + "/comments", {
  method: "POST",
  headers: { authorization: "token " + core.getInput("github-token"), "content-type": "application/json" },
  body: JSON.stringify({ body: "from the action" }),
});
core.setOutput("comment-status", String(comment.status));
if (process.env.ACTIONS_RUNTIME_TOKEN) {
  writeFileSync("bundle.json", JSON.stringify({ model: name }));
  const { id } = await new DefaultArtifactClient().uploadArtifact("ctrain-bundle", ["bundle.json"], ".");
  core.setOutput("artifact-id", String(id));
}
core.setFailed("the gate failed");
`;

const ACTION_METADATA = `name: throwaway
description: exercises the runner contract
inputs:
  model-name:
    required: true
  github-token:
    default: \${{ github.token }}
  threshold:
    default: "0.5"
runs:
  using: node24
  main: index.mjs
`;

let fake: GitHubFake;
let runtime: ActionsRuntime;
let actionDir: string;
let action: ActionUnderTest;

beforeAll(async () => {
  fake = await startGitHubFake();
  runtime = await startActionsRuntime({ github: fake });
  actionDir = await mkdtemp(join(tmpdir(), "ctrain-throwaway-action-"));
  await build({
    stdin: { contents: ACTION_SOURCE, resolveDir: REPO_ROOT, loader: "ts" },
    outfile: join(actionDir, "index.mjs"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "error",
    // CommonJS dependencies call require(); the same banner as scripts/build.mjs gives the ESM bundle one.
    banner: {
      js: "import { createRequire as __ctrainCreateRequire } from 'node:module'; const require = __ctrainCreateRequire(import.meta.url);",
    },
  });
  await writeFile(join(actionDir, "action.yml"), ACTION_METADATA);
  action = { entry: join(actionDir, "index.mjs"), metadata: join(actionDir, "action.yml") };
});

afterAll(async () => {
  await runtime.close();
  await fake.close();
  await rm(actionDir, { recursive: true, force: true });
});

function pullRequestEvent(repo: string, pull: number) {
  const example = loadWebhookExample("pull_request", (payload) => payload.action === "opened");
  return {
    name: "pull_request",
    payload: retargetWebhook(fake, example, { repo, pull, sender: "alice" }) as unknown as Record<string, unknown>,
  };
}

describe("runAction", () => {
  it("runs a bundled action as the runner does and reads back everything it reported", async () => {
    const repo = fake.state.addRepo("octo/model");
    fake.state.addCommit(repo, { branch: "feature", message: "deeper model" });
    const pull = fake.state.addPull(repo, { head: "feature", user: "alice" });
    const result = await runAction(action, {
      github: fake,
      runtime,
      event: pullRequestEvent("octo/model", pull.number),
      permissions: { "pull-requests": "write" },
      inputs: { "model-name": "churn" },
    });

    expect(result.exitCode).toBe(1);
    expect(result.outputs.verdict).toBe("regression");
    expect(result.outputs.report).toBe("line one\nline two");
    expect(result.outputs["comment-status"]).toBe("201");
    expect(result.summary).toContain("<h1>ctrain report</h1>");
    expect(result.summary).toContain("model churn, threshold 0.5");
    expect(result.envFile).toEqual({ CTRAIN_SEEN: "yes" });
    expect(result.state).toEqual({ phase: "main" });
    expect(result.pathAdditions).toEqual(["/opt/ctrain/bin"]);
    expect(result.annotations).toEqual([
      {
        level: "error",
        message: "accuracy fell, by 3%: see below\nsecond line",
        file: "data/train.csv",
        line: 3,
        col: 1,
        title: "Accuracy, regression",
      },
      { level: "warning", message: "drift in column age" },
      { level: "notice", message: "baseline from main" },
      { level: "error", message: "the gate failed" },
    ]);
    expect(result.commands.map((command) => command.command)).toEqual(
      expect.arrayContaining(["add-mask", "group", "endgroup", "debug", "error", "warning", "notice"]),
    );
    expect(result.masks).toContain("s3cr3t-value");
    expect(result.log).toContain("the secret is ***");
    expect(result.log).not.toContain("s3cr3t-value");

    const environment = JSON.parse(result.outputs.environment ?? "{}") as Record<string, unknown>;
    const merge = fake.state.pullMergeCommit(pull);
    expect(environment).toMatchObject({
      ref: `refs/pull/${pull.number}/merge`,
      sha: merge.sha,
      headRef: "feature",
      baseRef: "main",
      pull: pull.number,
      inherited: null,
    });
    expect(environment.cwd).toBe(result.workspace);

    const comments = [...fake.state.repo("octo/model").issueComments.values()];
    expect(comments.map((comment) => [comment.body, comment.user.login])).toEqual([
      ["from the action", "github-actions[bot]"],
    ]);
    const artifacts = [...fake.state.repo("octo/model").artifacts.values()];
    expect(artifacts.map((artifact) => [artifact.id, artifact.runId, artifact.name])).toEqual([
      [Number(result.outputs["artifact-id"]), result.run.id, "ctrain-bundle"],
    ]);
    fake.assertNoViolations();
    runtime.assertNoViolations();
    await rm(result.workspace, { recursive: true, force: true });
  });

  it("gives a pull request from a fork a read-only token", async () => {
    const upstream = fake.state.addRepo("octo/upstream");
    const fork = fake.state.addRepo("mallory/upstream", { forkOf: upstream });
    fake.state.addCommit(fork, { branch: "patch", message: "from a fork" });
    const pull = fake.state.addPull(upstream, { head: "patch", headRepo: fork, user: "mallory" });
    const result = await runAction(action, {
      github: fake,
      event: pullRequestEvent("octo/upstream", pull.number),
      inputs: { "model-name": "churn" },
    });
    expect(result.outputs["comment-status"]).toBe("403");
    expect(result.run.headRepo).toBe(fork);
    fake.assertNoViolations();
    await rm(result.workspace, { recursive: true, force: true });
  });

  it("refuses an input the action does not declare", async () => {
    fake.state.addRepo("octo/typo");
    const payload = retargetWebhook(fake, loadWebhookExample("push"), { repo: "octo/typo" }) as unknown as Record<
      string,
      unknown
    >;
    await expect(
      runAction(action, {
        github: fake,
        event: { name: "push", payload },
        inputs: { "model-name": "x", treshold: "1" },
      }),
    ).rejects.toThrow(/unexpected input\(s\) treshold/);
  });
});

describe("retargetWebhook", () => {
  it("keeps the example's keys and types while identity and state come from the fake", () => {
    const repo = fake.state.addRepo("octo/payloads");
    fake.state.addCommit(repo, { branch: "main", message: "retrain" });
    const example = loadWebhookExample("push", (payload) => payload.ref.startsWith("refs/heads/"));
    const push = retargetWebhook(fake, example, { repo: "octo/payloads" });
    expect(Object.keys(push).sort()).toEqual(Object.keys(example).sort());
    expect(Object.keys(push.repository).sort()).toEqual(Object.keys(example.repository).sort());
    expect(typeof push.repository.created_at).toBe(typeof example.repository.created_at);
    expect(push.repository.full_name).toBe("octo/payloads");
    expect(push.after).toBe(repo.refs.get("heads/main"));
    expect(push.head_commit?.message).toBe("retrain");
    expect(JSON.stringify(push)).not.toContain("api.github.com");
  });
});

import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ValidationDocument } from "@ctrain/core";
import { startActionsRuntime, type ActionsRuntime } from "../harness/actions-runtime/index.js";
import { startGitHubFake, type GitHubFake, type WorkflowRunRecord } from "../harness/github-fake/index.js";
import { runAction, type ActionEvent, type ActionResult } from "../harness/run-action.js";
import { loadWebhookExample, retargetWebhook } from "../harness/webhook-examples.js";
import { readWorkflow, root, type Step } from "./workflow-files.js";

const WORKFLOW_FILE = "dogfood.yml";
const dogfood = readWorkflow(WORKFLOW_FILE, readFileSync(join(root, ".github/workflows", WORKFLOW_FILE), "utf8"));
const [jobId, job] = Object.entries(dogfood.jobs)[0]!;

/**
 * Runs the dogfood job's steps in order, as the runner would: `run:` steps with bash, `./actions/<name>` steps through
 * the harness with their `with:` inputs, all under one token holding exactly the job's `permissions:`. The checkout is
 * the repository's example folder; actions/setup-node is the Node running this test.
 */
async function runDogfoodJob(
  fake: GitHubFake,
  runtime: ActionsRuntime,
  event: ActionEvent,
): Promise<{ steps: Map<string, ActionResult>; run: WorkflowRunRecord; workspace: string }> {
  const workspace = mkdtempSync(join(tmpdir(), "ctrain-dogfood-"));
  cpSync(join(root, "examples/node-classifier"), join(workspace, "examples/node-classifier"), {
    recursive: true,
    filter: (source) => !/[/\\](out|ctrain-output)$/.test(source),
  });
  const token = fake.issueToken({
    kind: "installation",
    repositories: ["octo/ctrain"],
    permissions: job.permissions as Record<string, string>,
  });
  const steps = new Map<string, ActionResult>();
  let run: WorkflowRunRecord | undefined;
  for (const step of job.steps ?? []) {
    const action = /^\.\/actions\/([\w-]+)$/.exec(step.uses ?? "")?.[1];
    if (step.run) runShellStep(step, workspace);
    if (!action) continue;
    const result = await runAction(action, {
      github: fake,
      runtime,
      event,
      workspace,
      token,
      run,
      workflow: WORKFLOW_FILE,
      job: jobId,
      inputs: step.with as Record<string, string>,
    });
    expect(result.exitCode, `${action}: ${result.stderr}${result.log}`).toBe(0);
    run = result.run;
    steps.set(action, result);
  }
  fake.state.completeRun(run!.id, "success");
  return { steps, run: run!, workspace };
}

function runShellStep(step: Step, workspace: string): void {
  const result = spawnSync("bash", ["-e", "-c", step.run!], {
    cwd: join(workspace, step["working-directory"] ?? "."),
    env: { ...process.env, GITHUB_WORKSPACE: workspace },
    encoding: "utf8",
  });
  expect(result.status, result.stderr).toBe(0);
}

describe("dogfooding: the Node example through this commit's actions", () => {
  let fake: GitHubFake;
  let runtime: ActionsRuntime;
  const workspaces: string[] = [];

  beforeEach(async () => {
    fake = await startGitHubFake();
    runtime = await startActionsRuntime({ github: fake });
  });
  afterEach(async () => {
    fake.assertNoViolations();
    runtime.assertNoViolations();
    await runtime.close();
    await fake.close();
    for (const dir of workspaces.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("records main's run, then compares and reports a pull request against it, with only the job's permissions", async () => {
    expect(Object.keys(dogfood.jobs)).toHaveLength(1);
    const repo = fake.state.addRepo("octo/ctrain");
    const base = fake.state.addCommit(repo, { branch: "main", message: "example" });

    const push = retargetWebhook(fake, loadWebhookExample("push"), { repo: "octo/ctrain" });
    const main = await runDogfoodJob(fake, runtime, {
      name: "push",
      payload: push as unknown as Record<string, unknown>,
    });
    workspaces.push(main.workspace);
    expect(main.steps.get("train")!.outputs).toMatchObject({
      status: "succeeded",
      "artifact-name": "ctrain-run-node-example",
    });
    expect(main.steps.get("compare")!.outputs.baseline).toMatch(/no successful run/);

    const head = fake.state.addCommit(repo, { branch: "feature", parents: [base.sha], message: "more epochs" });
    const pull = fake.state.addPull(repo, { head: "feature", user: "alice" });
    const opened = loadWebhookExample("pull_request", (payload) => payload.action === "opened");
    const payload = retargetWebhook(fake, opened, { repo: "octo/ctrain", pull: pull.number });
    const pr = await runDogfoodJob(fake, runtime, {
      name: "pull_request",
      payload: payload as unknown as Record<string, unknown>,
    });
    workspaces.push(pr.workspace);

    // The baseline is main's run of this workflow, for both the data profile and the metrics.
    const compare = pr.steps.get("compare")!;
    expect(compare.outputs.baseline).toContain(`run ${main.run.id}`);
    expect(compare.outputs.verdict).toBe("passed");
    const validation = ValidationDocument.parse(
      JSON.parse(readFileSync(join(pr.workspace, ".ctrain/validation.json"), "utf8")),
    );
    expect(validation.datasets.find((dataset) => dataset.name === "train")?.drift?.columns.length).toBeGreaterThan(0);

    const comments = [...repo.issueComments.values()].filter((comment) => comment.issueNumber === pull.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.user.login).toBe("github-actions[bot]");
    expect(comments[0]!.body).toContain("<!-- ctrain:report:dogfood-node-example -->");
    const checkRuns = [...repo.checkRuns.values()];
    expect(checkRuns.map((checkRun) => checkRun.headSha)).toEqual([base.sha, head.sha]);
    expect(checkRuns[1]!.conclusion).toBe("success");
  }, 180_000); // eight bundled actions, each a fresh Node process, as on a runner
});

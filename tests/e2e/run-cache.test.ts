import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bundle } from "@ctrain/core";
import { startActionsRuntime, type ActionsRuntime } from "../harness/actions-runtime/index.js";
import { startGitHubFake, type GitHubFake, type RepoRecord } from "../harness/github-fake/index.js";
import { runAction } from "../harness/run-action.js";
import { loadWebhookExample, retargetWebhook } from "../harness/webhook-examples.js";

let fake: GitHubFake;
let runtime: ActionsRuntime;
let repo: RepoRecord;
const dirs: string[] = [];

beforeAll(async () => {
  fake = await startGitHubFake();
  runtime = await startActionsRuntime({ github: fake });
  repo = fake.state.addRepo("octo/churn");
});

afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  fake.assertNoViolations();
  runtime.assertNoViolations();
  await runtime.close();
  await fake.close();
});

function pushEvent() {
  const payload = retargetWebhook(fake, loadWebhookExample("push"), { repo: "octo/churn" });
  return { name: "push", payload: payload as unknown as Record<string, unknown> };
}

/** A pull request from mallory's fork, as `pull_request` or as `pull_request_target` delivers it. */
let forks = 0;
function forkPullEvent(name: "pull_request" | "pull_request_target") {
  const branch = `feature-${++forks}`;
  const head = fake.state.addCommit(repo, { branch, message: "from a fork" });
  const fork = fake.state.addRepo(`mallory/churn-${forks}`, { forkOf: repo });
  fake.state.setBranch(fork, branch, head.sha);
  const pull = fake.state.addPull(repo, { head: branch, user: "mallory", headRepo: fork });
  const example = loadWebhookExample("pull_request", (payload) => payload.action === "opened");
  const payload = retargetWebhook(fake, example, { repo: "octo/churn", pull: pull.number });
  return { name, payload: payload as unknown as Record<string, unknown> };
}

/** A git checkout whose training counts its runs in `runs.log` outside the workspace. */
function checkout(): { workspace: string; runsFile: string } {
  const workspace = mkdtempSync(join(tmpdir(), "ctrain-run-cache-e2e-"));
  const runsFile = join(mkdtempSync(join(tmpdir(), "ctrain-run-cache-e2e-runs-")), "runs.log");
  dirs.push(workspace, join(runsFile, ".."));
  const files: Record<string, string> = {
    "ctrain.yml": [
      "train:",
      "  command: |",
      '    echo ran >> "$RUNS_FILE"',
      '    mkdir -p "$CTRAIN_OUTPUT_DIR"',
      '    cat "$CTRAIN_PARAMS_FILE" > "$CTRAIN_OUTPUT_DIR/model.bin"',
      '    echo \'{"accuracy": 0.9}\' > "$CTRAIN_OUTPUT_DIR/metrics.json"',
      "  params: { lr: 0.1 }",
      "  model-files: ctrain-output/model.bin",
      `  env: { RUNS_FILE: ${JSON.stringify(runsFile)} }`,
    ].join("\n"),
    ".gitignore": "ctrain-output/\n.ctrain/\n",
  };
  for (const [path, text] of Object.entries(files)) writeFileSync(join(workspace, path), text);
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.email=ci@example.com", "-c", "user.name=ci", ...args], {
      cwd: workspace,
      stdio: "ignore",
    });
  git("init", "-q", "-b", "main");
  git("add", ".");
  git("commit", "-q", "-m", "initial");
  return { workspace, runsFile };
}

const runs = (file: string) => readFileSync(file, "utf8").split("\n").filter(Boolean).length;
const runCacheKeys = () =>
  runtime.cacheEntries.map((entry) => entry.key).filter((key) => key.startsWith("ctrain-run-"));

describe("the run cache in the train action", () => {
  it("saves on push, and an unchanged re-run restores the results through the Actions cache without training", async () => {
    const { workspace, runsFile } = checkout();
    const first = await runAction("train", { github: fake, runtime, event: pushEvent(), workspace });
    expect(first.exitCode).toBe(0);
    expect(first.outputs.cached).toBe("false");
    expect(first.log).toMatch(/run cache: saved in the Actions cache \(key (ctrain-run-Linux-X64-[0-9a-f]{64})\)/);
    const key = /key (ctrain-run-\S+)\)/.exec(first.log)![1]!;
    expect(runCacheKeys()).toContain(key);
    const trained = new Bundle(join(workspace, ".ctrain")).read("run");

    rmSync(join(workspace, "ctrain-output"), { recursive: true });
    const second = await runAction("train", { github: fake, runtime, event: pushEvent(), workspace });
    expect(second.exitCode).toBe(0);
    expect(second.outputs.cached).toBe("true");
    expect(second.log).toMatch(/run cache hit .*training skipped/);
    expect(runs(runsFile)).toBe(1);
    const restored = new Bundle(join(workspace, ".ctrain")).read("run");
    expect(restored.cached).toEqual({ key, source: trained.source, trainedAt: trained.createdAt });
    expect(restored.source.runId).toBe(second.run.id);
    expect(readFileSync(join(workspace, "ctrain-output/model.bin"), "utf8")).toContain('"lr": 0.1');
  });

  it("the force input trains despite a hit", async () => {
    const { workspace, runsFile } = checkout();
    await runAction("train", { github: fake, runtime, event: pushEvent(), workspace });
    const forced = await runAction("train", {
      github: fake,
      runtime,
      event: pushEvent(),
      workspace,
      inputs: { force: true },
    });
    expect(forced.outputs.cached).toBe("false");
    expect(runs(runsFile)).toBe(2);
  });

  it.each(["pull_request", "pull_request_target"] as const)(
    "a %s run from a fork reads the run cache but never writes it",
    async (event) => {
      const { workspace, runsFile } = checkout();
      // A trusted push saves; the fork's run with the same inputs is a hit.
      await runAction("train", { github: fake, runtime, event: pushEvent(), workspace });
      const hit = await runAction("train", { github: fake, runtime, event: forkPullEvent(event), workspace });
      expect(hit.outputs.cached).toBe("true");
      expect(runs(runsFile)).toBe(1);

      // Changed inputs miss; the fork's results are not saved, though its runtime token could write its own scope.
      const before = runCacheKeys();
      const miss = await runAction("train", {
        github: fake,
        runtime,
        event: forkPullEvent(event),
        workspace,
        inputs: { params: "lr=0.5" },
      });
      expect(miss.exitCode).toBe(0);
      expect(miss.outputs.cached).toBe("false");
      expect(runs(runsFile)).toBe(2);
      expect(runCacheKeys()).toEqual(before);
      expect(miss.log).toMatch(/run cache: not saved: a (pull request from a fork|pull_request_target run) may read/);
    },
  );
});

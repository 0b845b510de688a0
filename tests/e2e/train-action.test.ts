import { execFileSync } from "node:child_process";
import { cpSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bundle } from "@ctrain/core";
import { startActionsRuntime, type ActionsRuntime } from "../harness/actions-runtime/index.js";
import {
  startGitHubFake,
  type GitHubFake,
  type RepoRecord,
  type WorkflowRunRecord,
} from "../harness/github-fake/index.js";
import { runAction } from "../harness/run-action.js";
import { loadWebhookExample, retargetWebhook } from "../harness/webhook-examples.js";
import { processesTagged } from "../train/processes.js";
import { tempDir } from "../support/temp-dir.js";

const FIXTURES = new URL("../fixtures/train/", import.meta.url).pathname;

let fake: GitHubFake;
let runtime: ActionsRuntime;
let repo: RepoRecord;
const savedEnv = { ...process.env };

beforeAll(async () => {
  fake = await startGitHubFake();
  runtime = await startActionsRuntime({ github: fake });
  repo = fake.state.addRepo("octo/churn");
});

afterAll(async () => {
  process.env = savedEnv;
  fake.assertNoViolations();
  runtime.assertNoViolations();
  await runtime.close();
  await fake.close();
});

function pushEvent() {
  const payload = retargetWebhook(fake, loadWebhookExample("push"), { repo: "octo/churn" });
  return { name: "push", payload: payload as unknown as Record<string, unknown> };
}

/** A checkout holding the train fixtures, with old timestamps as a fresh clone would have them. */
function checkout(ctrainYml: string, files: Record<string, string> = {}): string {
  const workspace = tempDir("ctrain-train-e2e-");
  cpSync(FIXTURES, workspace, { recursive: true, preserveTimestamps: true });
  writeFileSync(join(workspace, "ctrain.yml"), ctrainYml);
  for (const [path, text] of Object.entries(files)) writeFileSync(join(workspace, path), text);
  return workspace;
}

/** Downloads an artifact of a run through the real toolkit (REST + blob storage), as a later job would. */
async function downloadRunBundle(artifactId: number, run: WorkflowRunRecord): Promise<{ dir: string; bundle: Bundle }> {
  Object.assign(process.env, {
    ACTIONS_RUNTIME_TOKEN: runtime.runtimeToken(run),
    ACTIONS_RESULTS_URL: runtime.resultsUrl,
    GITHUB_API_URL: fake.url,
    GITHUB_SERVER_URL: fake.webUrl,
  });
  // @actions/artifact reads GITHUB_API_URL when first imported.
  const { downloadBundleArtifact } = await import("@ctrain/github");
  const dir = tempDir("ctrain-download-");
  const bundle = await downloadBundleArtifact({
    artifactId,
    dest: dir,
    token: fake.issueToken({ kind: "installation", permissions: { actions: "read" } }),
    runId: run.id,
    repository: { owner: "octo", repo: "churn" },
  });
  return { dir, bundle };
}

describe("the train action", () => {
  it("trains a scikit-learn model, records it, and uploads the bundle, which downloads back intact", async () => {
    const workspace = checkout(
      [
        "train:",
        "  command: /usr/bin/python3 sklearn_train.py",
        "  params: { train: { epochs: 5 }, model: { alpha: 0.1 } }",
        "  curves: ctrain-output/curves.csv",
        "  predictions: ctrain-output/predictions.csv",
        "  model-files: ctrain-output/model.joblib",
        "compare:",
        "  predictions: { y-true: label, y-pred: prediction, score: probability }",
      ].join("\n"),
    );
    const step = await runAction("train", {
      github: fake,
      runtime,
      event: pushEvent(),
      workspace,
      inputs: { params: "model.alpha=0.001", "retention-days": 7 },
    });
    expect(step.stderr).toBe("");
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toMatchObject({
      status: "succeeded",
      "exit-code": "0",
      "run-name": "ctrain-model.alpha-0.001",
      "artifact-name": "ctrain-run-ctrain-model.alpha-0.001",
      "run-path": join(workspace, ".ctrain"),
      "cache-hit": "",
    });
    // The command's output is in the log, live and inside a foldable group.
    expect(step.commands.map((command) => command.command)).toContain("group");
    expect(step.log).toMatch(/epoch 4: train_loss=/);
    // Loading a joblib file runs code: the step says so.
    expect(step.annotations).toEqual([
      expect.objectContaining({
        level: "warning",
        message: expect.stringMatching(/model.joblib is a pickle-based file/),
      }),
    ]);

    const local = new Bundle(join(workspace, ".ctrain")).read("run");
    expect(local.source).toMatchObject({ repository: "octo/churn", runId: step.run.id, ref: "refs/heads/main" });
    expect(local.runner).toEqual({ os: "Linux", arch: "X64", name: "GitHub Actions 1" });
    expect(JSON.parse(step.outputs.metrics!)).toEqual(local.metrics);
    expect(local.params["model.alpha"]).toBe(0.001);
    // Metrics evaluated from the predictions are part of the record, and they are scikit-learn's.
    const sklearnAuc = execFileSync(
      "/usr/bin/python3",
      [
        "-c",
        "import csv,sys\nfrom sklearn.metrics import roc_auc_score\nr=list(csv.DictReader(open(sys.argv[1])))\nprint(repr(roc_auc_score([int(x['label']) for x in r],[float(x['probability']) for x in r])))",
        join(workspace, "ctrain-output/predictions.csv"),
      ],
      { encoding: "utf8" },
    );
    expect(local.metrics.roc_auc).toBeCloseTo(Number(sklearnAuc), 12);

    const artifact = [...repo.artifacts.values()].find((record) => record.id === Number(step.outputs["artifact-id"]));
    expect(artifact?.name).toBe("ctrain-run-ctrain-model.alpha-0.001");
    expect(Math.round((Date.parse(artifact!.expiresAt) - Date.now()) / 86_400_000)).toBe(7);
    const { dir, bundle } = await downloadRunBundle(artifact!.id, step.run);
    expect(bundle.read("run")).toEqual(local);
    expect(readFileSync(join(dir, "run.json"))).toEqual(readFileSync(join(workspace, ".ctrain/run.json")));
    expect(readFileSync(join(dir, "predictions/predictions.csv"))).toEqual(
      readFileSync(join(workspace, "ctrain-output/predictions.csv")),
    );
  });

  it("runs a plain Node trainer per matrix job, without the step's credentials, each uploading its own artifact", async () => {
    // The command sees what a `run:` step sees: no step inputs, no Actions runtime credentials.
    const workspace = checkout(
      [
        "train:",
        "  command: |",
        '    env | grep -E "^(INPUT_|ACTIONS_RUNTIME|ACTIONS_RESULTS|ACTIONS_CACHE)" && exit 9',
        '    test -n "$GITHUB_REPOSITORY" && node node_train.mjs',
        "  params: { epochs: 3 }",
      ].join("\n"),
    );
    const run = fake.state.addWorkflowRun(repo, { workflow: "sweep.yml", event: "push", headBranch: "main" });
    const names: string[] = [];
    for (const lr of [0.1, 0.5]) {
      rmSync(join(workspace, ".ctrain"), { recursive: true, force: true });
      const step = await runAction("train", {
        github: fake,
        runtime,
        event: pushEvent(),
        run,
        workspace,
        job: "sweep",
        inputs: { params: JSON.stringify({ lr }) },
      });
      expect(step.exitCode).toBe(0);
      names.push(step.outputs["artifact-name"]!);
      expect(new Bundle(join(workspace, ".ctrain")).read("run").params).toEqual({ epochs: 3, lr });
    }
    expect(names).toEqual(["ctrain-run-sweep-lr-0.1", "ctrain-run-sweep-lr-0.5"]);
    expect([...repo.artifacts.values()].filter((artifact) => artifact.runId === run.id).map((a) => a.name)).toEqual(
      names,
    );
  });

  it("two steps of one run with the same name fail on the artifact with advice, not a stack trace", async () => {
    const workspace = checkout(["train:", "  command: echo '{}' > ctrain-output/metrics.json"].join("\n"));
    const run = fake.state.addWorkflowRun(repo, { workflow: "ci.yml", event: "push", headBranch: "main" });
    const first = await runAction("train", { github: fake, runtime, event: pushEvent(), run, workspace, job: "twin" });
    expect(first.exitCode).toBe(0);
    const second = await runAction("train", { github: fake, runtime, event: pushEvent(), run, workspace, job: "twin" });
    expect(second.exitCode).toBe(1);
    expect(second.annotations).toEqual([
      {
        level: "error",
        message:
          "input 'name': this workflow run already has an artifact named ctrain-run-twin\n" +
          "  hint: give each train step of the run its own name, e.g. `name: train-${{ matrix.lr }}`, or set `params:` from the matrix",
      },
    ]);
  });

  it("a failing command still uploads its record and fails the step with its exit code", async () => {
    const workspace = checkout(["train:", "  command: |", "    echo loading data", "    exit 3"].join("\n"));
    const step = await runAction("train", { github: fake, runtime, event: pushEvent(), workspace });
    expect(step.exitCode).toBe(3);
    expect(step.outputs.status).toBe("failed");
    expect(step.annotations).toEqual([{ level: "error", message: "training failed (exit code 3)" }]);
    const artifact = [...repo.artifacts.values()].find((record) => record.id === Number(step.outputs["artifact-id"]));
    const { bundle } = await downloadRunBundle(artifact!.id, step.run);
    expect(bundle.read("run")).toMatchObject({ status: "failed", exitCode: 3, logTail: ["loading data"] });
  });

  it("a missing metrics file fails the step naming the path, the working directory and what was written", async () => {
    const workspace = checkout(["train:", "  command: echo '{}' > metric.json", "  metrics: metrics.json"].join("\n"));
    const step = await runAction("train", { github: fake, runtime, event: pushEvent(), workspace });
    expect(step.exitCode).toBe(1);
    expect(step.annotations).toEqual([
      {
        level: "error",
        message:
          `train.metrics: nothing found at metrics.json (working directory: ${workspace}); the command wrote: metric.json\n` +
          "  hint: make the command write there, or set train.metrics to where it writes (relative to the working directory)",
      },
    ]);
    expect(step.outputs["artifact-id"]).toMatch(/^\d+$/);
  });

  it("a timeout stops the whole tree, escaped processes included, and the record is still uploaded", async () => {
    const tag = randomUUID();
    const workspace = checkout(
      [
        "train:",
        "  command: |",
        "    sleep 1000 &",
        "    ( setsid bash -c 'sleep 1000' & )",
        "    bash -c 'trap \"\" TERM; while true; do sleep 1; done' &",
        "    echo training",
        "    sleep 1000",
        "  timeout: 2s",
        "  kill-grace: 0.5",
      ].join("\n"),
    );
    const step = await runAction("train", {
      github: fake,
      runtime,
      event: pushEvent(),
      workspace,
      env: { TREE_TEST_TAG: tag },
    });
    expect(step.exitCode).toBe(124);
    expect(step.outputs.status).toBe("timed-out");
    expect(step.log).toMatch(/timeout of 2s reached: stopping the command and every process it started/);
    expect(processesTagged(tag)).toEqual([]);
    expect(step.outputs["artifact-id"]).toMatch(/^\d+$/);
  });

  it("restores and saves the dependency cache: miss, then exact hit, then a partial hit when the data changes", async () => {
    const workspace = checkout(
      [
        "data:",
        "  datasets:",
        "    rows: { path: rows.csv }",
        "train:",
        "  command: |",
        "    if [ -f deps/installed ]; then echo reused; else mkdir -p deps && echo 1 > deps/installed && echo installed; fi",
        "  cache:",
        "    paths: deps",
        "    key-files: requirements.txt",
      ].join("\n"),
      { "requirements.txt": "scikit-learn==1.2.1\n", "rows.csv": "x\n1\n" },
    );
    const train = async () => {
      rmSync(join(workspace, "deps"), { recursive: true, force: true });
      rmSync(join(workspace, ".ctrain"), { recursive: true, force: true });
      return runAction("train", { github: fake, runtime, event: pushEvent(), workspace });
    };
    const first = await train();
    expect(first.exitCode).toBe(0);
    expect(first.outputs["cache-hit"]).toBe("miss");
    expect(first.log).toMatch(/^installed$/m);
    expect(runtime.cacheEntries.map((entry) => entry.key)).toContain(first.outputs["cache-key"]);

    const second = await train();
    expect(second.outputs["cache-hit"]).toBe("exact");
    expect(second.outputs["cache-key"]).toBe(first.outputs["cache-key"]);
    expect(second.log).toMatch(/^reused$/m);

    writeFileSync(join(workspace, "rows.csv"), "x\n2\n");
    const third = await train();
    expect(third.outputs["cache-hit"]).toBe("partial");
    expect(third.outputs["cache-key"]).not.toBe(first.outputs["cache-key"]);
    expect(third.log).toMatch(/^reused$/m);
    const record = new Bundle(join(workspace, ".ctrain")).read("run");
    expect(record.cache).toEqual({
      key: third.outputs["cache-key"],
      hit: "partial",
      restoredKey: first.outputs["cache-key"],
    });
    expect(record.datasets.map((dataset) => dataset.files.map((file) => file.path))).toEqual([["rows.csv"]]);
  });
});

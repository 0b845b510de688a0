import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ComparisonDocument, RunDocument, serializeDocument } from "@ctrain/core";
import type { GitHubFake } from "../harness/github-fake/index.js";
import type { ActionsRuntime } from "../harness/actions-runtime/index.js";
import { startHarness, type Harness } from "../harness/harness.js";
import { runAction } from "../harness/run-action.js";
import { loadWebhookExample, retargetWebhook } from "../harness/webhook-examples.js";
import { createZip } from "../harness/zip.js";
import { workflowJobPermissions } from "../harness/workflow-permissions.js";

/** The token of continuous-training.yml's job, exactly as its `permissions:` block grants it. */
const PIPELINE = workflowJobPermissions("continuous-training.yml", "pipeline");

const CONFIG = `
compare:
  metrics:
    accuracy: { direction: higher, min: 0.6, change: { absolute: -0.02 } }
    roc_auc: { direction: higher, change: { absolute: -0.01 }, significance: regression }
`;

/** A seeded binary test set and a model's scores on it: `noise` sets how good the model is. */
function predictionsCsv(noise: number, seed: number, rows = 400): string {
  let state = seed;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  let truthState = 7;
  const truth = () => (truthState = (Math.imul(truthState, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const lines = ["y_true,y_pred,score"];
  for (let row = 0; row < rows; row++) {
    const y = truth() < 0.5 ? 0 : 1;
    const score = Math.min(1, Math.max(0, (y === 1 ? 0.65 : 0.35) + noise * (next() - 0.5)));
    lines.push(`${y},${score >= 0.5 ? 1 : 0},${score.toFixed(6)}`);
  }
  return lines.join("\n") + "\n";
}

/** A run record whose predictions digest is the file's own, as the train step records it. */
function runDocument(options: {
  commit: string;
  branch: string;
  predictions: string;
  metrics?: Record<string, number>;
}): RunDocument {
  return RunDocument.parse({
    schema: "ctrain.run/v1",
    name: "train",
    createdAt: "2026-11-29T08:00:00.000Z",
    source: { repository: "octo/churn", commit: options.commit, branch: options.branch },
    status: "succeeded",
    params: { "model.depth": options.branch === "main" ? 4 : 6 },
    metrics: options.metrics ?? { "train.loss": 0.4 },
    predictions: {
      path: "predictions/predictions.csv",
      bytes: Buffer.byteLength(options.predictions),
      sha256: createHash("sha256").update(options.predictions).digest("hex"),
    },
  });
}

function baselineFiles(commit: string, noise: number): Record<string, string> {
  const predictions = predictionsCsv(noise, 99);
  return {
    "run.json": serializeDocument(runDocument({ commit, branch: "main", predictions })),
    "predictions/predictions.csv": predictions,
  };
}

/** The candidate's bundle in the workspace: its run record and the predictions it recorded. */
function writeCandidate(bundle: string, commit: string, predictions: string): void {
  mkdirSync(join(bundle, "predictions"), { recursive: true });
  writeFileSync(join(bundle, "run.json"), serializeDocument(runDocument({ commit, branch: "feature", predictions })));
  writeFileSync(join(bundle, "predictions", "predictions.csv"), predictions);
}

describe("compare action, end to end", () => {
  let fake: GitHubFake;
  let runtime: ActionsRuntime;
  let workspace: string;

  let harness: Harness;

  beforeEach(async () => {
    harness = await startHarness("ctrain-compare-e2e-");
    ({ fake, runtime, workspace } = harness);
    writeFileSync(join(workspace, "ctrain.yml"), CONFIG);
  });
  afterEach(() => harness.stop());

  /** The compare action, run as the runner runs it, on a pull_request event. */
  function compareOnPullRequest(payload: Record<string, unknown>) {
    return runAction("compare", {
      github: fake,
      runtime,
      workspace,
      event: { name: "pull_request", payload },
      permissions: PIPELINE,
    });
  }

  /** A real `pull_request.opened` payload, pointed at the fake's repository and pull request. */
  function pullRequestPayload(pull: number): Record<string, unknown> {
    const example = loadWebhookExample("pull_request", (p) => p.action === "opened");
    return retargetWebhook(fake, example, { repo: "octo/churn", pull }) as unknown as Record<string, unknown>;
  }

  /** main: base -> (later), feature branches from `branchPoint`; the candidate bundle is written to the workspace. */
  function pullRequestSetup(options: { candidateNoise: number; fork?: boolean }) {
    const repo = fake.state.addRepo("octo/churn");
    const base = fake.state.addCommit(repo, { branch: "main", message: "baseline model" });
    const head = fake.state.addCommit(repo, { branch: "feature", parents: [base.sha], message: "deeper trees" });
    let headRepo;
    if (options.fork) {
      headRepo = fake.state.addRepo("mallory/churn", { forkOf: repo });
      fake.state.setBranch(headRepo, "feature", head.sha);
    }
    const pull = fake.state.addPull(repo, { head: "feature", user: options.fork ? "mallory" : "alice", headRepo });
    const payload = pullRequestPayload(pull.number);
    writeCandidate(join(workspace, ".ctrain"), head.sha, predictionsCsv(options.candidateNoise, 5));
    return { repo, base, head, pull, payload };
  }

  function baselineRun(
    repo: ReturnType<GitHubFake["state"]["addRepo"]>,
    sha: string,
    options: { noise?: number; expired?: boolean } = {},
  ) {
    const run = fake.state.addWorkflowRun(repo, {
      workflow: "ci.yml",
      event: "push",
      headBranch: "main",
      headSha: sha,
      conclusion: "success",
    });
    const artifact = fake.state.addArtifact(run.id, {
      name: "ctrain-run-train",
      files: baselineFiles(sha, options.noise ?? 0.9),
      expired: options.expired,
    });
    return { run, artifact };
  }

  /** ROC AUC of each predictions file by scikit-learn (Debian's python3-sklearn). */
  function sklearnAuc(files: string[]): number[] {
    const script =
      "import sys, json, csv\nfrom sklearn.metrics import roc_auc_score\nout=[]\nfor f in sys.argv[1:]:\n    rows=list(csv.DictReader(open(f)))\n    out.append(roc_auc_score([int(r['y_true']) for r in rows],[float(r['score']) for r in rows]))\nprint(json.dumps(out))";
    return JSON.parse(execFileSync("/usr/bin/python3", ["-c", script, ...files], { encoding: "utf8" })) as number[];
  }

  const comparisonOf = () =>
    ComparisonDocument.parse(JSON.parse(readFileSync(join(workspace, ".ctrain", "comparison.json"), "utf8")));

  it("finds the base branch's run at the merge-base, pairs predictions and passes an improvement", async () => {
    const { repo, base, payload } = pullRequestSetup({ candidateNoise: 0.5 });
    const { run } = baselineRun(repo, base.sha, { noise: 0.9 });
    const result = await compareOnPullRequest(payload);
    // Node's own deprecation notices from dependencies aside, nothing reaches stderr.
    expect(
      result.stderr.split("\n").filter((line) => line && !/DeprecationWarning|--trace-deprecation/.test(line)),
    ).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.outputs.verdict).toBe("passed");
    expect(result.outputs.passed).toBe("true");
    expect(result.outputs.baseline).toContain(`run ${run.id}`);
    const comparison = comparisonOf();
    expect(comparison.baseline.commit).toBe(base.sha);
    expect(comparison.baseline.commitsBehind).toBe(0);
    expect(comparison.baseline.runUrl).toContain(`/actions/runs/${run.id}`);
    const auc = comparison.rows.find((row) => row.name === "roc_auc")!;
    expect(auc.verdict).toBe("improved");
    expect(auc.method).toContain("delong");
    // One interval: DeLong's, the test that labelled the change, with its p-value.
    expect(auc.interval?.method).toBe("delong");
    expect(auc.evidence?.method).toBe("delong");
    expect(auc.pValue).toBeLessThan(0.05);
    expect(auc.interval!.low).toBeGreaterThan(0);
    expect(auc.delta!).toBeGreaterThan(0);
    // accuracy's change bound is not 0, which McNemar cannot test: the paired bootstrap labels its change.
    const accuracy = comparison.rows.find((row) => row.name === "accuracy")!;
    expect(accuracy.method).toBe("value-threshold+bootstrap+change-threshold");
    expect(accuracy.interval?.method).toMatch(/^bootstrap-/);
    expect(accuracy.pValue).toBeGreaterThan(0);
    expect(comparison.rows.find((row) => row.name === "model.depth" && row.kind === "param")?.changed).toBe(true);
    // The numbers are scikit-learn's, computed here from the same files.
    writeFileSync(
      join(workspace, "baseline-predictions.csv"),
      baselineFiles(base.sha, 0.9)["predictions/predictions.csv"]!,
    );
    const reference = sklearnAuc([
      join(workspace, "baseline-predictions.csv"),
      join(workspace, ".ctrain/predictions/predictions.csv"),
    ]);
    expect(auc.baseline).toBeCloseTo(reference[0]!, 12);
    expect(auc.candidate).toBeCloseTo(reference[1]!, 12);
    expect(result.summary).toMatch(/\| roc\\_auc ↑ \| 0\.\d+ \| 0\.\d+ \| \+0\.\d+ \|/);
    const recorded = RunDocument.parse(JSON.parse(readFileSync(join(workspace, ".ctrain", "run.json"), "utf8")));
    expect(recorded.verdicts.comparison).toBe("passed");
  });

  it("uses the nearest older run when the merge-base has none, and says how far behind it is", async () => {
    const repo = fake.state.addRepo("octo/churn");
    const older = fake.state.addCommit(repo, { branch: "main", message: "old" });
    const mergeBase = fake.state.addCommit(repo, { branch: "main", parents: [older.sha], message: "docs only" });
    fake.state.addCommit(repo, { branch: "feature", parents: [mergeBase.sha], message: "feature" });
    const pull = fake.state.addPull(repo, { head: "feature", user: "alice" });
    const payload = pullRequestPayload(pull.number);
    writeCandidate(join(workspace, ".ctrain"), "a".repeat(40), predictionsCsv(0.9, 99));
    baselineRun(repo, older.sha);
    const result = await compareOnPullRequest(payload);
    expect(result.exitCode).toBe(0);
    const comparison = comparisonOf();
    expect(comparison.baseline.commit).toBe(older.sha);
    expect(comparison.baseline.commitsBehind).toBe(1);
    expect(comparison.baseline.notes.join(" ")).toContain("1 commits behind");
  });

  it("fails a significant regression, still writes the comparison, and names the failed metric", async () => {
    const { repo, base, payload } = pullRequestSetup({ candidateNoise: 1.6 });
    baselineRun(repo, base.sha, { noise: 0.5 });
    const result = await compareOnPullRequest(payload);
    expect(result.exitCode).toBe(1);
    expect(result.outputs.verdict).toBe("failed");
    expect(result.outputs["failed-metrics"]).toContain("roc_auc");
    expect(
      result.annotations.some((annotation) => annotation.level === "error" && /gates failed/.test(annotation.message)),
    ).toBe(true);
    expect(comparisonOf().verdict).toBe("failed");
  });

  it("compares without a baseline when the only artifact has expired, and says why", async () => {
    const { repo, base, payload } = pullRequestSetup({ candidateNoise: 0.5 });
    baselineRun(repo, base.sha, { expired: true });
    const result = await compareOnPullRequest(payload);
    expect(result.exitCode).toBe(0);
    const comparison = comparisonOf();
    expect(comparison.baseline.kind).toBe("none");
    expect(comparison.baseline.notes.join(" ")).toContain("expired");
    expect(comparison.rows.find((row) => row.name === "accuracy")?.verdict).toBe("skipped");
    expect(comparison.verdict).toBe("passed");
    expect(comparison.rows.find((row) => row.name === "roc_auc")?.reasons.join(" ")).toContain(
      "no baseline value (first run?): the change is not judged",
    );
  });

  it("runs a first comparison with no runs at all", async () => {
    const { payload } = pullRequestSetup({ candidateNoise: 0.5 });
    const result = await compareOnPullRequest(payload);
    expect(result.exitCode).toBe(0);
    expect(comparisonOf().baseline.description).toContain("no successful run");
    expect(result.annotations.some((annotation) => annotation.level === "warning")).toBe(true);
  });

  it("works for a pull request from a fork, whose token is read-only", async () => {
    const { repo, base, payload } = pullRequestSetup({ candidateNoise: 0.5, fork: true });
    baselineRun(repo, base.sha);
    const result = await compareOnPullRequest(payload);
    expect(result.exitCode).toBe(0);
    expect(comparisonOf().baseline.commit).toBe(base.sha);
  });

  it("rejects a tampered baseline artifact and a hostile run.json, and falls back", async () => {
    const { repo, base, payload } = pullRequestSetup({ candidateNoise: 0.5 });
    const { artifact } = baselineRun(repo, base.sha);
    artifact.content = createZip({ ...baselineFiles(base.sha, 0.1), "extra.txt": "injected" }); // digest no longer matches
    const hostile = fake.state.addWorkflowRun(repo, {
      workflow: "ci.yml",
      event: "push",
      headBranch: "main",
      headSha: base.sha,
      conclusion: "success",
    });
    fake.state.addArtifact(hostile.id, {
      name: "ctrain-run-train",
      files: {
        "run.json": JSON.stringify({
          schema: "ctrain.run/v1",
          name: "x",
          metrics: { accuracy: "<img src=x>" },
          model: { files: [{ path: "../../etc/passwd" }] },
        }),
      },
    });
    const result = await compareOnPullRequest(payload);
    expect(result.exitCode).toBe(0);
    const comparison = comparisonOf();
    expect(comparison.baseline.kind).toBe("none");
    const notes = comparison.baseline.notes.join("\n");
    expect(notes).toContain("does not match its recorded digest");
    expect(notes).toMatch(/run\.json.*(expected|Invalid)/);
  });

  it("reports a bad config key against the file, without a stack trace", async () => {
    const { payload } = pullRequestSetup({ candidateNoise: 0.5 });
    writeFileSync(join(workspace, "ctrain.yml"), "compare:\n  metrics:\n    accuracy: { direction: up }\n");
    const result = await compareOnPullRequest(payload);
    expect(result.exitCode).toBe(1);
    const error = result.annotations.find((annotation) => annotation.level === "error");
    expect(error?.message).toBe(
      'ctrain.yml:3:28: compare.metrics.accuracy.direction: expected "higher" or "lower", got "up"',
    );
    expect(result.stdout).not.toMatch(/\n\s+at /);
  });
});

/**
 * Same inputs, same decisions: each stage runs through both hosts on one project (the action bundle against the
 * GitHub fake, the CLI against the local store) and the documents they write are compared field by field. Only
 * the fields a host fills from where it runs differ, and each is named here.
 */
import { createHash } from "node:crypto";
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { startHarness, type Harness } from "../harness/harness.js";
import { runAction, type ActionEvent } from "../harness/run-action.js";
import { loadWebhookExample, retargetWebhook } from "../harness/webhook-examples.js";
import { workflowJobPermissions } from "../harness/workflow-permissions.js";
import { ctrain, exampleRepository, git } from "../support/cli.js";

/** Fields a host fills from where it runs: when, who, which run, how long; never a decision. */
const HOST_FIELDS = {
  validation: ["createdAt", "source"],
  profile: ["createdAt", "source"],
  run: ["createdAt", "source", "runner", "resources", "logTail", "durationSeconds", "startedAt", "finishedAt"],
  comparison: ["createdAt", "source", "candidate.source", "candidate.runUrl"],
} as const;

function without(document: unknown, paths: readonly string[]): unknown {
  const copy = structuredClone(document) as Record<string, unknown>;
  for (const path of paths) {
    const keys = path.split(".");
    let node: Record<string, unknown> | undefined = copy;
    for (const key of keys.slice(0, -1)) node = node?.[key] as Record<string, unknown> | undefined;
    if (node) delete node[keys.at(-1)!];
  }
  return copy;
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, "utf8"));

/** Every file under `dir` with its sha256, by path relative to it. */
function digests(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path)] = createHash("sha256").update(readFileSync(path)).digest("hex");
    }
  };
  walk(dir);
  return files;
}

// Each stage runs two hosts, the action bundles in child processes: minutes on a loaded two-core machine.
describe("each stage decides the same in the action and the CLI", { timeout: 180_000 }, () => {
  let harness: Harness;
  let event: ActionEvent;
  /** The action's checkout and the CLI's project: copies of one repository. */
  let github: string;
  let local: string;
  const PIPELINE = workflowJobPermissions("continuous-training.yml", "pipeline");

  const action = async (name: string, inputs: Record<string, string> = {}) => {
    const step = await runAction(name, {
      github: harness.fake,
      runtime: harness.runtime,
      event,
      workspace: github,
      inputs,
      job: "train",
      permissions: { ...PIPELINE, contents: "write" },
    });
    expect(step.exitCode, `${name}: ${step.stdout}\n${step.stderr}`).toBe(0);
    return step;
  };
  const cli = (...args: string[]) => {
    const result = ctrain(local, ...args);
    expect(result.code, `ctrain ${args.join(" ")}: ${result.stderr}`).toBe(0);
    return result;
  };
  const bundleFile = (root: string, file: string) => readJson(join(root, ".ctrain", file));

  beforeAll(async () => {
    harness = await startHarness("ctrain-parity-");
    local = exampleRepository("node-classifier");
    const configFile = join(local, "ctrain.yml");
    const config = parseYaml(readFileSync(configFile, "utf8")) as Record<string, Record<string, unknown>>;
    cli("validate");
    cli("train");
    // One baseline both hosts read from the checkout, so drift and the gates have something to measure against.
    cpSync(join(local, ".ctrain"), join(local, "baseline"), { recursive: true });
    config.compare!.baseline = "path:baseline";
    config.publish!.approval = "none";
    writeFileSync(configFile, stringifyYaml(config));
    rmSync(join(local, ".ctrain"), { recursive: true, force: true });
    rmSync(join(local, "out"), { recursive: true, force: true });
    git(local, "add", "-A");
    git(local, "commit", "-qm", "a baseline");
    github = harness.workspace;
    rmSync(github, { recursive: true, force: true });
    cpSync(local, github, { recursive: true });
    const repo = harness.fake.state.addRepo("octo/churn");
    harness.fake.state.addCommit(repo, { branch: "main", message: "a baseline" });
    const push = retargetWebhook(harness.fake, loadWebhookExample("push"), { repo: "octo/churn" });
    event = { name: "push", payload: push as unknown as Record<string, unknown> };
  });
  afterAll(async () => {
    await harness.stop();
    rmSync(local, { recursive: true, force: true });
  });

  it("validate: the same checks, profiles and drift", async () => {
    const step = await action("validate");
    cli("validate");
    expect(step.outputs.passed).toBe("true");
    const validation = (root: string) => without(bundleFile(root, "validation.json"), HOST_FIELDS.validation);
    expect(validation(github)).toEqual(validation(local));
    expect(JSON.stringify(validation(local))).toContain('"drift"');
    for (const name of readdirSync(join(local, ".ctrain", "profile"))) {
      const profile = (root: string) => without(bundleFile(root, join("profile", name)), HOST_FIELDS.profile);
      expect(profile(github)).toEqual(profile(local));
    }
  });

  it("train: the same params, metrics, curves and model files", async () => {
    const step = await action("train", { upload: "false", cache: "false" });
    cli("train");
    expect(step.outputs.status).toBe("succeeded");
    const run = (root: string) => without(bundleFile(root, "run.json"), HOST_FIELDS.run);
    expect(run(github)).toEqual(run(local));
  });

  it("compare: the same rows and verdict against the same baseline", async () => {
    const step = await action("compare");
    cli("compare");
    const comparison = (root: string) => without(bundleFile(root, "comparison.json"), HOST_FIELDS.comparison);
    expect(comparison(github)).toEqual(comparison(local));
    expect(step.outputs.verdict).toBe((bundleFile(local, "comparison.json") as { verdict: string }).verdict);
    const verdicts = (root: string) => (bundleFile(root, "run.json") as { verdicts: unknown }).verdicts;
    expect(verdicts(github)).toEqual(verdicts(local));
  });

  it("report: the same verdict and title from the same documents", async () => {
    const step = await action("report", { "check-run": "false", upload: "false", "trend-runs": "0" });
    const printed = cli("report").stdout.split("\n")[0];
    const title = (root: string) => readFileSync(join(root, ".ctrain", "report.md"), "utf8").split("\n")[0];
    expect(step.outputs.verdict).toBeTruthy();
    expect(printed).toContain(step.outputs.verdict === "passed" ? "passed" : step.outputs.verdict);
    expect(title(github)).toEqual(title(local));
  });

  it("publish and fetch: the same version, manifest and verified files", async () => {
    const published = await action("publish");
    const localPublished = cli("publish").stdout;
    expect(localPublished).toContain(`${published.outputs.outcome}: ${published.outputs.tag} `);
    const fetched = await action("fetch-model", { version: published.outputs.tag!, path: "deployed" });
    cli("fetch", published.outputs.tag!, "--to", "deployed");
    expect(fetched.outputs.tag).toBe(published.outputs.tag);
    // The release's documents carry each host's own fields (see HOST_FIELDS); the model and its predictions do not.
    const deployed = (root: string) => digests(join(root, "deployed"));
    expect(Object.keys(deployed(github)).sort()).toEqual(Object.keys(deployed(local)).sort());
    const artefacts = (root: string) =>
      Object.entries(deployed(root)).filter(([path]) => /^(model|predictions)\//.test(path));
    expect(artefacts(github)).toEqual(artefacts(local));
    expect(artefacts(local).length).toBeGreaterThan(1);
  });
});

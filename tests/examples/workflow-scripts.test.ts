import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readWorkflow, root, type Step } from "./workflow-files.js";

/** The reusable workflows' own shell steps, run with bash as the runner runs them (`bash -e {0}`). */
function stepOf(file: string, name: string): Step {
  const workflow = readWorkflow(file, readFileSync(join(root, ".github/workflows", file), "utf8"));
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps ?? []);
  const step = steps.find((candidate) => (candidate as { name?: string }).name === name);
  if (!step?.run) throw new Error(`${file} has no run: step named ${name}`);
  return step;
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function runStep(step: Step, env: Record<string, string>, files: Record<string, string> = {}) {
  const workspace = mkdtempSync(join(tmpdir(), "ctrain-step-script-"));
  dirs.push(workspace);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(workspace, path, ".."), { recursive: true });
    writeFileSync(join(workspace, path), content);
  }
  const githubEnv = join(workspace, "github_env");
  const githubOutput = join(workspace, "github_output");
  writeFileSync(githubEnv, "");
  writeFileSync(githubOutput, "");
  const result = spawnSync("bash", ["-e", "-c", step.run!], {
    cwd: workspace,
    env: { PATH: process.env.PATH, GITHUB_ENV: githubEnv, GITHUB_OUTPUT: githubOutput, ...env },
    encoding: "utf8",
  });
  return { ...result, env: readFileSync(githubEnv, "utf8"), output: readFileSync(githubOutput, "utf8") };
}

describe("the reusable workflows' shell steps", () => {
  it.each([
    ["continuous-training.yml", "Export the training environment", "TRAINING_ENV"],
    ["deploy-model.yml", "Export the deploy environment", "DEPLOY_ENV"],
  ])("%s: %s exports each NAME=value line and masks every value", (file, name, variable) => {
    const secret = "S3_KEY=abc=def\n\nDATA_URL=https://example.invalid/data?x=1\nEMPTY=\n";
    const result = runStep(stepOf(file, name), { [variable]: secret });
    expect(result.status).toBe(0);
    expect(result.env).toBe("S3_KEY=abc=def\nDATA_URL=https://example.invalid/data?x=1\nEMPTY=\n");
    expect(result.stdout).toBe("::add-mask::abc=def\n::add-mask::https://example.invalid/data?x=1\n");
    // An unset secret (a fork's pull request has none) exports nothing.
    const none = runStep(stepOf(file, name), {});
    expect([none.status, none.env, none.stdout]).toEqual([0, "", ""]);
  });

  it("continuous-training.yml lists the model files run.json records, for the candidate artifact", () => {
    const step = stepOf("continuous-training.yml", "List the model files the run recorded");
    const run = (files: string[]) =>
      JSON.stringify({ schema: "ctrain.run/v1", model: { files: files.map((path) => ({ path, pickle: false })) } });
    const result = runStep(step, {}, { ".ctrain/run.json": run(["out/model.joblib", "out/vocab.json"]) });
    expect(result.status).toBe(0);
    expect(result.output).toBe("paths<<CTRAIN_PATHS_END\nout/model.joblib\nout/vocab.json\nCTRAIN_PATHS_END\n");

    const empty = runStep(step, {}, { ".ctrain/run.json": run([]) });
    expect(empty.status).toBe(1);
    expect(empty.stdout).toContain("::error::.ctrain/run.json records no model files");
    expect(empty.output).toBe("");
  });
});

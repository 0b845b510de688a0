import * as core from "@actions/core";
import {
  actionLog,
  ActionsDependencyCache,
  bundleArtifactName,
  runAction,
  setJsonOutput,
  startAction,
  toRunSource,
  uploadBundleArtifact,
} from "@ctrain/github";
import { parseParamOverrides, runTrainStep } from "@ctrain/train";
import { INPUTS } from "./inputs.js";

/** The action's work; the runner's entry (index.ts) and `@github/local-action` call it. */
export function run(): Promise<void> {
  return runAction(async () => {
    const { inputs, context, config } = startAction(INPUTS);
    const paramOverrides = parseParamOverrides(inputs.params ?? "", "input 'params'");
    // The runner sends SIGINT when the job is cancelled: stop the training tree and still record the run.
    const cancellation = new AbortController();
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => cancellation.abort());
    const { run, exitCode, bundleDir, stored, verdict } = await runTrainStep({
      config: config(),
      root: context.workspace,
      name: inputs.name,
      defaultName: process.env.GITHUB_JOB || "train",
      paramOverrides,
      source: toRunSource(context),
      log: actionLog,
      output: process.stdout,
      signal: cancellation.signal,
      cache: inputs.cache ? new ActionsDependencyCache((line) => actionLog.info(line)) : undefined,
      bundles: inputs.upload
        ? {
            nameOf: (runName) => bundleArtifactName("run", runName),
            store: (dir, name) => uploadBundleArtifact({ dir, name, retentionDays: inputs["retention-days"] }),
          }
        : undefined,
    });
    core.setOutput("status", run.status);
    core.setOutput("exit-code", String(exitCode));
    core.setOutput("run-name", run.name);
    core.setOutput("run-path", bundleDir);
    core.setOutput("cache-hit", run.cache?.hit ?? "");
    core.setOutput("cache-key", run.cache?.key ?? "");
    setJsonOutput("metrics", run.metrics, "run.json");
    if (stored) core.setOutput("artifact-name", stored.name);
    if (stored) core.setOutput("artifact-id", stored.id === undefined ? "" : String(stored.id));
    if (!verdict.passed) core.setFailed(verdict.reasons.join("; "));
    if (exitCode !== 0) process.exitCode = exitCode;
  });
}

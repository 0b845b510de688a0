import * as core from "@actions/core";
import {
  actionLog,
  ActionsDependencyCache,
  ActionsRunCacheStore,
  artifactBundleStore,
  runAction,
  setJsonOutput,
  startAction,
  toRunSource,
} from "@ctrain/github";
import { parseParamOverrides, runTrainStep } from "@ctrain/train";
import { INPUTS } from "./inputs.js";

/** The action's work; the runner's entry (index.ts) and `@github/local-action` call it. */
export function run(): Promise<void> {
  return runAction(async () => {
    const { inputs, context, config } = startAction(INPUTS);
    const paramOverrides = parseParamOverrides(inputs.params ?? "", "input 'params'");
    const { run, exitCode, bundleDir, stored, verdict } = await runTrainStep({
      config: config(),
      root: context.workspace,
      name: inputs.name,
      defaultName: process.env.GITHUB_JOB || "train",
      paramOverrides,
      source: toRunSource(context),
      log: actionLog,
      output: process.stdout,
      cache: inputs.cache ? new ActionsDependencyCache((line) => actionLog.info(line)) : undefined,
      bundles: inputs.upload ? artifactBundleStore(inputs["retention-days"]) : undefined,
      runCache: { store: new ActionsRunCacheStore(context, (line) => actionLog.info(line)), force: inputs.force },
    });
    core.setOutput("status", run.status);
    core.setOutput("exit-code", String(exitCode));
    core.setOutput("run-name", run.name);
    core.setOutput("run-path", bundleDir);
    core.setOutput("cached", run.cached ? "true" : "false");
    core.setOutput("cache-hit", run.cache?.hit ?? "");
    core.setOutput("cache-key", run.cache?.key ?? "");
    setJsonOutput("metrics", run.metrics, "run.json");
    if (stored) core.setOutput("artifact-name", stored.name);
    if (stored) core.setOutput("artifact-id", String(stored.id ?? ""));
    if (!verdict.passed) core.setFailed(verdict.reasons.join("; "));
    if (exitCode !== 0) process.exitCode = exitCode;
  });
}

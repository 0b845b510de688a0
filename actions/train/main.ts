import * as core from "@actions/core";
import {
  actionLog,
  ActionsDependencyCache,
  ActionsRunCacheStore,
  artifactBundleStore,
  runAction,
} from "@ctrain/github";
import { setJsonOutput, setOutputs, startAction } from "@ctrain/github";
import { parseParamOverrides, runTrainStep } from "@ctrain/train";
import { INPUTS } from "./inputs.js";

/** The action's work; the runner's entry (index.ts) and `@github/local-action` call it. */
export function run(): Promise<void> {
  return runAction(async () => {
    const { inputs, context, config, source } = startAction(INPUTS);
    const { run, exitCode, bundleDir, stored, verdict } = await runTrainStep({
      config: config(),
      root: context.workspace,
      name: inputs.name,
      defaultName: process.env.GITHUB_JOB || "train",
      paramOverrides: parseParamOverrides(inputs.params ?? "", "input 'params'"),
      source,
      log: actionLog,
      output: process.stdout,
      cache: inputs.cache ? new ActionsDependencyCache(actionLog.info) : undefined,
      bundles: inputs.upload ? artifactBundleStore(inputs["retention-days"]) : undefined,
      runCache: { store: new ActionsRunCacheStore(context, actionLog.info), force: inputs.force },
    });
    setOutputs({ status: run.status, "exit-code": exitCode, "run-name": run.name, "run-path": bundleDir });
    setOutputs({ cached: Boolean(run.cached), "cache-hit": run.cache?.hit ?? "", "cache-key": run.cache?.key ?? "" });
    setOutputs({ "artifact-name": stored?.name, "artifact-id": stored && (stored.id ?? "") });
    setJsonOutput("metrics", run.metrics, "run.json");
    if (!verdict.passed) core.setFailed(verdict.reasons.join("; "));
    if (exitCode !== 0) process.exitCode = exitCode;
  });
}

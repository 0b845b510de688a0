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
    const { run, exitCode, verdict, outputs } = await runTrainStep({
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
    setOutputs(outputs);
    setJsonOutput("metrics", run.metrics, "run.json");
    if (!verdict.passed) core.setFailed(verdict.reasons.join("; "));
    if (exitCode !== 0) process.exitCode = exitCode;
  });
}

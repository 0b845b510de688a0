import { runValidateStep } from "@ctrain/data";
import { actionLog, annotate, concludeStep, reportLinks, runAction, setOutputs } from "@ctrain/github";
import { startAction, writeSummary } from "@ctrain/github";
import { actionBaselineSource } from "../shared/baselines.js";
import { INPUTS } from "./inputs.js";

/** The action's work; the runner's entry (index.ts) and `@github/local-action` call it. */
export function run(): Promise<void> {
  return runAction(async () => {
    const start = startAction(INPUTS);
    const { inputs, context, source } = start;
    const config = start.config();
    const { validation, errors, reportPath, verdict, outputs } = await runValidateStep({
      config,
      bundleDir: start.inWorkspace(inputs.bundle),
      baselines: actionBaselineSource({ ...start, config, runName: inputs["run-name"] }),
      cwd: context.workspace,
      source,
      log: actionLog,
      datasets: inputs.datasets,
      mergeShards: inputs["merge-profiles"],
      shard: inputs.shard,
      failOnError: inputs["fail-on-error"],
      tempDir: process.env.RUNNER_TEMP,
      seed: inputs.seed,
      // Validate's threads start from thread.js, bundled beside index.js.
      profileThread: { entry: new URL("./thread.js", import.meta.url) },
    });
    setOutputs(outputs);
    const { renderReport, rowAnnotations } = await import("@ctrain/report"); // after the work: not at start-up
    await writeSummary(renderReport({ validation }, reportLinks(config, context)).summary);
    annotate(rowAnnotations(validation, { budget: inputs["max-annotations"], stepFails: !verdict.passed }));
    if (errors[0]) throw errors[0];
    await concludeStep(verdict, { lead: "validation failed: ", hint: `see the job summary and ${reportPath}` });
  });
}

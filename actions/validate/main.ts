import { resolve } from "node:path";
import * as core from "@actions/core";
import { runValidateStep } from "@ctrain/data";
import { actionLog, concludeStep, repositoryLinkPrefix, runAction, startAction, toRunSource } from "@ctrain/github";
import { renderReport, rowAnnotations } from "@ctrain/report";
import { actionBaselineSource } from "../shared/baselines.js";
import { INPUTS } from "./inputs.js";

/** The action's work; the runner's entry (index.ts) and `@github/local-action` call it. */
export function run(): Promise<void> {
  return runAction(async () => {
    const { inputs, token, context, config: readConfig } = startAction(INPUTS);
    const config = readConfig();
    const { validation, errors, reportPath, verdict } = await runValidateStep({
      config,
      bundleDir: resolve(context.workspace, inputs.bundle),
      baselines: actionBaselineSource({ config, context, token, runName: inputs["run-name"] }),
      cwd: context.workspace,
      source: toRunSource(context),
      log: actionLog,
      datasets: inputs.datasets,
      mergeShards: inputs["merge-profiles"],
      failOnError: inputs["fail-on-error"],
      tempDir: process.env.RUNNER_TEMP,
      seed: inputs.seed,
      profileThread: { entry: new URL(import.meta.url) },
    });
    const drifted = validation.datasets.flatMap((dataset) =>
      (dataset.drift?.columns ?? [])
        .filter((column) => column.drifted)
        .map((column) => `${dataset.name}.${column.column}`),
    );
    core.setOutput("passed", String(validation.success));
    core.setOutput("failed-checks", String(validation.statistics.unsuccessful_expectations));
    core.setOutput("drifted-columns", drifted.join(","));
    core.setOutput("report-path", reportPath);
    const render = { id: config.report.id, runUrl: context.runUrl, linkPrefix: repositoryLinkPrefix(context) };
    await core.summary.addRaw(renderReport({ validation }, render).summary, true).write();
    for (const note of rowAnnotations(validation, { budget: inputs["max-annotations"], stepFails: !verdict.passed })) {
      const properties = { file: note.file, startLine: note.line, title: note.title };
      if (note.level === "error") core.error(note.message, properties);
      else core.warning(note.message, properties);
    }
    if (errors[0]) throw errors[0];
    concludeStep(verdict, { lead: "validation failed: ", hint: `see the job summary and ${reportPath}` });
  });
}

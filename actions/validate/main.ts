import { resolve } from "node:path";
import * as core from "@actions/core";
import { Bundle, UserError, loadConfig } from "@ctrain/core";
import { mergeShardProfiles, rowAnnotations, validateDatasets, type ValidationOutcome } from "@ctrain/data";
import { actionLog, inputOverrides, readRunContext, runAction, toRunSource } from "@ctrain/github";
import { renderReport } from "@ctrain/report";
import { findBaseline } from "./baseline.js";
import { CONFIG_OVERRIDES, readValidateInputs } from "./inputs.js";

/** The action's work; the runner's entry (index.ts) and `@github/local-action` call it. */
export function run(): Promise<void> {
  return runAction(validate);
}

async function validate(): Promise<void> {
  const inputs = readValidateInputs();
  const context = readRunContext();
  const { config } = loadConfig({
    file: inputs.config,
    cwd: context.workspace,
    overrides: inputOverrides(inputs, CONFIG_OVERRIDES),
  });
  const baseline = await findBaseline(config, context, inputs["run-name"]);
  const common = {
    baseline,
    log: actionLog,
    datasets: inputs.datasets,
    cwd: context.workspace,
    source: toRunSource(context),
  };
  const outcome: ValidationOutcome = inputs["merge-profiles"]
    ? await mergeShardProfiles(config, inputs["merge-profiles"], common)
    : await validateDatasets(config, {
        ...common,
        tempDir: process.env.RUNNER_TEMP,
        seed: inputs.seed,
        profileThread: { entry: new URL(import.meta.url) },
      });

  const { validation, profiles, errors } = outcome;
  const bundle = new Bundle(resolve(context.workspace, inputs.bundle));
  const reportPath = bundle.write("validation", validation);
  for (const profile of profiles) bundle.writeProfile(profile);

  const drifted = validation.datasets.flatMap((dataset) =>
    (dataset.drift?.columns ?? [])
      .filter((column) => column.drifted)
      .map((column) => `${dataset.name}.${column.column}`),
  );
  const failing = validation.datasets.flatMap((dataset) =>
    dataset.results.filter((result) => result.severity === "error" && !result.success),
  );
  const driftFails =
    config.data.drift["fail-on-drift"] && validation.datasets.some((dataset) => dataset.drift?.datasetDrift);
  const failsStep = errors.length > 0 || (inputs["fail-on-error"] && failing.length > 0) || driftFails;
  core.setOutput("passed", String(validation.success));
  core.setOutput("failed-checks", String(validation.statistics.unsuccessful_expectations));
  core.setOutput("drifted-columns", drifted.join(","));
  core.setOutput("report-path", reportPath);

  const report = renderReport(
    { validation },
    {
      id: config.report.id,
      runUrl: context.runUrl,
      linkPrefix: `${context.serverUrl}/${context.repository.owner}/${context.repository.repo}/`,
    },
  );
  await core.summary.addRaw(report.summary, true).write();
  for (const annotation of rowAnnotations(validation, { budget: inputs["max-annotations"], stepFails: failsStep })) {
    const properties = { file: annotation.file, startLine: annotation.line, title: annotation.title };
    if (annotation.level === "error") core.error(annotation.message, properties);
    else core.warning(annotation.message, properties);
  }

  const [firstError] = errors;
  if (firstError) throw firstError;
  if (!failsStep) return;
  const named = failing.slice(0, 3).map((result) => `${result.check}${result.column ? ` (${result.column})` : ""}`);
  const reasons = [
    ...(inputs["fail-on-error"] && failing.length > 0
      ? [`${failing.length} check(s) failed: ${named.join(", ")}${failing.length > 3 ? ", …" : ""}`]
      : []),
    ...(driftFails ? ["the data drifted (fail-on-drift)"] : []),
  ];
  throw new UserError(`validation failed: ${reasons.join("; ")}`, { hint: `see the job summary and ${reportPath}` });
}

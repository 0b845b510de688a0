import { resolve } from "node:path";
import * as core from "@actions/core";
import { Bundle, UserError, describeError, encodeNonFinite, loadConfig } from "@ctrain/core";
import { recordEvaluatedMetrics } from "@ctrain/compare";
import {
  actionLog,
  ActionsDependencyCache,
  ActionsRunCacheStore,
  bundleArtifactName,
  inputOverrides,
  readRunContext,
  runAction,
  toRunSource,
  uploadBundleArtifact,
} from "@ctrain/github";
import {
  defaultRunName,
  describeRunner,
  parseParamOverrides,
  runTraining,
  trainSettingsFromConfig,
} from "@ctrain/train";
import { CONFIG_OVERRIDES, readTrainInputs } from "./inputs.js";

/** Job outputs share 1 MB per job; a metrics map larger than this is read from run.json instead. */
const METRICS_OUTPUT_MAX_CHARS = 100_000;

/** The action's work; the runner's entry (index.ts) and `@github/local-action` call it. */
export function run(): Promise<void> {
  return runAction(async () => {
    const inputs = readTrainInputs();
    const context = readRunContext();
    const paramOverrides = parseParamOverrides(inputs.params ?? "", "input 'params'");
    const { config } = loadConfig({
      file: inputs.config,
      cwd: context.workspace,
      overrides: inputOverrides(inputs, CONFIG_OVERRIDES),
    });
    const settings = trainSettingsFromConfig(config, {
      root: context.workspace,
      name: inputs.name ?? defaultRunName(paramOverrides, process.env.GITHUB_JOB || "train"),
      source: toRunSource(context),
      runner: describeRunner(),
      paramOverrides,
    });

    // The runner sends SIGINT when the job is cancelled: stop the training tree and still record the run.
    const cancellation = new AbortController();
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => cancellation.abort());

    const result = await runTraining(settings, {
      log: (line) => actionLog.info(line),
      warn: (line) => core.warning(line),
      group: (title, body) => core.group(title, body),
      output: process.stdout,
      signal: cancellation.signal,
      cache: inputs.cache ? new ActionsDependencyCache((line) => actionLog.info(line)) : undefined,
      runCache: { store: new ActionsRunCacheStore(context, (line) => actionLog.info(line)), force: inputs.force },
    });
    // Metrics computed from the predictions belong to the run record that the next change compares with.
    const run =
      result.run.status === "succeeded"
        ? ((await recordEvaluatedMetrics(new Bundle(settings.bundleDir), config.compare, (line) =>
            core.warning(line),
          )) ?? result.run)
        : result.run;
    core.setOutput("status", run.status);
    core.setOutput("exit-code", String(result.exitCode));
    core.setOutput("run-name", run.name);
    core.setOutput("run-path", resolve(settings.bundleDir));
    core.setOutput("cached", run.cached ? "true" : "false");
    core.setOutput("cache-hit", run.cache?.hit ?? "");
    core.setOutput("cache-key", run.cache?.key ?? "");
    const metrics = JSON.stringify(run.metrics, encodeNonFinite);
    if (metrics.length <= METRICS_OUTPUT_MAX_CHARS) core.setOutput("metrics", metrics);
    else actionLog.info(`the metrics output is left empty: ${metrics.length} characters; read them from run.json`);

    if (inputs.upload) {
      const artifactName = bundleArtifactName("run", run.name);
      try {
        const artifact = await uploadBundleArtifact({
          dir: settings.bundleDir,
          name: artifactName,
          retentionDays: inputs["retention-days"],
        });
        core.setOutput("artifact-name", artifactName);
        core.setOutput("artifact-id", artifact.id === undefined ? "" : String(artifact.id));
        actionLog.info(`uploaded the run bundle as ${artifactName}`);
      } catch (error) {
        const explained = explainUploadError(error, artifactName);
        // A failed training run must still fail with its own exit code and message.
        if (result.exitCode === 0) throw explained;
        core.error(describeError(explained));
      }
    }

    if (result.error) core.setFailed(result.error.format());
    else if (run.status !== "succeeded") core.setFailed(`training ${run.status} (exit code ${result.exitCode})`);
    if (result.exitCode !== 0) process.exitCode = result.exitCode;
  });
}

/** Matrix jobs that share a run name collide on the artifact name; say how to tell them apart. */
function explainUploadError(error: unknown, artifactName: string): unknown {
  if (!(error instanceof Error) || !/already exists/i.test(error.message)) return error;
  return new UserError(`this workflow run already has an artifact named ${artifactName}`, {
    location: "input 'name'",
    hint: "give each train step of the run its own name, e.g. `name: train-${{ matrix.lr }}`, or set `params:` from the matrix",
    cause: error,
  });
}

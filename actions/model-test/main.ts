import { resolve } from "node:path";
import * as core from "@actions/core";
import { Bundle } from "@ctrain/core";
import {
  actionLog,
  bundleArtifactName,
  runAction,
  startAction,
  toRunSource,
  uploadBundleArtifact,
} from "@ctrain/github";
import { describeModelTestFailures, runModelTestStep } from "@ctrain/model-test";
import { INPUTS } from "./inputs.js";

/** The action's work; the runner's entry (index.ts) and `@github/local-action` call it. */
export function run(): Promise<void> {
  return runAction(async () => {
    const { inputs, context, config: readConfig } = startAction(INPUTS);
    const config = readConfig();
    const bundleDir = resolve(context.workspace, inputs.bundle);
    if (!config["model-test"] && inputs["if-unconfigured"] === "skip") {
      actionLog.info("ctrain.yml has no `model-test:` section: the model is not tested");
      core.setOutput("tested", "false");
      return;
    }

    const document = await core.group("Testing the model", () =>
      runModelTestStep({
        config,
        root: context.workspace,
        bundleDir,
        source: toRunSource(context),
        log: (line) => actionLog.info(line),
      }),
    );

    for (const figure of document.figures) core.setOutput(figure.name, String(figure.value));
    core.setOutput("tested", "true");
    core.setOutput("passed", String(document.passed));
    core.setOutput("model-test-path", new Bundle(bundleDir).path("model-test.json"));

    // The run bundle the train step uploaded becomes this one, with the figures in run.json: later runs compare with it.
    if (inputs.upload) {
      const name = bundleArtifactName("run", new Bundle(bundleDir).read("run").name);
      await uploadBundleArtifact({ dir: bundleDir, name, retentionDays: inputs["retention-days"], replace: true });
      actionLog.info(`uploaded the run bundle again as ${name}, with model-test.json`);
    }
    if (!document.passed) core.setFailed(describeModelTestFailures(document));
  });
}

import * as core from "@actions/core";
import { Bundle } from "@ctrain/core";
import { actionLog, replaceRunBundleArtifact, runAction, setOutputs, startAction } from "@ctrain/github";
import { describeModelTestFailures, runModelTestStep } from "@ctrain/model-test";
import { INPUTS } from "./inputs.js";

/** The action's work; the runner's entry (index.ts) and `@github/local-action` call it. */
export function run(): Promise<void> {
  return runAction(async () => {
    const { inputs, context, source, inWorkspace, config: readConfig } = startAction(INPUTS);
    const config = readConfig();
    const bundleDir = inWorkspace(inputs.bundle);
    if (!config["model-test"] && inputs["if-unconfigured"] === "skip") {
      actionLog.info("ctrain.yml has no `model-test:` section: the model is not tested");
      return setOutputs({ tested: false });
    }
    const document = await core.group("Testing the model", () =>
      runModelTestStep({ config, root: context.workspace, bundleDir, source, log: actionLog.info }),
    );
    setOutputs(Object.fromEntries(document.figures.map((figure) => [figure.name, figure.value])));
    const testPath = new Bundle(bundleDir).path("model-test.json");
    setOutputs({ tested: true, passed: document.passed, "model-test-path": testPath });
    // The run bundle the train step uploaded becomes this one, with the figures in run.json: later runs compare with it.
    if (inputs.upload) {
      const name = await replaceRunBundleArtifact(bundleDir, inputs["retention-days"]);
      actionLog.info(`uploaded the run bundle again as ${name}, with model-test.json`);
    }
    if (!document.passed) core.setFailed(describeModelTestFailures(document));
  });
}

import { MODEL_TEST_FIGURE_LABELS, type ModelTestDocument } from "@ctrain/core";
import { describeModelTestFailures, modelTestSection, runModelTestStep } from "@ctrain/model-test";
import type { Command } from "../command.js";
import { terminalLog } from "../steps.js";
import { WORKSPACE_OPTIONS, flagOverrides, openWorkspace, type CliWorkspace } from "../workspace.js";
import { terminal } from "../terminal.js";

/** The model-test step against the workspace's bundle, logging to the terminal. */
export function modelTestStep(workspace: CliWorkspace): Promise<ModelTestDocument> {
  modelTestSection(workspace.config, workspace.configFile);
  return runModelTestStep({
    config: workspace.config,
    root: workspace.root,
    bundleDir: workspace.bundleDir,
    source: workspace.source,
    log: terminalLog.info,
  });
}

/** The figures one a line with their budgets, then the verdict and every failure. */
export function describeModelTest(document: ModelTestDocument): string {
  const lines = document.figures.map((figure) => {
    const unit = figure.name.endsWith("-ms") ? "ms" : "MiB";
    const budget = figure.budget === undefined ? "" : `  (budget ${figure.budget} ${unit})`;
    return `  ${(figure.passed ? "ok" : "over").padEnd(5)} ${MODEL_TEST_FIGURE_LABELS[figure.name].padEnd(12)} ${figure.value.toFixed(2)} ${unit}${budget}`;
  });
  lines.push(document.passed ? "model test: passed" : describeModelTestFailures(document));
  return lines.join("\n") + "\n";
}

export const modelTestCommand: Command = {
  name: "model-test",
  summary: "load the trained model in a clean process, check its answers against the contract, time it",
  usage: "ctrain model-test [--image <image>]",
  options: {
    ...WORKSPACE_OPTIONS,
    image: {
      type: "string",
      description: "run the command in this image (overrides model-test.image)",
      valueName: "image",
    },
  },
  async run(values) {
    const workspace = openWorkspace(values, flagOverrides(values, { image: "model-test.image" }));
    const document = await modelTestStep(workspace);
    terminal.out.write(describeModelTest(document));
    return document.passed ? 0 : 1;
  },
};

import { rmSync } from "node:fs";
import { join, relative } from "node:path";
import { parseParamOverrides } from "@ctrain/train";
import type { Command } from "../command.js";
import { compareStep, publishStep, reportStep, terminalLog, trainStep, validateStep } from "../steps.js";
import { WORKSPACE_OPTIONS, flagOverrides, openWorkspace } from "../workspace.js";
import { describeValidation } from "./validate.js";
import { describeVerdicts } from "./compare.js";
import { describeModelTest, modelTestStep } from "./model-test.js";
import { terminal } from "../terminal.js";

export const runCommand: Command = {
  name: "run",
  summary: "the whole pipeline: validate, train, compare with the base branch's run, report, record (and publish)",
  usage: "ctrain run [--base <branch>] [--param key=value ...] [--command <cmd>] [--publish] [--no-record] [--force]",
  options: {
    ...WORKSPACE_OPTIONS,
    base: {
      type: "string",
      description: "the branch whose runs are the baselines (default: origin/HEAD's branch, else the default branch)",
      valueName: "branch",
    },
    param: {
      type: "string",
      multiple: true,
      description: "override one param, `a.b=value` (repeat the flag)",
      valueName: "key=value",
    },
    command: { type: "string", description: "the training command (overrides train.command)", valueName: "cmd" },
    publish: { type: "boolean", description: "publish the model to the local registry when the verdict passed" },
    "no-record": { type: "boolean", description: "do not record this run in the local store" },
    force: { type: "boolean", description: "train even when the run cache holds the results of identical inputs" },
  },
  async run(values) {
    const workspace = openWorkspace(values, flagOverrides(values, { command: "train.command" }));
    const paramOverrides = parseParamOverrides(((values.param as string[] | undefined) ?? []).join("\n"), "--param");
    const shown = (path: string) => relative(process.cwd(), path) || path;
    // The bundle holds one run; earlier runs live in the store.
    rmSync(workspace.bundleDir, { recursive: true, force: true });
    const step = (name: string) => terminalLog.info(`\n== ${name}`);
    const reportLines = () =>
      `report:   ${shown(join(workspace.bundleDir, "report.md"))}\n          ${shown(join(workspace.bundleDir, "report.html"))}\n`;
    let exitCode = 0;

    if (Object.keys(workspace.config.data.datasets).length > 0) {
      step("validate");
      const outcome = await validateStep(workspace);
      terminal.out.write(describeValidation(outcome));
      if (outcome.errors[0]) {
        await reportStep(workspace);
        throw outcome.errors[0];
      }
      if (!outcome.verdict.passed) {
        // A model trained on data that failed its checks would be compared, and maybe published, as if it were fine.
        const rendered = await reportStep(workspace);
        const failed = outcome.validation.datasets.filter((dataset) => !dataset.success).map((dataset) => dataset.name);
        terminal.out.write(
          `\n${rendered.title}\nnot training: the data checks of ${failed.join(", ")} failed\n${reportLines()}`,
        );
        return 1;
      }
    }

    step("train");
    const training = await trainStep(workspace, { paramOverrides, force: values.force === true });
    const record = () => {
      if (values["no-record"]) return;
      const stored = workspace.store.record(workspace.bundleDir, workspace.source.branch ?? "local");
      terminalLog.info(`recorded as ${stored.id} in ${shown(workspace.store.root)}`);
    };
    if (training.run.status !== "succeeded") {
      if (training.error) terminal.err.write(`error: ${training.error.format()}\n`);
      record();
      const rendered = await reportStep(workspace);
      terminal.out.write(`${rendered.title}\nreport: ${shown(join(workspace.bundleDir, "report.html"))}\n`);
      return training.exitCode || 1;
    }

    if (workspace.config["model-test"]) {
      step("model-test");
      const tested = await modelTestStep(workspace);
      terminal.out.write(describeModelTest(tested));
      if (!tested.passed) {
        // Not recorded: a model that cannot be served is no one's baseline.
        const rendered = await reportStep(workspace);
        terminal.out.write(`\n${rendered.title}\nnot comparing: the model test failed\n${reportLines()}`);
        return 1;
      }
    }

    step("compare");
    let compared;
    try {
      compared = await compareStep(workspace);
    } catch (error) {
      // Not recorded: a run whose gates never ran is no one's baseline.
      await reportStep(workspace, { what: "comparison", error });
      terminal.out.write(`\nctrain failed · the comparison could not be made\nverdict: failed\n${reportLines()}`);
      throw error;
    }
    const { document } = compared;
    if (document.verdict === "failed" && workspace.config.compare["fail-on-regression"]) exitCode = 1;

    step("report");
    const rendered = await reportStep(workspace);
    // A run whose gates failed is recorded for history; the baseline policy never takes it as a baseline.
    record();

    if (values.publish) {
      step("publish");
      if (exitCode !== 0) terminalLog.warning("not publishing: the run did not pass");
      else {
        const published = await publishStep(workspace);
        terminal.out.write(`${published.outcome}: ${published.release.tag} at ${shown(published.release.location)}\n`);
      }
    }

    // The last verdict line is the run's, as in the title above it (validation and training included).
    terminal.out.write(
      `\n${rendered.title}\nbaseline: ${document.baseline.description}\n${describeVerdicts({ ...document, verdict: rendered.verdict })}${reportLines()}`,
    );
    return exitCode;
  },
};

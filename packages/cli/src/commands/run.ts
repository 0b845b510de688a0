import { rmSync } from "node:fs";
import { join, relative } from "node:path";
import { parseParamOverrides } from "@ctrain/train";
import type { Command } from "../command.js";
import { compareStep, publishStep, reportStep, terminalLog, trainStep, validateStep } from "../steps.js";
import { WORKSPACE_OPTIONS, flagOverrides, openWorkspace } from "../workspace.js";
import { describeValidation } from "./validate.js";
import { describeVerdicts } from "./compare.js";

export const runCommand: Command = {
  name: "run",
  summary: "the whole pipeline: validate, train, compare with the base branch's run, report, record (and publish)",
  usage: "ctrain run [--base <branch>] [--param key=value ...] [--command <cmd>] [--publish] [--no-record]",
  options: {
    ...WORKSPACE_OPTIONS,
    base: {
      type: "string",
      description: "the branch whose latest run is the baseline (default: main)",
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
  },
  async run(values) {
    const workspace = openWorkspace(values, flagOverrides(values, { command: "train.command" }));
    const paramOverrides = parseParamOverrides(((values.param as string[] | undefined) ?? []).join("\n"), "--param");
    const shown = (path: string) => relative(process.cwd(), path) || path;
    // The bundle holds one run; earlier runs live in the store.
    rmSync(workspace.bundleDir, { recursive: true, force: true });
    const step = (name: string) => terminalLog.info(`\n== ${name}`);
    let exitCode = 0;

    if (Object.keys(workspace.config.data.datasets).length > 0) {
      step("validate");
      const outcome = await validateStep(workspace);
      process.stdout.write(describeValidation(outcome));
      if (outcome.errors[0]) {
        await reportStep(workspace);
        throw outcome.errors[0];
      }
      if (!outcome.validation.success) exitCode = 1;
    }

    step("train");
    const training = await trainStep(workspace, { paramOverrides });
    const record = () => {
      if (values["no-record"]) return;
      const stored = workspace.store.record(workspace.bundleDir, workspace.source.branch ?? "local");
      terminalLog.info(`recorded as ${stored.id} in ${shown(workspace.store.root)}`);
    };
    if (training.run.status !== "succeeded") {
      if (training.error) process.stderr.write(`error: ${training.error.format()}\n`);
      record();
      const rendered = await reportStep(workspace);
      process.stdout.write(`${rendered.title}\nreport: ${shown(join(workspace.bundleDir, "report.html"))}\n`);
      return training.exitCode || 1;
    }

    step("compare");
    const { document } = await compareStep(workspace);
    if (document.verdict === "failed" && workspace.config.compare["fail-on-regression"]) exitCode = 1;

    step("report");
    const rendered = await reportStep(workspace);
    // A failed gate never keeps the run out of the store: the next change still finds its baseline.
    record();

    if (values.publish) {
      step("publish");
      if (exitCode !== 0) terminalLog.warn("not publishing: the run did not pass");
      else {
        const published = await publishStep(workspace);
        process.stdout.write(
          `${published.outcome}: ${published.release.tag} at ${shown(published.release.location)}\n`,
        );
      }
    }

    process.stdout.write(
      [
        "",
        rendered.title,
        `baseline: ${document.baseline.description}`,
        describeVerdicts(document).trimEnd(),
        `report:   ${shown(join(workspace.bundleDir, "report.md"))}`,
        `          ${shown(join(workspace.bundleDir, "report.html"))}`,
        "",
      ].join("\n"),
    );
    return exitCode;
  },
};

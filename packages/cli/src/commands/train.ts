import { parseParamOverrides } from "@ctrain/train";
import { stringOption, type Command } from "../command.js";
import { trainStep, terminalLog } from "../steps.js";
import { WORKSPACE_OPTIONS, flagOverrides, openWorkspace } from "../workspace.js";
import { terminal } from "../terminal.js";

export const trainCommand: Command = {
  name: "train",
  summary: "run the training command and record params, metrics, model files and resources in run.json",
  usage: "ctrain train [--command <cmd>] [--param key=value ...] [--name <run>] [--timeout <30m>] [--record] [--force]",
  options: {
    ...WORKSPACE_OPTIONS,
    command: { type: "string", description: "the training command (overrides train.command)", valueName: "cmd" },
    param: {
      type: "string",
      multiple: true,
      description: "override one param, `a.b=value` (repeat the flag)",
      valueName: "key=value",
    },
    name: {
      type: "string",
      description: "the run's name (default: train, or one derived from --param)",
      valueName: "run",
    },
    timeout: { type: "string", description: "time limit, e.g. 30m (overrides train.timeout)", valueName: "duration" },
    record: { type: "boolean", description: "record the run in the local store for the current branch" },
    force: { type: "boolean", description: "train even when the run cache holds the results of identical inputs" },
  },
  async run(values) {
    const workspace = openWorkspace(
      values,
      flagOverrides(values, { command: "train.command", timeout: "train.timeout" }),
    );
    const paramOverrides = parseParamOverrides(((values.param as string[] | undefined) ?? []).join("\n"), "--param");
    const { run, exitCode, error } = await trainStep(workspace, {
      name: stringOption(values, "name"),
      paramOverrides,
      force: values.force === true,
    });
    if (error) terminal.err.write(`error: ${error.format()}\n`);
    if (values.record) {
      const stored = workspace.store.record(workspace.bundleDir, workspace.source.branch ?? "local");
      terminalLog.info(`recorded as ${stored.id} in ${workspace.store.root}`);
    }
    const metrics = Object.entries(run.metrics).slice(0, 6);
    terminal.out.write(`${run.status}: ${metrics.map(([key, value]) => `${key}=${String(value)}`).join(" ")}\n`);
    return run.status === "succeeded" ? 0 : exitCode || 1;
  },
};

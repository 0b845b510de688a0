import {
  defaultRunName,
  describeRunner,
  parseParamOverrides,
  runTraining,
  trainSettingsFromConfig,
} from "@ctrain/train";
import { stringOption, type Command } from "../command.js";
import { WORKSPACE_OPTIONS, flagOverrides, openWorkspace } from "../workspace.js";

export const trainCommand: Command = {
  name: "train",
  summary: "run the training command and record params, metrics, model files and resources in run.json",
  usage: "ctrain train [--command <cmd>] [--param key=value ...] [--name <run>] [--timeout <30m>]",
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
  },
  async run(values) {
    const workspace = openWorkspace(
      values,
      flagOverrides(values, { command: "train.command", timeout: "train.timeout" }),
    );
    const params = ((values.param as string[] | undefined) ?? []).join("\n");
    const paramOverrides = parseParamOverrides(params, "--param");
    const settings = trainSettingsFromConfig(workspace.config, {
      root: workspace.root,
      name: stringOption(values, "name") ?? defaultRunName(paramOverrides, "train"),
      source: workspace.source,
      runner: describeRunner(),
      paramOverrides,
      bundleDir: workspace.bundleDir,
    });
    const cancellation = new AbortController();
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => cancellation.abort());
    const { run, exitCode } = await runTraining(settings, {
      log: (line) => process.stderr.write(`${line}\n`),
      warn: (line) => process.stderr.write(`warning: ${line}\n`),
      output: process.stderr,
      signal: cancellation.signal,
    });
    if (values.record) {
      const stored = workspace.store.record(workspace.bundleDir, workspace.source.branch ?? "local");
      process.stderr.write(`recorded as ${stored.id} in ${workspace.store.root}\n`);
    }
    process.stdout.write(
      `${run.status}: ${Object.entries(run.metrics)
        .slice(0, 6)
        .map(([key, value]) => `${key}=${String(value)}`)
        .join(" ")}\n`,
    );
    return run.status === "succeeded" ? 0 : exitCode || 1;
  },
};

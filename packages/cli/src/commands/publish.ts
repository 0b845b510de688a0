import { resolve } from "node:path";
import { runFetchStep } from "@ctrain/publish";
import { publishStep, terminalLog } from "../steps.js";
import { stringOption, type Command } from "../command.js";
import { WORKSPACE_OPTIONS, flagOverrides, openWorkspace } from "../workspace.js";
import { terminal } from "../terminal.js";

export const publishCommand: Command = {
  name: "publish",
  summary: "publish the bundle's model to the local registry (gated on the comparison verdict)",
  usage: "ctrain publish [--bump minor] [--version 1.2.0]",
  options: {
    ...WORKSPACE_OPTIONS,
    bump: { type: "string", description: "major, minor or patch (overrides publish.bump)", valueName: "part" },
    version: { type: "string", description: "an explicit version (overrides publish.version)", valueName: "semver" },
  },
  async run(values) {
    const workspace = openWorkspace(
      values,
      flagOverrides(values, { bump: "publish.bump", version: "publish.version" }),
    );
    const result = await publishStep(workspace);
    terminal.out.write(`${result.outcome}: ${result.release.tag} at ${result.release.location}\n`);
    return 0;
  },
};

export const fetchCommand: Command = {
  name: "fetch",
  summary: "fetch a published model from the local registry and verify every file",
  usage: "ctrain fetch [<latest|tag|version|range>] [--to <dir>]",
  options: {
    ...WORKSPACE_OPTIONS,
    to: { type: "string", description: "destination folder (default: model/)", valueName: "dir" },
    model: { type: "string", description: "model name (default: model.name)", valueName: "name" },
  },
  async run(values, positionals) {
    const workspace = openWorkspace(values);
    const fetched = await runFetchStep({
      registry: workspace.registry,
      model: stringOption(values, "model"),
      config: () => workspace.config,
      modelHint: "set model.name in ctrain.yml or pass --model",
      version: positionals[0] ?? "latest",
      destination: resolve(workspace.root, stringOption(values, "to") ?? "model"),
      log: terminalLog.info,
    });
    terminal.out.write(
      `${fetched.release.tag}: verified ${fetched.manifest.files.length} files into ${fetched.path}\n`,
    );
    return 0;
  },
};

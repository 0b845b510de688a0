import { stringify } from "yaml";
import { loadConfig } from "@ctrain/core";
import { COMMON_OPTIONS, stringOption, type Command } from "../command.js";
import { terminal } from "../terminal.js";

export const configCheckCommand: Command = {
  name: "config check",
  summary: "validate ctrain.yml and print the settings with every default filled in",
  usage: "ctrain config check [--config <file>] [--json]",
  options: {
    ...COMMON_OPTIONS,
    json: { type: "boolean", description: "print JSON instead of YAML" },
  },
  async run(values) {
    const { config, file } = loadConfig({ file: stringOption(values, "config") });
    terminal.err.write(file ? `${file}: valid\n` : "no ctrain.yml found: these are the defaults\n");
    terminal.out.write(values.json ? JSON.stringify(config, null, 2) + "\n" : stringify(config));
    return 0;
  },
};

import { parseArgs, type ParseArgsConfig } from "node:util";
import { UserError } from "@ctrain/core";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>[string] & { description: string; valueName?: string };

/** One `ctrain <name>` subcommand: its help text comes from the same option table it parses. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  /** Returns the process exit code. */
  run(values: Record<string, string | boolean | string[] | undefined>, positionals: string[]): Promise<number>;
}

export const COMMON_OPTIONS = {
  config: {
    type: "string",
    short: "c",
    description: "the config file (default: ctrain.yml in the current folder)",
    valueName: "file",
  },
  help: { type: "boolean", short: "h", description: "show this help" },
} satisfies Record<string, OptionSpec>;

export function commandHelp(command: Command): string {
  const rows = Object.entries(command.options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : "    "}--${name}${spec.type === "string" ? ` <${spec.valueName ?? "value"}>` : ""}`;
    return `  ${flag.padEnd(30)} ${spec.description}`;
  });
  return [
    `ctrain ${command.name}: ${command.summary}`,
    "",
    `usage: ${command.usage}`,
    "",
    "options:",
    ...rows,
    "",
  ].join("\n");
}

export function parseCommandArgs(
  command: Command,
  args: string[],
): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  const options = Object.fromEntries(
    Object.entries(command.options).map(([name, { description: _description, valueName: _valueName, ...spec }]) => [
      name,
      spec,
    ]),
  );
  try {
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    return {
      values: parsed.values as Record<string, string | boolean | string[] | undefined>,
      positionals: parsed.positionals,
    };
  } catch (error) {
    throw new UserError(`ctrain ${command.name}: ${(error as Error).message}`, {
      hint: `see \`ctrain ${command.name} --help\``,
    });
  }
}

export function stringOption(values: Record<string, unknown>, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

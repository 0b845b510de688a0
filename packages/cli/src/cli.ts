import packageJson from "../../../package.json" with { type: "json" };
import { describeError, isUserError } from "@ctrain/core";
import { commandHelp, parseCommandArgs, type Command } from "./command.js";
import { configCheckCommand } from "./commands/config-check.js";
import { initCommand } from "./commands/init.js";
import { runsCommand } from "./commands/runs.js";
import { historyCommand } from "./commands/history.js";
import { compareCommand } from "./commands/compare.js";
import { trainCommand } from "./commands/train.js";
import { modelTestCommand } from "./commands/model-test.js";
import { fetchCommand, publishCommand } from "./commands/publish.js";
import { reportCommand } from "./commands/report.js";
import { profileMergeCommand, validateCommand } from "./commands/validate.js";
import { runCommand } from "./commands/run.js";
import { terminal } from "./terminal.js";

const COMMANDS: Command[] = [
  initCommand,
  runCommand,
  validateCommand,
  trainCommand,
  modelTestCommand,
  compareCommand,
  reportCommand,
  publishCommand,
  fetchCommand,
  runsCommand,
  historyCommand,
  profileMergeCommand,
  configCheckCommand,
];

function overview(): string {
  const rows = COMMANDS.map((command) => `  ${command.name.padEnd(16)} ${command.summary}`);
  return [
    `ctrain ${packageJson.version}: continuous training for GitHub, on a laptop or in CI`,
    "",
    "usage: ctrain <command> [options]",
    "",
    "commands:",
    ...rows,
    "",
    "Run `ctrain <command> --help` for a command's options.",
    "",
  ].join("\n");
}

/** Finds the longest command name (`config check` before `config`) at the start of argv. */
function findCommand(args: string[]): { command: Command; rest: string[] } | undefined {
  const matches = COMMANDS.map((command) => ({ command, words: command.name.split(" ") }))
    .filter(({ words }) => words.every((word, index) => args[index] === word))
    .sort((a, b) => b.words.length - a.words.length);
  const match = matches[0];
  return match ? { command: match.command, rest: args.slice(match.words.length) } : undefined;
}

export async function main(args: string[]): Promise<number> {
  if (args.length === 0 || args[0] === "--help" || args[0] === "-h" || args[0] === "help") {
    terminal.out.write(overview());
    return args.length === 0 ? 2 : 0;
  }
  if (args[0] === "--version" || args[0] === "-V") {
    terminal.out.write(`${packageJson.version}\n`);
    return 0;
  }
  const found = findCommand(args);
  if (!found) {
    terminal.err.write(`ctrain: unknown command "${args[0]}"\n\n${overview()}`);
    return 2;
  }
  try {
    const { values, positionals } = parseCommandArgs(found.command, found.rest);
    if (values.help) {
      terminal.out.write(commandHelp(found.command));
      return 0;
    }
    return await found.command.run(values, positionals);
  } catch (error) {
    if (isUserError(error)) {
      terminal.err.write(`error: ${error.format()}\n`);
      return 1;
    }
    terminal.err.write(
      `ctrain failed unexpectedly; please report this with the output below.\n${describeError(error)}\n`,
    );
    return 70;
  }
}

import { join } from "node:path";
import type { Command } from "../command.js";
import { reportStep } from "../steps.js";
import { WORKSPACE_OPTIONS, openWorkspace } from "../workspace.js";
import { terminal } from "../terminal.js";

export const reportCommand: Command = {
  name: "report",
  summary: "render the bundle's report (report.md, report.html with charts) from what the steps recorded",
  usage: "ctrain report [--print] [--base <branch>]",
  options: {
    ...WORKSPACE_OPTIONS,
    base: {
      type: "string",
      description: "the branch whose recent runs the trend shows (default: the repository's default branch)",
      valueName: "branch",
    },
    print: { type: "boolean", description: "also print the markdown report" },
  },
  async run(values) {
    const workspace = openWorkspace(values);
    const rendered = await reportStep(workspace);
    if (values.print) terminal.out.write(rendered.summary);
    terminal.out.write(
      `${rendered.title}\nreport: ${join(workspace.bundleDir, "report.md")}\n        ${join(workspace.bundleDir, "report.html")}\n`,
    );
    return 0;
  },
};

import { LocalRunStore, DEFAULT_STORE_DIR } from "@ctrain/local";
import { COMMON_OPTIONS, stringOption, type Command } from "../command.js";
import { terminal } from "../terminal.js";

export const runsCommand: Command = {
  name: "runs",
  summary: "list the runs recorded in the local store, newest first",
  usage: "ctrain runs [--branch <name>] [--store <folder>]",
  options: {
    help: COMMON_OPTIONS.help,
    branch: { type: "string", short: "b", description: "only this branch", valueName: "name" },
    store: { type: "string", description: `the local store (default: ${DEFAULT_STORE_DIR})`, valueName: "folder" },
  },
  async run(values) {
    const store = new LocalRunStore(stringOption(values, "store"));
    const branch = stringOption(values, "branch");
    const branches = branch ? [branch] : store.branches();
    if (branches.length === 0) {
      terminal.out.write(`no runs recorded in ${store.root}\n`);
      return 0;
    }
    for (const name of branches) {
      for (const run of store.list(name)) {
        const metrics = Object.entries(run.run.metrics)
          .slice(0, 4)
          .map(([key, value]) => `${key}=${String(value)}`)
          .join(" ");
        terminal.out.write(
          `${run.id.padEnd(24)} ${run.run.status.padEnd(10)} ${(run.commit ?? "-").slice(0, 7).padEnd(8)} ${run.run.createdAt}  ${metrics}\n`,
        );
      }
    }
    return 0;
  },
};

import { LocalRunStore, DEFAULT_STORE_DIR, type StoredRun } from "@ctrain/local";
import { COMMON_OPTIONS, stringOption, type Command } from "../command.js";
import { terminal } from "../terminal.js";

/** What became of a run: its training status, unless the training succeeded and a check after it failed. */
export function runOutcome(run: StoredRun["run"]): string {
  if (run.status !== "succeeded") return run.status;
  if (run.verdicts.comparison === "failed") return "gates failed";
  if (run.verdicts.validation === "failed") return "data failed";
  return "succeeded";
}

/** Runs of every branch in one list, newest first (the later recorded first when two share a time). */
export function newestFirst(runs: StoredRun[]): StoredRun[] {
  return [...runs].sort(
    (a, b) => b.run.createdAt.localeCompare(a.run.createdAt) || b.sequence - a.sequence || a.id.localeCompare(b.id),
  );
}

export function describeRun(run: StoredRun): string {
  const metrics = Object.entries(run.run.metrics)
    .slice(0, 4)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(" ");
  return `${run.id.padEnd(24)} ${runOutcome(run.run).padEnd(12)} ${(run.commit ?? "-").slice(0, 7).padEnd(8)} ${run.run.createdAt}  ${metrics}`;
}

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
    const runs = newestFirst(branches.flatMap((name) => store.list(name)));
    for (const damaged of branches.flatMap((name) => store.damaged(name))) {
      terminal.err.write(`warning: damaged run ${damaged.id} (${damaged.dir}), never a baseline: ${damaged.reason}\n`);
    }
    if (runs.length === 0) {
      terminal.out.write(`no runs recorded in ${store.root}${branch ? ` for ${branch}` : ""}\n`);
      return 0;
    }
    for (const run of runs) terminal.out.write(`${describeRun(run)}\n`);
    return 0;
  },
};

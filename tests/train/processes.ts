import { readFileSync, readdirSync } from "node:fs";

/**
 * Live processes whose environment holds `TREE_TEST_TAG=<tag>`, found from /proc independently of ctrain's own
 * tracking; zombies (already dead, waiting to be reaped) do not count.
 */
export function processesTagged(tag: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "latin1");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
      if (readFileSync(`/proc/${entry}/environ`).includes(Buffer.from(`TREE_TEST_TAG=${tag}`)))
        found.push(Number(entry));
    } catch {
      // exited while being read
    }
  }
  return found;
}

/** Live processes whose command line holds `argument`: for processes started with a cleared environment. */
export function processesWithArgument(argument: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "latin1");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").includes(argument)) found.push(Number(entry));
    } catch {
      // exited while being read
    }
  }
  return found;
}

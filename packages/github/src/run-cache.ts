import { isAbsolute, relative } from "node:path";
import type { RunCacheStore } from "@ctrain/core";
import type { RunContext } from "./context.js";
import { inertLog } from "./log.js";

/**
 * Why a run may read the run cache but not write it, or undefined when it may write. A fork's pull request and
 * any `pull_request_target` run act on code the repository's maintainers have not merged: an entry they wrote
 * would be restored as the results of a trusted run.
 */
export function runCacheReadOnlyReason(context: Pick<RunContext, "eventName" | "pullRequest">): string | undefined {
  if (context.eventName === "pull_request_target") {
    return "a pull_request_target run may read the run cache but never writes it";
  }
  if (context.pullRequest?.isFork) return "a pull request from a fork may read the run cache but never writes it";
  return undefined;
}

/**
 * The run cache in GitHub's Actions cache (the runtime token every JavaScript action gets). An entry is saved
 * under its exact key; GitHub scopes it to the ref, so a pull request reads its base branch's entries. Service
 * errors read as a miss: the run then trains.
 */
export class ActionsRunCacheStore implements RunCacheStore {
  readonly description = "the Actions cache";
  readonly readOnlyReason: string | undefined;
  private readonly log: (line: string) => void;

  constructor(context: Pick<RunContext, "eventName" | "pullRequest">, log: (line: string) => void) {
    this.readOnlyReason = runCacheReadOnlyReason(context);
    this.log = inertLog(log);
  }

  async restore(key: string, into: string): Promise<boolean> {
    const cache = await import("@actions/cache");
    if (!cache.isFeatureAvailable()) {
      this.log("the Actions cache service is not available (outside GitHub Actions, or on GHES without it)");
      return false;
    }
    // The entry's own key is checked against `key` when it is verified: a prefix match cannot pass for it.
    return (await cache.restoreCache([cachePath(into)], key)) !== undefined;
  }

  async save(key: string, from: string): Promise<boolean> {
    const cache = await import("@actions/cache");
    if (!cache.isFeatureAvailable()) return false;
    // saveCache logs its own failures (the key already saved by another job, quota) and answers -1 for them.
    return (await cache.saveCache([cachePath(from)], key)) !== -1;
  }
}

/** The cache's version hashes the paths as given: relative to the workspace, they are the same on every runner. */
function cachePath(dir: string): string {
  const inside = relative(process.cwd(), dir);
  return inside && !inside.startsWith("..") && !isAbsolute(inside) ? inside : dir;
}

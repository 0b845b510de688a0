import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { Bundle, UserError, type BaselineSource, type ResolvedBaseline, type RunDocument } from "@ctrain/core";
import { GitRepository } from "../git.js";
import type { LocalRunStore, StoredRun } from "../store/run-store.js";
import { readGitBaseline } from "./git-metrics.js";

export interface LocalBaselineOptions {
  store: LocalRunStore;
  /** The repository folder (for merge-base and `git:` baselines). */
  cwd: string;
  /** The branch a change merges into; its runs are the baselines (`main` unless told). */
  baseBranch: string;
  /** Metrics files, for `git:<ref>` baselines. */
  metricFiles?: readonly string[];
  /** Reads a published model's run record for `release:` baselines (the local registry). */
  readRelease?: (tag: string) => Promise<ResolvedBaseline | undefined>;
}

const none = (description: string, notes: string[] = []): ResolvedBaseline => ({
  origin: { kind: "none", description, notes },
});

function fromStoredRun(run: StoredRun, commitsBehind: number | undefined, notes: string[]): ResolvedBaseline {
  return {
    origin: {
      kind: "local",
      description: `local run ${run.id}${run.commit ? ` at ${run.commit.slice(0, 7)}` : ""}`,
      commit: run.commit,
      ref: run.branch,
      createdAt: run.run.finishedAt ?? run.run.createdAt,
      commitsBehind,
      notes,
    },
    bundle: new Bundle(run.dir, { untrusted: true }),
  };
}

/** Baselines from the laptop's run store, found the way the GitHub source finds workflow runs. */
export function createLocalBaselineSource(options: LocalBaselineOptions): BaselineSource {
  const git = new GitRepository(options.cwd);
  const inGit = git.isRepository();

  /** The base branch's newest successful run at the target commit, else the nearest older one. */
  function nearestRun(branch: string, target: string | undefined, excludeCommit?: string): ResolvedBaseline {
    const runs = options.store.list(branch, { succeededOnly: true }).filter((run) => run.commit !== excludeCommit);
    if (runs.length === 0)
      return none(`no successful run recorded for ${branch} in ${options.store.root}`, [
        "first run: change thresholds are skipped",
      ]);
    if (!inGit || !target) {
      return fromStoredRun(runs[0]!, undefined, ["not a git repository: the latest run of the branch is used"]);
    }
    const exact = runs.find((run) => run.commit === target);
    if (exact) return fromStoredRun(exact, 0, []);
    for (const run of runs) {
      if (run.commit && git.isAncestor(run.commit, target)) {
        const behind = git.distance(run.commit, target);
        return fromStoredRun(run, behind, [
          `no run at ${target.slice(0, 7)}; using the nearest older run, ${behind ?? "?"} commits behind`,
        ]);
      }
    }
    return none(`no run of ${branch} is an ancestor of ${target.slice(0, 7)}`, [
      "the recorded runs belong to commits that are not in this history",
    ]);
  }

  return {
    async resolve(spec: string): Promise<ResolvedBaseline> {
      if (spec === "none") return none("baseline disabled (baseline: none)");
      if (spec === "auto") {
        const head = inGit ? git.resolve("HEAD") : undefined;
        const current = inGit ? git.currentBranch() : undefined;
        if (current === options.baseBranch) return nearestRun(options.baseBranch, head, head);
        const base = inGit ? git.resolve(options.baseBranch) : undefined;
        const mergeBase = head && base ? git.mergeBase(head, base) : undefined;
        return nearestRun(options.baseBranch, mergeBase);
      }
      const [kind, ...rest] = spec.split(":");
      const value = rest.join(":");
      switch (kind) {
        case "branch":
          return nearestRun(value, inGit ? git.resolve(value) : undefined);
        case "run": {
          const run =
            options.store.get(value) ??
            options.store.list(options.baseBranch).find((entry) => String(entry.sequence) === value);
          if (!run)
            throw new UserError(`baseline run:${value}: no such run in ${options.store.root}`, {
              hint: "list runs with `ctrain runs`",
            });
          return fromStoredRun(run, undefined, []);
        }
        case "git":
          return readGitBaseline(git, value, options.metricFiles ?? []);
        case "path": {
          const dir = resolve(options.cwd, value);
          if (!existsSync(dir))
            throw new UserError(`baseline path:${value}: folder not found`, { location: options.cwd });
          return {
            origin: { kind: "path", description: `bundle folder ${value}`, notes: [] },
            bundle: new Bundle(dir, { untrusted: true }),
          };
        }
        case "release": {
          const found = await options.readRelease?.(value);
          return (
            found ??
            none(`no published model ${value} in the local registry`, ["first release: change thresholds are skipped"])
          );
        }
        default:
          throw new UserError(`unknown baseline "${spec}"`, {
            hint: "use auto, none, branch:<name>, release:<tag|latest>, run:<id>, git:<ref> or path:<folder>",
          });
      }
    },

    async history(limit: number): Promise<RunDocument[]> {
      return options.store
        .list(options.baseBranch, { succeededOnly: true })
        .slice(0, limit)
        .map((run) => run.run);
    },
  };
}

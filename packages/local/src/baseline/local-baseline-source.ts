import { existsSync } from "node:fs";
import { resolve } from "node:path";
import {
  Bundle,
  UserError,
  chooseBaselineRun,
  parseBaselineSpec,
  trustedRunRecords,
  type BaselineChoice,
  type BaselineSource,
  type ResolvedBaseline,
  type RunDocument,
  type RunHistory,
} from "@ctrain/core";
import { GitRepository } from "../git.js";
import type { LocalRunStore, StoredRun } from "../store/run-store.js";
import { readGitBaseline } from "./git-metrics.js";

export interface LocalBaselineOptions {
  store: LocalRunStore;
  /** The repository folder (for merge-base and `git:` baselines). */
  cwd: string;
  /** The branch a change merges into; its runs are the baselines. */
  baseBranch: string;
  /** Metrics files, for `git:<ref>` baselines. */
  metricFiles?: readonly string[];
  /** Reads a published model's run record for `release:` baselines (the local registry). */
  readRelease?: (tag: string) => Promise<ResolvedBaseline | undefined>;
  /** The run being compared, once it is in the bundle: its own stored copy is never its baseline. */
  currentRun?: () => RunDocument | undefined;
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

/** A stored copy of `current`: the same run recorded once, not an earlier run of the same commit. */
function isCopyOf(stored: RunDocument, current: RunDocument | undefined): boolean {
  return (
    current !== undefined &&
    stored.name === current.name &&
    stored.createdAt === current.createdAt &&
    stored.source.commit === current.source.commit
  );
}

/** Baselines from the laptop's run store, chosen by the same policy as GitHub's workflow runs. */
export function createLocalBaselineSource(options: LocalBaselineOptions): BaselineSource {
  const git = new GitRepository(options.cwd);
  const inGit = git.isRepository();

  const history: RunHistory<StoredRun> = {
    // Only runs that succeeded, like GitHub's `status=success`; the policy then reads each record's gates.
    trustedRuns: async (branch) => options.store.list(branch, { succeededOnly: true }),
    commitsBetween: async (ancestor, descendant) =>
      inGit && git.isAncestor(ancestor, descendant) ? git.distance(ancestor, descendant) : undefined,
    open: async (run) => ({ bundle: new Bundle(run.dir, { untrusted: true }), record: run.run }),
  };
  const isThisRun = (run: StoredRun) => isCopyOf(run.run, options.currentRun?.());

  function resolvedOf(choice: BaselineChoice<StoredRun>, extraNotes: string[] = []): ResolvedBaseline {
    if (!choice.found) return none(choice.description, [...extraNotes, ...choice.notes]);
    return fromStoredRun(choice.run, choice.commitsBehind, [...extraNotes, ...choice.notes]);
  }

  async function nearestRun(branch: string, target: string | undefined): Promise<ResolvedBaseline> {
    const where = `recorded for ${branch} in ${options.store.root}`;
    const choice = await chooseBaselineRun(history, { branch, target, isThisRun, where });
    // A damaged run is never used, and never passed over in silence: an older run may be chosen in its place.
    const damaged = options.store
      .damaged(branch)
      .slice(0, 5)
      .map((run) => `damaged run ${run.id} (${run.dir}) not used: ${run.reason}`);
    return resolvedOf(choice, [
      ...damaged,
      ...(inGit ? [] : ["not a git repository: the latest run of the branch is used"]),
    ]);
  }

  /**
   * On the base branch the target is HEAD itself: an earlier run of this commit (a re-run) first, else the
   * nearest older commit's run. On any other branch, the merge-base with the base branch.
   */
  function autoTarget(): string | undefined {
    if (!inGit) return undefined;
    const head = git.resolve("HEAD");
    if (git.currentBranch() === options.baseBranch) return head;
    const base = git.resolve(options.baseBranch);
    return head && base ? git.mergeBase(head, base) : undefined;
  }

  async function namedRun(id: string): Promise<ResolvedBaseline> {
    const run =
      options.store.get(id) ?? options.store.list(options.baseBranch).find((entry) => String(entry.sequence) === id);
    if (!run)
      throw new UserError(`baseline run:${id}: no such run in ${options.store.root}`, {
        hint: "list runs with `ctrain runs`",
      });
    const choice = await chooseBaselineRun({ ...history, trustedRuns: async () => [run] }, { branch: run.branch });
    return choice.found
      ? fromStoredRun(run, undefined, choice.notes)
      : none(`run ${id} is not a baseline`, choice.notes);
  }

  return {
    async resolve(specText: string): Promise<ResolvedBaseline> {
      const spec = parseBaselineSpec(specText);
      switch (spec.kind) {
        case "none":
          return none("baseline disabled (baseline: none)");
        case "auto":
          return nearestRun(options.baseBranch, autoTarget());
        case "branch":
          return nearestRun(spec.branch, undefined);
        case "run":
          return namedRun(spec.run);
        case "git":
          return readGitBaseline(git, spec.ref, options.metricFiles ?? []);
        case "path": {
          const dir = resolve(options.cwd, spec.folder);
          if (!existsSync(dir))
            throw new UserError(`baseline path:${spec.folder}: folder not found`, { location: options.cwd });
          return {
            origin: { kind: "path", description: `bundle folder ${spec.folder}`, notes: [] },
            bundle: new Bundle(dir, { untrusted: true }),
          };
        }
        case "release": {
          const found = await options.readRelease?.(spec.release);
          return (
            found ??
            none(`no published model ${spec.release} in the local registry`, [
              "first release: change thresholds are skipped",
            ])
          );
        }
      }
    },

    history: (limit: number) => trustedRunRecords(history, { branch: options.baseBranch, isThisRun }, limit),
  };
}

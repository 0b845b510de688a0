import { join } from "node:path";
import type { Bundle } from "@ctrain/core";
import { UserError, isUserError, type BaselineOrigin, type BaselineSource, type ResolvedBaseline } from "@ctrain/core";
import { bundleArtifactName, downloadBundleArtifact } from "./artifacts.js";
import type { GitHubClient } from "./client.js";
import type { RunContext } from "./context.js";

export interface GitHubBaselineOptions {
  client: GitHubClient;
  context: RunContext;
  token: string;
  /** The run bundle's name (`ctrain-run-<name>` artifacts). */
  runName: string;
  /** Workflow file name or id whose runs hold baselines; defaults to the current workflow. */
  workflow?: string;
  /** Reads a published model's verified run record for `release:<tag|latest|range>` (and `auto` off pull requests). */
  readRelease?: (spec: string) => Promise<ResolvedBaseline>;
  /** Where downloaded bundles go. */
  downloadDir: string;
  /** Handles kinds that need no API (`git:`, `path:`): the local source. */
  fallback?: BaselineSource;
  log?: (line: string) => void;
}

interface WorkflowRunSummary {
  id: number;
  head_sha: string;
  head_branch: string | null;
  html_url: string;
  created_at: string;
  updated_at: string;
}

/** How many older runs are checked for ancestry before giving up (each check is one API call). */
const MAX_ANCESTRY_CHECKS = 10;
const RUNS_PER_PAGE = 50;

function statusOf(error: unknown): number | undefined {
  return typeof error === "object" && error !== null ? (error as { status?: number }).status : undefined;
}

function workflowFileOf(context: RunContext): string | undefined {
  // GITHUB_WORKFLOW_REF is `owner/repo/.github/workflows/ci.yml@refs/...`
  const match = /\/\.github\/workflows\/([^@]+)@/.exec(context.workflowRef ?? "");
  return match?.[1];
}

const none = (description: string, notes: string[]): ResolvedBaseline => ({
  origin: { kind: "none", description, notes },
});

/**
 * Finds baselines the way a reviewer would: the base branch's successful run at the PR's merge-base (else the
 * nearest older one), the previous commit's run on a push, the champion release on a schedule. Every bundle
 * downloaded from another run is opened as untrusted.
 */
export function createGitHubBaselineSource(options: GitHubBaselineOptions): BaselineSource {
  const { client, context } = options;
  const { owner, repo } = context.repository;
  const log = options.log ?? (() => undefined);
  const workflow = options.workflow ?? workflowFileOf(context);
  const artifactName = bundleArtifactName("run", options.runName);

  async function listRuns(branch: string): Promise<WorkflowRunSummary[]> {
    const params = { owner, repo, branch, status: "success" as const, per_page: RUNS_PER_PAGE };
    const response = workflow
      ? await client.rest.actions.listWorkflowRuns({ ...params, workflow_id: workflow })
      : await client.rest.actions.listWorkflowRunsForRepo(params);
    return response.data.workflow_runs.filter((run) => run.id !== context.runId);
  }

  /** Commits from `ancestor` to `descendant`, or undefined when `ancestor` is not in `descendant`'s history. */
  async function commitsBetween(ancestor: string, descendant: string): Promise<number | undefined> {
    if (ancestor === descendant) return 0;
    const { data } = await client.rest.repos.compareCommitsWithBasehead({
      owner,
      repo,
      basehead: `${ancestor}...${descendant}`,
      per_page: 1,
    });
    return data.status === "ahead" || data.status === "identical" ? data.ahead_by : undefined;
  }

  async function bundleOfRun(run: WorkflowRunSummary, notes: string[]): Promise<Bundle | undefined> {
    const { data } = await client.rest.actions.listWorkflowRunArtifacts({
      owner,
      repo,
      run_id: run.id,
      name: artifactName,
      per_page: 10,
    });
    const artifact = data.artifacts.find((candidate) => candidate.name === artifactName);
    if (!artifact) {
      notes.push(`run ${run.id} has no ${artifactName} artifact`);
      return undefined;
    }
    if (artifact.expired) {
      notes.push(
        `run ${run.id}'s ${artifactName} artifact has expired (raise \`retention-days\` on the train step to keep baselines longer)`,
      );
      return undefined;
    }
    try {
      const bundle = await downloadBundleArtifact({
        artifactId: artifact.id,
        sizeBytes: artifact.size_in_bytes,
        digest: artifact.digest ?? undefined,
        dest: join(options.downloadDir, `run-${run.id}`),
        token: options.token,
        runId: run.id,
        repository: context.repository,
      });
      // Validate now, so a hostile or damaged bundle is skipped here rather than failing the comparison later.
      bundle.read("run");
      return bundle;
    } catch (error) {
      if (!isUserError(error)) throw error;
      notes.push(`run ${run.id}'s ${artifactName} artifact was rejected: ${error.format()}`);
      log(`rejected the baseline artifact of run ${run.id}: ${error.format()}`);
      return undefined;
    }
  }

  function originOf(run: WorkflowRunSummary, commitsBehind: number | undefined, notes: string[]): BaselineOrigin {
    return {
      kind: "branch-run",
      description: `${run.head_branch ?? "?"} run ${run.id} at ${run.head_sha.slice(0, 7)}`,
      commit: run.head_sha,
      ref: run.head_branch ?? undefined,
      runId: run.id,
      runUrl: run.html_url,
      createdAt: run.updated_at,
      commitsBehind,
      notes,
    };
  }

  /** The branch's successful run at `target`, else the newest run whose commit is an ancestor of it. */
  async function nearestRun(
    branch: string,
    target: string | undefined,
    excludeSha?: string,
  ): Promise<ResolvedBaseline> {
    const notes: string[] = [];
    let runs: WorkflowRunSummary[];
    try {
      runs = (await listRuns(branch)).filter((run) => run.head_sha !== excludeSha);
    } catch (error) {
      if (statusOf(error) === 403 || statusOf(error) === 404) {
        return none(`could not list workflow runs of ${branch}`, [
          `GitHub answered ${statusOf(error)}: add \`permissions: actions: read\` to the job so ctrain can find the baseline run`,
        ]);
      }
      throw error;
    }
    if (runs.length === 0)
      return none(`no successful run of ${workflow ?? "this repository's workflows"} on ${branch}`, [
        "first run: change thresholds are skipped",
      ]);

    const exact = target ? runs.filter((run) => run.head_sha === target) : [];
    for (const run of exact) {
      const bundle = await bundleOfRun(run, notes);
      if (bundle) return { origin: originOf(run, 0, notes), bundle };
    }
    let checks = 0;
    for (const run of runs) {
      if (target && run.head_sha === target) continue;
      if (checks++ >= MAX_ANCESTRY_CHECKS) break;
      const behind = target ? await commitsBetween(run.head_sha, target).catch(() => undefined) : undefined;
      if (target && behind === undefined) continue;
      const bundle = await bundleOfRun(run, notes);
      if (!bundle) continue;
      if (target)
        notes.push(`no usable run at ${target.slice(0, 7)}; using the nearest older run, ${behind} commits behind`);
      return { origin: originOf(run, behind, notes), bundle };
    }
    return none(
      `no usable baseline run on ${branch}`,
      notes.length ? notes : [`no successful run's commit is an ancestor of ${target?.slice(0, 7)}`],
    );
  }

  async function mergeBaseOfPullRequest(): Promise<string | undefined> {
    const pr = context.pullRequest;
    if (!pr || !context.baseRef) return undefined;
    try {
      const { data } = await client.rest.repos.compareCommitsWithBasehead({
        owner,
        repo,
        basehead: `${context.baseRef}...${pr.headSha}`,
        per_page: 1,
      });
      return data.merge_base_commit.sha;
    } catch (error) {
      log(`could not compute the merge-base (${statusOf(error) ?? String(error)}); using the PR's base commit`);
      return pr.baseSha || undefined;
    }
  }

  async function releaseBaseline(spec: string): Promise<ResolvedBaseline> {
    if (!options.readRelease) throw new UserError(`baseline release:${spec} is not available here`);
    return options.readRelease(spec);
  }

  return {
    async resolve(spec: string): Promise<ResolvedBaseline> {
      if (spec === "none") return none("baseline disabled (baseline: none)", []);
      if (spec === "auto") {
        if (context.pullRequest && context.baseRef) {
          const mergeBase = await mergeBaseOfPullRequest();
          return nearestRun(context.baseRef, mergeBase);
        }
        if (context.eventName === "push" && context.branch) {
          const before = (context.payload as { before?: string }).before;
          const previous = before && !/^0+$/.test(before) ? before : undefined;
          return nearestRun(context.branch, previous, context.sha);
        }
        if (options.readRelease) return releaseBaseline("latest");
        return nearestRun(context.defaultBranch ?? "main", undefined, context.sha);
      }
      const [kind, ...rest] = spec.split(":");
      const value = rest.join(":");
      switch (kind) {
        case "branch":
          return nearestRun(value, undefined, context.sha);
        case "run": {
          const { data: run } = await client.rest.actions.getWorkflowRun({ owner, repo, run_id: Number(value) });
          const notes: string[] = [];
          const bundle = await bundleOfRun(run, notes);
          if (!bundle) return none(`run ${value} has no usable run bundle`, notes);
          return { origin: { ...originOf(run, undefined, notes), kind: "run" }, bundle };
        }
        case "release":
          return releaseBaseline(value);
        default:
          if (options.fallback) return options.fallback.resolve(spec);
          throw new UserError(`unknown baseline "${spec}"`, {
            hint: "use auto, none, branch:<name>, release:<tag|latest>, run:<id>, git:<ref> or path:<folder>",
          });
      }
    },

    async history(limit: number) {
      const branch = context.baseRef ?? context.defaultBranch ?? "main";
      const documents = [];
      let runs: WorkflowRunSummary[] = [];
      try {
        runs = await listRuns(branch);
      } catch (error) {
        log(`no trend: could not list runs of ${branch} (${statusOf(error) ?? String(error)})`);
      }
      for (const run of runs.slice(0, limit)) {
        try {
          const bundle = await bundleOfRun(run, []);
          if (bundle?.has("run")) documents.push(bundle.read("run"));
        } catch (error) {
          log(`skipped run ${run.id} in the trend: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      return documents;
    },
  };
}

import { join } from "node:path";
import {
  UserError,
  chooseBaselineRun,
  isUserError,
  parseBaselineSpec,
  trustedRunRecords,
  untrustedWorkflowRunReason,
  TRUSTED_BASELINE_EVENTS,
  type BaselineChoice,
  type BaselineOrigin,
  type BaselineSource,
  type OpenedRun,
  type ResolvedBaseline,
  type RunHistory,
} from "@ctrain/core";
import { bundleArtifactName, downloadBundleArtifact } from "./artifacts.js";
import type { GitHubClient } from "./client-timing.js";
import type { RunContext } from "./context.js";
import { GitHubFault } from "./errors.js";

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
  event: string;
  conclusion: string | null;
  head_sha: string;
  head_branch: string | null;
  head_repository?: { full_name: string } | null;
  html_url: string;
  created_at: string;
  updated_at: string;
}

/** A listed workflow run in the shape the baseline policy asks about. */
interface BaselineRun {
  id: number;
  commit: string;
  summary: WorkflowRunSummary;
}

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

const newestFirst = (a: WorkflowRunSummary, b: WorkflowRunSummary) =>
  b.created_at.localeCompare(a.created_at) || b.id - a.id;

/**
 * Finds baselines the way a reviewer would (the policy in `chooseBaselineRun`): the base branch's trusted run at
 * the PR's merge-base (else the nearest older one), the previous commit's run on a push, the champion release on a
 * schedule. Only this repository's own push, schedule and workflow_dispatch runs count: `?branch=main` also
 * matches a fork's pull request from its own `main`. Every bundle downloaded from another run is opened as
 * untrusted.
 */
export function createGitHubBaselineSource(options: GitHubBaselineOptions): BaselineSource {
  const { client, context } = options;
  const { owner, repo } = context.repository;
  const repository = `${owner}/${repo}`;
  const log = options.log ?? (() => undefined);
  const workflow = options.workflow ?? workflowFileOf(context);
  const artifactName = bundleArtifactName("run", options.runName);

  /** One listing per trusted event (the API filters on one), filtered again on what GitHub answered. */
  async function trustedRuns(branch: string): Promise<BaselineRun[]> {
    const listings = await Promise.all(
      TRUSTED_BASELINE_EVENTS.map(async (event) => {
        const params = { owner, repo, branch, event, status: "success" as const, per_page: RUNS_PER_PAGE };
        const response = workflow
          ? await client.rest.actions.listWorkflowRuns({ ...params, workflow_id: workflow })
          : await client.rest.actions.listWorkflowRunsForRepo(params);
        return response.data.workflow_runs as WorkflowRunSummary[];
      }),
    );
    const seen = new Set<number>();
    return listings
      .flat()
      .filter((run) => {
        if (seen.has(run.id)) return false;
        seen.add(run.id);
        const facts = { event: run.event, conclusion: run.conclusion, headRepository: run.head_repository?.full_name };
        return run.head_branch === branch && untrustedWorkflowRunReason(facts, repository) === undefined;
      })
      .sort(newestFirst)
      .map((run) => ({ id: run.id, commit: run.head_sha, summary: run }));
  }

  async function commitsBetween(ancestor: string, descendant: string): Promise<number | undefined> {
    if (ancestor === descendant) return 0;
    try {
      const { data } = await client.rest.repos.compareCommitsWithBasehead({
        owner,
        repo,
        basehead: `${ancestor}...${descendant}`,
        per_page: 1,
      });
      return data.status === "ahead" || data.status === "identical" ? data.ahead_by : undefined;
    } catch (error) {
      // A commit GitHub no longer has (force-pushed away) is in no history.
      if (statusOf(error) === 404 || statusOf(error) === 422) return undefined;
      throw error;
    }
  }

  async function open(run: BaselineRun): Promise<OpenedRun | string> {
    const { data } = await client.rest.actions.listWorkflowRunArtifacts({
      owner,
      repo,
      run_id: run.id,
      name: artifactName,
      per_page: 10,
    });
    const artifact = data.artifacts.find((candidate) => candidate.name === artifactName);
    if (!artifact) return `run ${run.id} has no ${artifactName} artifact`;
    if (artifact.expired)
      return `run ${run.id}'s ${artifactName} artifact has expired (raise \`retention-days\` on the train step to keep baselines longer)`;
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
      return { bundle, record: bundle.read("run") };
    } catch (error) {
      // A service fault is no verdict on this run's bundle: the whole lookup falls back, instead of trying older runs.
      if (!isUserError(error) || error instanceof GitHubFault) throw error;
      log(`rejected the baseline artifact of run ${run.id}: ${error.format()}`);
      return `run ${run.id}'s ${artifactName} artifact was rejected: ${error.format()}`;
    }
  }

  const history: RunHistory<BaselineRun> = { trustedRuns, commitsBetween, open };
  const isThisRun = (run: BaselineRun) => run.id === context.runId;

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

  function resolvedOf(choice: BaselineChoice<BaselineRun>): ResolvedBaseline {
    if (!choice.found) return none(choice.description, choice.notes);
    return { origin: originOf(choice.run.summary, choice.commitsBehind, choice.notes), bundle: choice.opened.bundle };
  }

  async function nearestRun(branch: string, target: string | undefined): Promise<ResolvedBaseline> {
    try {
      const where = `of ${workflow ?? "this repository's workflows"} on ${branch}`;
      return resolvedOf(await chooseBaselineRun(history, { branch, target, isThisRun, where }));
    } catch (error) {
      if (statusOf(error) === 403 || statusOf(error) === 404) {
        return none(`could not list workflow runs of ${branch}`, [
          `GitHub answered ${statusOf(error)}: add \`permissions: actions: read\` to the job so ctrain can find the baseline run`,
        ]);
      }
      throw error;
    }
  }

  /** A run named by id: the user's choice of run, still held to the same trust as any baseline. */
  async function namedRun(id: string): Promise<ResolvedBaseline> {
    if (!/^\d+$/.test(id))
      throw new UserError(`baseline run:${id}: a GitHub workflow run id is a number`, {
        location: "compare.baseline",
        hint: "copy the number from the run's URL (…/actions/runs/<id>)",
      });
    const { data } = await client.rest.actions.getWorkflowRun({ owner, repo, run_id: Number(id) });
    const run = data as WorkflowRunSummary;
    const facts = { event: run.event, conclusion: run.conclusion, headRepository: run.head_repository?.full_name };
    const distrust = untrustedWorkflowRunReason(facts, repository);
    if (distrust) return none(`run ${id} is not a trusted baseline`, [`run ${id}: ${distrust}`]);
    const named = { id: run.id, commit: run.head_sha, summary: run };
    const choice = await chooseBaselineRun(
      { ...history, trustedRuns: async () => [named] },
      { branch: run.head_branch ?? "?" },
    );
    if (!choice.found) return none(`run ${id} has no usable run bundle`, choice.notes);
    return { origin: { ...originOf(run, undefined, choice.notes), kind: "run" }, bundle: choice.opened.bundle };
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
      if (error instanceof GitHubFault) throw error;
      log(`could not compute the merge-base (${statusOf(error) ?? String(error)}); using the PR's base commit`);
      return pr.baseSha || undefined;
    }
  }

  async function releaseBaseline(spec: string): Promise<ResolvedBaseline> {
    if (!options.readRelease) throw new UserError(`baseline release:${spec} is not available here`);
    return options.readRelease(spec);
  }

  async function auto(): Promise<ResolvedBaseline> {
    if (context.pullRequest && context.baseRef) return nearestRun(context.baseRef, await mergeBaseOfPullRequest());
    if (context.eventName === "push" && context.branch) {
      const before = (context.payload as { before?: string }).before;
      // A new branch's push has no previous commit: its nearest older run is an ancestor of this commit.
      const previous = before && !/^0+$/.test(before) ? before : context.sha || undefined;
      return nearestRun(context.branch, previous);
    }
    if (options.readRelease) return releaseBaseline("latest");
    return nearestRun(context.defaultBranch ?? "main", context.sha || undefined);
  }

  /**
   * `auto` is optional: on a first run there is no baseline either, so when GitHub cannot be asked the step goes on
   * without one and says why. A baseline the user named (`branch:`, `run:`, `release:`) stays required.
   */
  async function autoOrNone(): Promise<ResolvedBaseline> {
    try {
      return await auto();
    } catch (error) {
      if (!(error instanceof GitHubFault)) throw error;
      log(`no baseline: ${error.message}`);
      return none("no baseline: GitHub could not be asked for one", [
        `the baseline lookup failed, so this run has none: ${error.message}`,
        error.hint ?? "re-run the job",
      ]);
    }
  }

  return {
    async resolve(specText: string): Promise<ResolvedBaseline> {
      const spec = parseBaselineSpec(specText);
      switch (spec.kind) {
        case "none":
          return none("baseline disabled (baseline: none)", []);
        case "auto":
          return autoOrNone();
        case "branch":
          return nearestRun(spec.branch, undefined);
        case "run":
          return namedRun(spec.run);
        case "release":
          return releaseBaseline(spec.release);
        default:
          if (options.fallback) return options.fallback.resolve(specText);
          throw new UserError(`baseline ${specText} needs the workspace: it is not available here`, {
            location: "compare.baseline",
          });
      }
    },

    async history(limit: number) {
      const branch = context.baseRef ?? context.defaultBranch ?? "main";
      try {
        return await trustedRunRecords(history, { branch, isThisRun }, limit);
      } catch (error) {
        const reason = error instanceof GitHubFault ? error.message : (statusOf(error) ?? String(error));
        log(`no trend: could not read runs of ${branch} (${reason})`);
        return [];
      }
    },
  };
}

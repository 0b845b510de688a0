/**
 * Deployment environments with their required reviewers, a workflow run's deployment review history, and the check
 * runs of a commit (found again by a re-run). Seed them with `addEnvironment` and `addDeploymentReview`.
 */
import type { CheckRunRecord, RepoRecord, UserRecord, WorkflowRunRecord } from "../records.js";
import { nodeId, repoApiUrl, repoWebUrl, simpleUser, type RenderContext } from "../render/accounts.js";
import { checkRun } from "../render/automation.js";
import { paginate } from "../pagination.js";
import type { FakeGitHubState } from "../state.js";
import { FakeGap, intParam, json, notFound, type RouteTable } from "../routing.js";

export interface EnvironmentRecord {
  id: number;
  name: string;
  createdAt: string;
  /** Required reviewers; empty for an environment without that protection rule. */
  reviewers: UserRecord[];
  ruleId: number;
}

export interface DeploymentReviewRecord {
  environments: EnvironmentRecord[];
  state: "approved" | "rejected";
  user: UserRecord;
  comment: string;
}

const environmentsOfRepo = new WeakMap<RepoRecord, Map<string, EnvironmentRecord>>();
const reviewsOfRun = new WeakMap<WorkflowRunRecord, DeploymentReviewRecord[]>();

function environmentsOf(repo: RepoRecord): Map<string, EnvironmentRecord> {
  let environments = environmentsOfRepo.get(repo);
  if (!environments) environmentsOfRepo.set(repo, (environments = new Map()));
  return environments;
}

/** An environment of the repository; `reviewers` (logins) makes it require their approval, as Settings does. */
export function addEnvironment(
  state: FakeGitHubState,
  repoRef: RepoRecord | string,
  options: { name: string; reviewers?: string[] },
): EnvironmentRecord {
  const repo = state.repo(repoRef);
  const record: EnvironmentRecord = {
    id: state.nextId(),
    name: options.name,
    createdAt: state.now(),
    reviewers: (options.reviewers ?? []).map((login) => state.addUser(login)),
    ruleId: state.nextId(),
  };
  // GitHub matches environment names case-insensitively.
  environmentsOf(repo).set(options.name.toLowerCase(), record);
  return record;
}

/** A reviewer's decision on a run's deployment to an environment: what "Review deployments" records. */
export function addDeploymentReview(
  state: FakeGitHubState,
  runId: number,
  options: { environment: string; user: string; state?: "approved" | "rejected"; comment?: string },
): DeploymentReviewRecord {
  const { repo, run } = state.findRun(runId);
  const environment = environmentsOf(repo).get(options.environment.toLowerCase());
  if (!environment) throw new Error(`fake: ${repo.fullName} has no environment ${options.environment}`);
  const review: DeploymentReviewRecord = {
    environments: [environment],
    state: options.state ?? "approved",
    user: state.addUser(options.user),
    comment: options.comment ?? "",
  };
  reviewsOfRun.set(run, [...(reviewsOfRun.get(run) ?? []), review]);
  return review;
}

function renderEnvironment(context: RenderContext, repo: RepoRecord, record: EnvironmentRecord) {
  return {
    id: record.id,
    node_id: nodeId("Environment", record.id),
    name: record.name,
    url: `${repoApiUrl(context, repo)}/environments/${encodeURIComponent(record.name)}`,
    html_url: `${repoWebUrl(context, repo)}/deployments/activity_log?environments_filter=${encodeURIComponent(record.name)}`,
    created_at: record.createdAt,
    updated_at: record.createdAt,
  };
}

/** `filter=latest` (the default) keeps the newest check run of each name, as GitHub keeps the latest per suite. */
function checkRunsForRef(runs: CheckRunRecord[], query: URLSearchParams): CheckRunRecord[] {
  if (query.has("app_id")) throw new FakeGap('the "app_id" filter of check runs');
  const name = query.get("check_name");
  const status = query.get("status");
  const matching = runs
    .filter((run) => (!name || run.name === name) && (!status || run.status === status))
    .sort((a, b) => b.id - a.id);
  if (query.get("filter") === "all") return matching;
  const seen = new Set<string>();
  return matching.filter((run) => !seen.has(run.name) && seen.add(run.name));
}

export const environmentRoutes: RouteTable = {
  "repos/get-environment": {
    permission: { scopes: ["actions"], access: "read" },
    handle(request, context) {
      const repo = request.repo();
      const record = environmentsOf(repo).get(request.param("environment_name").toLowerCase());
      if (!record) throw notFound();
      const rules = record.reviewers.length
        ? [
            {
              id: record.ruleId,
              node_id: nodeId("Gate", record.ruleId),
              prevent_self_review: false,
              type: "required_reviewers",
              reviewers: record.reviewers.map((user) => ({ type: "User", reviewer: simpleUser(context, user) })),
            },
          ]
        : [];
      return json(200, {
        ...renderEnvironment(context, repo, record),
        protection_rules: rules,
        deployment_branch_policy: null,
      });
    },
  },

  "actions/get-reviews-for-run": {
    permission: { scopes: ["actions"], access: "read" },
    handle(request, context) {
      const repo = request.repo();
      const run = repo.runs.get(intParam(request, "run_id"));
      if (!run) throw notFound();
      return json(
        200,
        (reviewsOfRun.get(run) ?? []).map((review) => ({
          environments: review.environments.map((environment) => renderEnvironment(context, repo, environment)),
          state: review.state,
          user: simpleUser(context, review.user),
          comment: review.comment,
        })),
      );
    },
  },

  "checks/list-for-ref": {
    permission: { scopes: ["checks"], access: "read" },
    handle(request, context) {
      const repo = request.repo();
      const commit = context.state.resolveCommit(repo, request.param("ref"));
      if (!commit) throw notFound();
      const runs = checkRunsForRef(
        [...repo.checkRuns.values()].filter((run) => run.headSha === commit.sha),
        request.url.searchParams,
      );
      const page = paginate(runs, request.url);
      return json(
        200,
        { total_count: runs.length, check_runs: page.items.map((run) => checkRun(context, repo, run)) },
        page.link ? { link: page.link } : undefined,
      );
    },
  },
};

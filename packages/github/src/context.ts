import { readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError, type RunSource } from "@ctrain/core";

export interface RepositoryRef {
  owner: string;
  repo: string;
}

/** What the runner tells an action about the run it is part of, read once from `GITHUB_*` and the event payload. */
export interface RunContext {
  repository: RepositoryRef;
  eventName: string;
  payload: Record<string, unknown>;
  sha: string;
  ref: string;
  /** The branch being built: the PR head branch on pull requests, else the pushed branch. */
  branch?: string;
  /** On pull requests, the branch the PR merges into. */
  baseRef?: string;
  pullRequest?: { number: number; headSha: string; baseSha: string; headRepository?: string; isFork: boolean };
  defaultBranch?: string;
  runId?: number;
  runAttempt?: number;
  runUrl?: string;
  workflowRef?: string;
  workflow?: string;
  actor?: string;
  apiUrl: string;
  serverUrl: string;
  workspace: string;
}

function positiveInt(value: string | undefined): number | undefined {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : undefined;
}

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const repositoryName = env.GITHUB_REPOSITORY;
  if (!repositoryName || !repositoryName.includes("/")) {
    throw new UserError("GITHUB_REPOSITORY is not set: this step must run inside a GitHub Actions job", {
      hint: "on a laptop, use the ctrain CLI instead (`ctrain --help`)",
    });
  }
  const [owner, repo] = repositoryName.split("/") as [string, string];
  const eventPath = env.GITHUB_EVENT_PATH;
  const payload: Record<string, unknown> =
    eventPath && existsSync(eventPath) ? (JSON.parse(readFileSync(eventPath, "utf8")) as Record<string, unknown>) : {};
  const eventName = env.GITHUB_EVENT_NAME ?? "";
  const serverUrl = env.GITHUB_SERVER_URL ?? "https://github.com";
  const runId = positiveInt(env.GITHUB_RUN_ID);
  const runAttempt = positiveInt(env.GITHUB_RUN_ATTEMPT);
  const ref = env.GITHUB_REF ?? "";
  const pr = payload.pull_request as
    | {
        number?: number;
        head?: { sha?: string; ref?: string; repo?: { full_name?: string } | null };
        base?: { sha?: string; ref?: string };
      }
    | undefined;
  const repositoryPayload = payload.repository as { default_branch?: string } | undefined;
  const pullRequest =
    pr && typeof pr.number === "number"
      ? {
          number: pr.number,
          headSha: pr.head?.sha ?? env.GITHUB_SHA ?? "",
          baseSha: pr.base?.sha ?? "",
          headRepository: pr.head?.repo?.full_name,
          isFork: pr.head?.repo?.full_name !== undefined && pr.head.repo.full_name !== repositoryName,
        }
      : undefined;
  return {
    repository: { owner, repo },
    eventName,
    payload,
    sha: pullRequest?.headSha || env.GITHUB_SHA || "",
    ref,
    branch:
      env.GITHUB_HEAD_REF ||
      pr?.head?.ref ||
      (ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : undefined),
    baseRef: env.GITHUB_BASE_REF || pr?.base?.ref || undefined,
    pullRequest,
    defaultBranch: repositoryPayload?.default_branch,
    runId,
    runAttempt,
    runUrl: runId
      ? `${serverUrl}/${repositoryName}/actions/runs/${runId}${runAttempt ? `/attempts/${runAttempt}` : ""}`
      : undefined,
    workflowRef: env.GITHUB_WORKFLOW_REF,
    workflow: env.GITHUB_WORKFLOW,
    actor: env.GITHUB_ACTOR,
    apiUrl: env.GITHUB_API_URL ?? "https://api.github.com",
    serverUrl,
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
  };
}

/** The run's identity as recorded in bundle documents. */
export function toRunSource(context: RunContext): RunSource {
  const commit = /^[0-9a-f]{7,64}$/.test(context.sha) ? context.sha : undefined;
  return {
    repository: `${context.repository.owner}/${context.repository.repo}`,
    commit,
    ref: context.ref || undefined,
    branch: context.branch,
    baseRef: context.baseRef,
    pullRequest: context.pullRequest?.number,
    event: context.eventName || undefined,
    workflow: context.workflowRef ?? context.workflow,
    runId: context.runId,
    runAttempt: context.runAttempt,
    runUrl: context.runUrl,
    actor: context.actor,
  };
}

/** The runner's temp folder (emptied after each job), or the OS's outside a runner. */
export function runnerTemp(...segments: string[]): string {
  return join(process.env.RUNNER_TEMP || tmpdir(), ...segments);
}

/** Where repository-relative links in reports point: `<server>/<owner>/<repo>/`. */
export function repositoryLinkPrefix(context: RunContext): string {
  return `${context.serverUrl}/${context.repository.owner}/${context.repository.repo}/`;
}

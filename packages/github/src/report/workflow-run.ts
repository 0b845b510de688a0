import { z } from "zod";
import { UserError, type Bundle } from "@ctrain/core";
import { bundleArtifactName, downloadBundleArtifact } from "../artifacts.js";
import type { GitHubClient } from "../client-timing.js";
import type { RepositoryRef, RunContext } from "../context.js";
import { explainGitHubError } from "../errors.js";

/** The fields of a `workflow_run` event that the fork-safe report needs; GitHub wrote them, the fork chose some. */
const WorkflowRunPayload = z.object({
  id: z.number().int().positive(),
  head_sha: z.string().regex(/^[0-9a-f]{40,64}$/),
  head_branch: z.string().nullable(),
  html_url: z.string().url(),
  path: z.string().optional(),
  event: z.string(),
  head_repository: z.object({ full_name: z.string(), owner: z.object({ login: z.string() }) }).nullable(),
  pull_requests: z
    .array(z.object({ number: z.number().int().positive(), head: z.object({ sha: z.string() }) }))
    .default([]),
});
export type TriggeringRun = z.infer<typeof WorkflowRunPayload>;

/** The run that triggered this `workflow_run` job, read from the event payload. */
export function readTriggeringRun(context: RunContext): TriggeringRun {
  if (context.eventName !== "workflow_run") {
    throw new UserError(
      `mode 'workflow-run' needs the workflow_run event, but this job runs on '${context.eventName}'`,
      {
        hint: "start the reporting workflow with `on: workflow_run: { workflows: [<your CI>], types: [completed] }` (see docs/forks.md)",
      },
    );
  }
  const parsed = WorkflowRunPayload.safeParse(context.payload.workflow_run);
  if (!parsed.success) {
    throw new UserError(`the workflow_run event payload is not what GitHub sends: ${parsed.error.issues[0]!.message}`, {
      location: "GITHUB_EVENT_PATH",
    });
  }
  return parsed.data;
}

interface PullLike {
  number: number;
  state?: string;
  head: { sha: string; repo: { full_name: string } | null };
}

/**
 * The open pull request whose head is the run's commit, from the same repository the run built. GitHub leaves
 * `workflow_run.pull_requests` empty for forks, so the commit's pull requests are asked for, then the open pull
 * requests of the run's branch. Undefined when none matches (the PR moved on to a newer commit, or was closed).
 */
export async function findPullRequestOfRun(
  client: GitHubClient,
  repository: RepositoryRef,
  run: TriggeringRun,
): Promise<number | undefined> {
  const listed = run.pull_requests.find((pull) => pull.head.sha === run.head_sha);
  if (listed) return listed.number;
  const headRepository = run.head_repository?.full_name;
  const matches = (pull: PullLike): boolean =>
    (pull.state === undefined || pull.state === "open") &&
    pull.head.sha === run.head_sha &&
    pull.head.repo?.full_name === headRepository;
  try {
    const associated = await client.paginate(client.rest.repos.listPullRequestsAssociatedWithCommit, {
      ...repository,
      commit_sha: run.head_sha,
      per_page: 100,
    });
    const found = associated.find(matches);
    if (found) return found.number;
    if (!run.head_branch || !run.head_repository) return undefined;
    const ofBranch = await client.paginate(client.rest.pulls.list, {
      ...repository,
      state: "open",
      head: `${run.head_repository.owner.login}:${run.head_branch}`,
      per_page: 100,
    });
    return ofBranch.find(matches)?.number;
  } catch (error) {
    return explainGitHubError(error, "comment", `find the pull request of commit ${run.head_sha}`);
  }
}

/**
 * Downloads the report bundle (`ctrain-report-<id>`) that the triggering run uploaded, as an untrusted bundle.
 * Undefined when the run uploaded none (it did not get that far, or reports another id).
 */
export async function downloadReportBundle(options: {
  client: GitHubClient;
  token: string;
  repository: RepositoryRef;
  run: TriggeringRun;
  id: string;
  dest: string;
}): Promise<{ bundle: Bundle; artifactId: number } | undefined> {
  const name = bundleArtifactName("report", options.id);
  let artifacts;
  try {
    artifacts = await options.client.paginate(options.client.rest.actions.listWorkflowRunArtifacts, {
      ...options.repository,
      run_id: options.run.id,
      name,
      per_page: 100,
    });
  } catch (error) {
    return explainGitHubError(error, "readRuns", `list the artifacts of run ${options.run.id}`);
  }
  const artifact = artifacts.find((candidate) => candidate.name === name);
  if (!artifact) return undefined;
  if (artifact.expired) {
    throw new UserError(`the ${name} artifact of run ${options.run.id} has expired`, {
      hint: "re-run the pull request's workflow to upload it again",
    });
  }
  const bundle = await downloadBundleArtifact({
    artifactId: artifact.id,
    sizeBytes: artifact.size_in_bytes,
    digest: artifact.digest ?? undefined,
    dest: options.dest,
    token: options.token,
    runId: options.run.id,
    repository: options.repository,
  });
  return { bundle, artifactId: artifact.id };
}

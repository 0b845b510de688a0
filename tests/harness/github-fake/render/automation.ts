/** Check runs, workflow runs, artifacts, releases and release assets. */
import type {
  ArtifactRecord,
  CheckAnnotationRecord,
  CheckRunRecord,
  ReleaseAssetRecord,
  ReleaseRecord,
  RepoRecord,
  WorkflowRunRecord,
} from "../records.js";
import { actionsApp, nodeId, repoApiUrl, repoWebUrl, simpleUser, type RenderContext } from "./accounts.js";
import { pullRequestMinimal } from "./conversation.js";
import { simpleCommit } from "./git.js";
import { repository } from "./repository.js";

export function checkRun(context: RenderContext, repo: RepoRecord, record: CheckRunRecord): Record<string, unknown> {
  const url = `${repoApiUrl(context, repo)}/check-runs/${record.id}`;
  // GitHub lists the open pull requests whose head is the checked commit.
  const pulls = [...repo.pulls.values()].filter(
    (pull) =>
      pull.issue.state === "open" && pull.headRepo === repo && context.state.pullHeadSha(pull) === record.headSha,
  );
  return {
    id: record.id,
    head_sha: record.headSha,
    node_id: nodeId("CheckRun", record.id),
    external_id: record.externalId,
    url,
    html_url: `${repoWebUrl(context, repo)}/runs/${record.id}`,
    details_url: record.detailsUrl ?? `${repoWebUrl(context, repo)}/runs/${record.id}`,
    status: record.status,
    conclusion: record.conclusion,
    started_at: record.startedAt,
    completed_at: record.completedAt,
    output: { ...record.output, annotations_count: record.annotations.length, annotations_url: `${url}/annotations` },
    name: record.name,
    check_suite: { id: record.checkSuiteId },
    app: actionsApp(context),
    pull_requests: pulls.map((pull) => pullRequestMinimal(context, repo, pull)),
  };
}

export function checkAnnotation(
  context: RenderContext,
  repo: RepoRecord,
  record: CheckRunRecord,
  annotation: CheckAnnotationRecord,
): Record<string, unknown> {
  return {
    path: annotation.path,
    start_line: annotation.start_line,
    end_line: annotation.end_line,
    start_column: annotation.start_column ?? null,
    end_column: annotation.end_column ?? null,
    annotation_level: annotation.annotation_level,
    title: annotation.title ?? null,
    message: annotation.message,
    raw_details: annotation.raw_details ?? null,
    blob_href: `${repoWebUrl(context, repo)}/blob/${record.headSha}/${annotation.path}`,
  };
}

export function workflowRun(context: RenderContext, repo: RepoRecord, run: WorkflowRunRecord): Record<string, unknown> {
  const api = repoApiUrl(context, repo);
  const url = `${api}/actions/runs/${run.id}`;
  const workflow = repo.workflows.get(run.workflowId);
  const head = context.state.commit(run.headSha);
  // GitHub leaves pull_requests empty for runs from forks.
  const pulls =
    run.headRepo === repo
      ? run.pullNumbers.flatMap((number) => {
          const pull = repo.pulls.get(number);
          return pull ? [pullRequestMinimal(context, repo, pull)] : [];
        })
      : [];
  return {
    id: run.id,
    name: workflow?.name ?? null,
    node_id: nodeId("WorkflowRun", run.id),
    check_suite_id: run.checkSuiteId,
    check_suite_node_id: nodeId("CheckSuite", run.checkSuiteId),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: workflow?.path ?? "",
    display_title: run.displayTitle,
    run_number: run.runNumber,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflowId,
    url,
    html_url: `${repoWebUrl(context, repo)}/actions/runs/${run.id}`,
    pull_requests: pulls,
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    actor: simpleUser(context, run.actor),
    triggering_actor: simpleUser(context, run.actor),
    run_attempt: run.runAttempt,
    referenced_workflows: [],
    run_started_at: run.createdAt,
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${api}/check-suites/${run.checkSuiteId}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${api}/actions/workflows/${run.workflowId}`,
    head_commit: head ? simpleCommit(head) : null,
    repository: repository(context, repo),
    head_repository: repository(context, run.headRepo),
    head_repository_id: run.headRepo.id,
  };
}

export function artifact(context: RenderContext, repo: RepoRecord, record: ArtifactRecord): Record<string, unknown> {
  const url = `${repoApiUrl(context, repo)}/actions/artifacts/${record.id}`;
  const run = repo.runs.get(record.runId);
  return {
    id: record.id,
    node_id: nodeId("Artifact", record.id),
    name: record.name,
    size_in_bytes: record.content.length,
    url,
    archive_download_url: `${url}/zip`,
    expired: context.state.isExpired(record),
    created_at: record.createdAt,
    expires_at: record.expiresAt,
    updated_at: record.createdAt,
    digest: record.digest,
    workflow_run: run
      ? {
          id: run.id,
          repository_id: repo.id,
          head_repository_id: run.headRepo.id,
          head_branch: run.headBranch ?? "",
          head_sha: run.headSha,
        }
      : null,
  };
}

export function releaseAsset(
  context: RenderContext,
  repo: RepoRecord,
  record: ReleaseAssetRecord,
): Record<string, unknown> {
  const release = repo.releases.get(record.releaseId);
  return {
    url: `${repoApiUrl(context, repo)}/releases/assets/${record.id}`,
    // Served by the fake itself, so a test can download it the way a browser would.
    browser_download_url: `${context.api}/${repo.fullName}/releases/download/${encodeURIComponent(release?.tagName ?? "")}/${encodeURIComponent(record.name)}`,
    id: record.id,
    node_id: nodeId("ReleaseAsset", record.id),
    name: record.name,
    label: record.label,
    state: record.state,
    content_type: record.contentType,
    size: record.size,
    digest: record.digest,
    download_count: record.downloadCount,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    uploader: simpleUser(context, record.uploader),
  };
}

export function release(context: RenderContext, repo: RepoRecord, record: ReleaseRecord): Record<string, unknown> {
  const api = repoApiUrl(context, repo);
  const url = `${api}/releases/${record.id}`;
  const tagPath = record.draft ? `untagged-${record.id}` : encodeURIComponent(record.tagName);
  return {
    url,
    html_url: `${repoWebUrl(context, repo)}/releases/tag/${tagPath}`,
    assets_url: `${url}/assets`,
    upload_url: `${url}/assets{?name,label}`,
    tarball_url: record.draft ? null : `${api}/tarball/${encodeURIComponent(record.tagName)}`,
    zipball_url: record.draft ? null : `${api}/zipball/${encodeURIComponent(record.tagName)}`,
    id: record.id,
    node_id: nodeId("Release", record.id),
    tag_name: record.tagName,
    target_commitish: record.targetCommitish,
    name: record.name,
    body: record.body,
    draft: record.draft,
    prerelease: record.prerelease,
    immutable: false,
    created_at: record.createdAt,
    published_at: record.publishedAt,
    updated_at: record.updatedAt,
    author: simpleUser(context, record.author),
    assets: record.assetIds.flatMap((id) => {
      const asset = repo.assets.get(id);
      return asset ? [releaseAsset(context, repo, asset)] : [];
    }),
  };
}

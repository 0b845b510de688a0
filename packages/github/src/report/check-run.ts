import {
  CHECK_ANNOTATIONS_PER_REQUEST,
  CHECK_OUTPUT_MAX_CHARS,
  UserError,
  type RenderedReport,
  type ReportAnnotation,
} from "@ctrain/core";
import type { GitHubClient } from "../client.js";
import type { RepositoryRef } from "../context.js";
import { explainGitHubError } from "../errors.js";

function apiAnnotation(annotation: ReportAnnotation) {
  return {
    path: annotation.path,
    start_line: annotation.line,
    end_line: annotation.line,
    annotation_level: annotation.level,
    title: annotation.title,
    message: annotation.message,
  };
}

/** The check's summary: the comment without its hidden marker line, within the Checks API's limit. */
function checkSummary(report: RenderedReport): string {
  const body = report.comment.startsWith(report.marker)
    ? report.comment.slice(report.marker.length).trimStart()
    : report.comment;
  return body.length > CHECK_OUTPUT_MAX_CHARS ? `${body.slice(0, CHECK_OUTPUT_MAX_CHARS - 1)}…` : body;
}

function messageOf(error: unknown): string {
  const data = (error as { response?: { data?: { message?: string } } }).response?.data;
  return String(data?.message ?? (error as Error).message ?? "");
}

/**
 * Creates a completed check run with the verdict as its conclusion; annotations go 50 per request, the first
 * batch with the creation and the rest as updates, which GitHub appends.
 */
export async function publishCheckRun(
  client: GitHubClient,
  repository: RepositoryRef,
  options: { report: RenderedReport; headSha: string; name: string; detailsUrl?: string; forkPullRequest?: boolean },
): Promise<{ url: string; id: number; requests: number }> {
  const { report } = options;
  const batches: ReportAnnotation[][] = [];
  for (let start = 0; start < report.annotations.length; start += CHECK_ANNOTATIONS_PER_REQUEST) {
    batches.push(report.annotations.slice(start, start + CHECK_ANNOTATIONS_PER_REQUEST));
  }
  const output = (batch: ReportAnnotation[] = []) => ({
    title: report.title,
    summary: checkSummary(report),
    annotations: batch.map(apiAnnotation),
  });
  try {
    const { data } = await client.rest.checks.create({
      ...repository,
      name: options.name,
      head_sha: options.headSha,
      status: "completed",
      conclusion: report.conclusion,
      details_url: options.detailsUrl,
      output: output(batches[0]),
    });
    for (const batch of batches.slice(1)) {
      await client.rest.checks.update({ ...repository, check_run_id: data.id, output: output(batch) });
    }
    return { url: data.html_url ?? data.url, id: data.id, requests: Math.max(1, batches.length) };
  } catch (error) {
    if ((error as { status?: number }).status === 403 && /GitHub App/i.test(messageOf(error))) {
      throw new UserError("could not create the check run: only GitHub App tokens may create check runs", {
        cause: error,
        hint: "leave `github-token` at its default (the job's GITHUB_TOKEN) or use an app token, or set `check-run: false`",
      });
    }
    return explainGitHubError(error, "checkRun", "create the check run", { forkPullRequest: options.forkPullRequest });
  }
}

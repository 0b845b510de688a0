import {
  CHECK_ANNOTATIONS_PER_REQUEST,
  CHECK_OUTPUT_MAX_CHARS,
  UserError,
  type RenderedReport,
  type ReportAnnotation,
} from "@ctrain/core";
import type { GitHubClient } from "../client-timing.js";
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

/** Marks the check runs ctrain made, so a job's own check run that shares the report's name is never taken for one. */
export function checkRunExternalId(reportId: string): string {
  return `ctrain-report:${reportId}`;
}

type ApiAnnotation = ReturnType<typeof apiAnnotation>;

function annotationKey(annotation: {
  path: string;
  start_line: number;
  annotation_level: string | null;
  title?: string | null;
  message: string | null;
}): string {
  return JSON.stringify([
    annotation.path,
    annotation.start_line,
    annotation.annotation_level,
    annotation.title ?? "",
    annotation.message,
  ]);
}

/**
 * The check run an earlier attempt (a re-run, or another run of the same commit) made for this report on this
 * commit, if any: one check run per report and head commit, however often the report is posted.
 */
async function findOwnCheckRun(
  client: GitHubClient,
  repository: RepositoryRef,
  options: { name: string; headSha: string; externalId: string },
): Promise<{ id: number; annotations: number } | undefined> {
  const runs = await client.paginate(client.rest.checks.listForRef, {
    ...repository,
    ref: options.headSha,
    check_name: options.name,
    filter: "all",
    per_page: 100,
  });
  const own = runs
    .filter((run) => run.head_sha === options.headSha && run.external_id === options.externalId)
    .sort((a, b) => b.id - a.id)[0];
  return own && { id: own.id, annotations: own.output.annotations_count };
}

/**
 * GitHub appends annotations on every update and never removes one: of those the check run holds already, none is
 * sent again.
 */
async function annotationsToAdd(
  client: GitHubClient,
  repository: RepositoryRef,
  checkRun: { id: number; annotations: number },
  annotations: ApiAnnotation[],
): Promise<ApiAnnotation[]> {
  if (checkRun.annotations === 0) return annotations;
  const existing = await client.paginate(client.rest.checks.listAnnotations, {
    ...repository,
    check_run_id: checkRun.id,
    per_page: 100,
  });
  const held = new Set(existing.map(annotationKey));
  return annotations.filter((annotation) => !held.has(annotationKey(annotation)));
}

/**
 * Posts the report as a completed check run with the verdict as its conclusion: the check run this report already
 * has on the commit is updated (a re-run posts no second one), else one is created. Annotations go 50 per request,
 * the first batch with the creation or update and the rest as updates, which GitHub appends.
 */
export async function publishCheckRun(
  client: GitHubClient,
  repository: RepositoryRef,
  options: { report: RenderedReport; headSha: string; name: string; detailsUrl?: string; forkPullRequest?: boolean },
): Promise<{ url: string; id: number; requests: number; action: "created" | "updated" }> {
  const { report } = options;
  const externalId = checkRunExternalId(report.id);
  const output = (batch: ApiAnnotation[] = []) => ({
    title: report.title,
    summary: checkSummary(report),
    annotations: batch,
  });
  try {
    const existing = await findOwnCheckRun(client, repository, { ...options, externalId });
    const annotations = existing
      ? await annotationsToAdd(client, repository, existing, report.annotations.map(apiAnnotation))
      : report.annotations.map(apiAnnotation);
    const batches: ApiAnnotation[][] = [];
    for (let start = 0; start < annotations.length; start += CHECK_ANNOTATIONS_PER_REQUEST) {
      batches.push(annotations.slice(start, start + CHECK_ANNOTATIONS_PER_REQUEST));
    }
    const fields = {
      status: "completed" as const,
      conclusion: report.conclusion,
      details_url: options.detailsUrl,
      external_id: externalId,
      output: output(batches[0]),
    };
    const { data } = existing
      ? await client.rest.checks.update({ ...repository, check_run_id: existing.id, ...fields })
      : await client.rest.checks.create({ ...repository, name: options.name, head_sha: options.headSha, ...fields });
    for (const batch of batches.slice(1)) {
      await client.rest.checks.update({ ...repository, check_run_id: data.id, output: output(batch) });
    }
    return {
      url: data.html_url ?? data.url,
      id: data.id,
      requests: Math.max(1, batches.length),
      action: existing ? "updated" : "created",
    };
  } catch (error) {
    if ((error as { status?: number }).status === 403 && /GitHub App/i.test(messageOf(error))) {
      throw new UserError("could not post the check run: only GitHub App tokens may create check runs", {
        cause: error,
        hint: "leave `github-token` at its default (the job's GITHUB_TOKEN) or use an app token, or set `check-run: false`",
      });
    }
    return explainGitHubError(error, "checkRun", "post the check run", { forkPullRequest: options.forkPullRequest });
  }
}

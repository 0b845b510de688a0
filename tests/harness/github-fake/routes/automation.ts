/** Check runs, workflow runs and artifacts. */
import type {
  ArtifactRecord,
  CheckAnnotationRecord,
  CheckRunRecord,
  RepoRecord,
  WorkflowRunRecord,
} from "../records.js";
import type { RenderContext } from "../render/accounts.js";
import { artifact, checkAnnotation, checkRun, workflowRun } from "../render/automation.js";
import { paginate } from "../pagination.js";
import {
  FakeGap,
  GitHubError,
  intParam,
  json,
  notFound,
  validationFailed,
  type FakeResponse,
  type RouteRequest,
  type RouteTable,
} from "../routing.js";

interface CheckRunBody {
  name?: string;
  head_sha?: string;
  details_url?: string;
  external_id?: string;
  status?: string;
  started_at?: string;
  conclusion?: string;
  completed_at?: string;
  output?: {
    title?: string;
    summary?: string;
    text?: string;
    annotations?: CheckAnnotationRecord[];
    images?: unknown[];
  };
  actions?: unknown[];
}

/** Applies a create or update body: a conclusion completes the run, annotations are appended. */
function applyCheckRunBody(context: RenderContext, record: CheckRunRecord, body: CheckRunBody): void {
  if (body.output?.images?.length || body.actions?.length) throw new FakeGap("check run images and actions");
  if (body.name !== undefined) record.name = body.name;
  if (body.details_url !== undefined) record.detailsUrl = body.details_url;
  if (body.external_id !== undefined) record.externalId = body.external_id;
  if (body.started_at !== undefined) record.startedAt = body.started_at;
  if (body.status !== undefined) record.status = body.status;
  if (body.conclusion !== undefined) {
    record.status = "completed";
    record.conclusion = body.conclusion;
    record.completedAt = body.completed_at ?? context.state.now();
  } else if (body.status === "completed") {
    throw validationFailed(
      "CheckRun",
      "conclusion",
      "missing_field",
      "conclusion is required when status is completed",
    );
  }
  if (body.status === "in_progress" && !record.startedAt) record.startedAt = context.state.now();
  if (body.output) {
    record.output = {
      title: body.output.title ?? record.output.title,
      summary: body.output.summary ?? record.output.summary,
      text: body.output.text ?? record.output.text,
    };
    record.annotations.push(...(body.output.annotations ?? []));
  }
}

/** The Checks API takes GitHub App tokens only (GITHUB_TOKEN is one); personal access tokens are refused. */
function requireAppToken(request: RouteRequest): void {
  if (request.grant?.kind === "user") throw new GitHubError(403, "You must authenticate via a GitHub App.");
}

function checkRunOf(request: RouteRequest): CheckRunRecord {
  const record = request.repo().checkRuns.get(intParam(request, "check_run_id"));
  if (!record) throw notFound();
  return record;
}

/** `status` filters by status or by conclusion, as GitHub's runs endpoints do. */
function runMatches(run: WorkflowRunRecord, query: URLSearchParams): boolean {
  if (query.has("created")) throw new FakeGap('the "created" filter of workflow runs');
  const status = query.get("status");
  const actor = query.get("actor");
  const checkSuite = query.get("check_suite_id");
  return (
    (!status || run.status === status || run.conclusion === status) &&
    (!query.get("branch") || run.headBranch === query.get("branch")) &&
    (!query.get("event") || run.event === query.get("event")) &&
    (!query.get("head_sha") || run.headSha === query.get("head_sha")) &&
    (!actor || run.actor.login === actor) &&
    (!checkSuite || String(run.checkSuiteId) === checkSuite)
  );
}

function listRuns(request: RouteRequest, context: RenderContext, runs: WorkflowRunRecord[]): FakeResponse {
  const repo = request.repo();
  const query = request.url.searchParams;
  const newestFirst = runs
    .filter((run) => runMatches(run, query))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
  const page = paginate(newestFirst, request.url);
  const excludePulls = query.get("exclude_pull_requests") === "true";
  return json(
    200,
    {
      total_count: newestFirst.length,
      workflow_runs: page.items.map((run) => ({
        ...workflowRun(context, repo, run),
        ...(excludePulls ? { pull_requests: [] } : {}),
      })),
    },
    page.link ? { link: page.link } : undefined,
  );
}

function listArtifacts(request: RouteRequest, context: RenderContext, artifacts: ArtifactRecord[]): FakeResponse {
  const repo = request.repo();
  const name = request.url.searchParams.get("name");
  const direction = request.url.searchParams.get("direction") ?? "desc";
  const matching = artifacts
    .filter((record) => !name || record.name === name)
    .sort((a, b) => (direction === "asc" ? a.id - b.id : b.id - a.id));
  const page = paginate(matching, request.url);
  return json(
    200,
    { total_count: matching.length, artifacts: page.items.map((record) => artifact(context, repo, record)) },
    page.link ? { link: page.link } : undefined,
  );
}

function artifactOf(request: RouteRequest): { repo: RepoRecord; record: ArtifactRecord } {
  const repo = request.repo();
  const record = repo.artifacts.get(intParam(request, "artifact_id"));
  if (!record) throw notFound();
  return { repo, record };
}

export const automationRoutes: RouteTable = {
  "checks/create": {
    permission: { scopes: ["checks"], access: "write" },
    handle(request, context) {
      requireAppToken(request);
      const repo = request.repo();
      const body = request.body as CheckRunBody;
      const head = context.state.resolveCommit(repo, String(body.head_sha));
      if (!head || head.sha !== body.head_sha)
        throw validationFailed("CheckRun", "head_sha", "invalid", `No commit found for SHA: ${body.head_sha}`);
      const record: CheckRunRecord = {
        id: context.state.nextId(),
        name: String(body.name),
        headSha: head.sha,
        status: "queued",
        conclusion: null,
        startedAt: context.state.now(),
        completedAt: null,
        externalId: null,
        detailsUrl: null,
        output: { title: null, summary: null, text: null },
        annotations: [],
        checkSuiteId: context.state.nextId(),
      };
      applyCheckRunBody(context, record, body);
      repo.checkRuns.set(record.id, record);
      return json(201, checkRun(context, repo, record));
    },
  },

  "checks/update": {
    permission: { scopes: ["checks"], access: "write" },
    handle(request, context) {
      requireAppToken(request);
      const record = checkRunOf(request);
      applyCheckRunBody(context, record, request.body as CheckRunBody);
      return json(200, checkRun(context, request.repo(), record));
    },
  },

  "checks/get": {
    permission: { scopes: ["checks"], access: "read" },
    handle: (request, context) => json(200, checkRun(context, request.repo(), checkRunOf(request))),
  },

  "checks/list-annotations": {
    permission: { scopes: ["checks"], access: "read" },
    handle(request, context) {
      const repo = request.repo();
      const record = checkRunOf(request);
      const page = paginate(record.annotations, request.url);
      return json(
        200,
        page.items.map((annotation) => checkAnnotation(context, repo, record, annotation)),
        page.link ? { link: page.link } : undefined,
      );
    },
  },

  "actions/list-workflow-runs": {
    permission: { scopes: ["actions"], access: "read" },
    handle(request, context) {
      const repo = request.repo();
      const workflow = context.state.findWorkflow(repo, request.param("workflow_id"));
      if (!workflow) throw notFound();
      return listRuns(
        request,
        context,
        [...repo.runs.values()].filter((run) => run.workflowId === workflow.id),
      );
    },
  },

  "actions/list-workflow-runs-for-repo": {
    permission: { scopes: ["actions"], access: "read" },
    handle: (request, context) => listRuns(request, context, [...request.repo().runs.values()]),
  },

  "actions/get-workflow-run": {
    permission: { scopes: ["actions"], access: "read" },
    handle(request, context) {
      const repo = request.repo();
      const run = repo.runs.get(intParam(request, "run_id"));
      if (!run) throw notFound();
      const body = workflowRun(context, repo, run);
      return json(
        200,
        request.url.searchParams.get("exclude_pull_requests") === "true" ? { ...body, pull_requests: [] } : body,
      );
    },
  },

  "actions/list-workflow-run-artifacts": {
    permission: { scopes: ["actions"], access: "read" },
    handle(request, context) {
      const repo = request.repo();
      const runId = intParam(request, "run_id");
      if (!repo.runs.has(runId)) throw notFound();
      return listArtifacts(
        request,
        context,
        [...repo.artifacts.values()].filter((record) => record.runId === runId),
      );
    },
  },

  "actions/list-artifacts-for-repo": {
    permission: { scopes: ["actions"], access: "read" },
    handle: (request, context) => listArtifacts(request, context, [...request.repo().artifacts.values()]),
  },

  "actions/get-artifact": {
    permission: { scopes: ["actions"], access: "read" },
    handle(request, context) {
      const { repo, record } = artifactOf(request);
      return json(200, artifact(context, repo, record));
    },
  },

  "actions/download-artifact": {
    permission: { scopes: ["actions"], access: "read" },
    handle(request, context) {
      const { record } = artifactOf(request);
      if (request.param("archive_format") !== "zip") throw notFound();
      if (context.state.isExpired(record)) throw new GitHubError(410, "Artifact has expired");
      // GitHub redirects to storage with a URL that lives one minute.
      return { status: 302, headers: { location: context.downloadUrl(`artifacts/${record.id}`, 60) } };
    },
  },

  "actions/delete-artifact": {
    permission: { scopes: ["actions"], access: "write" },
    handle(request) {
      const { repo, record } = artifactOf(request);
      repo.artifacts.delete(record.id);
      return { status: 204 };
    },
  },
};

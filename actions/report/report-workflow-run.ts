import { basename, join } from "node:path";
import { tmpdir } from "node:os";
import * as core from "@actions/core";
import {
  bundleArtifactName,
  downloadReportBundle,
  findPullRequestOfRun,
  readTriggeringRun,
  type GitHubClient,
  type RunContext,
} from "@ctrain/github";
import { loadReportInput } from "@ctrain/report";
import { deliverReport, renderOptions } from "./deliver.js";
import { trendHistory } from "./history.js";
import type { ReportSettings } from "./settings.js";

/**
 * Posts the report a fork's pull_request run uploaded. This job runs the default branch's code with a write
 * token, so the artifact is hostile input: size-checked, its tree inspected, each document schema-validated, and
 * the report rendered afresh from the documents; the pull request is found from GitHub's own record of the run.
 */
export async function reportTriggeringRun(options: {
  context: RunContext;
  settings: ReportSettings;
  client: GitHubClient;
  token: string;
}): Promise<void> {
  const { context, settings, client, token } = options;
  const run = readTriggeringRun(context);
  const dest = join(process.env.RUNNER_TEMP || tmpdir(), `ctrain-report-of-run-${run.id}`);
  const downloaded = await downloadReportBundle({
    client,
    token,
    repository: context.repository,
    run,
    id: settings.report.id,
    dest,
  });
  if (!downloaded) {
    core.notice(
      `run ${run.id} uploaded no ${bundleArtifactName("report", settings.report.id)} artifact: nothing to report ` +
        "(the run stopped before its report step, or reports under another `id`)",
    );
    core.setOutput("verdict", "");
    return;
  }
  const input = loadReportInput(dest, { untrusted: true });
  const pullRequest = await findPullRequestOfRun(client, context.repository, run);
  if (pullRequest === undefined) {
    core.notice(`no open pull request has commit ${run.head_sha} at its head: the report goes to the check run only`);
  }
  input.history = await trendHistory({
    context,
    settings,
    client,
    token,
    input,
    workflow: settings.workflow ?? (run.path ? basename(run.path) : undefined),
  });
  const { owner, repo } = context.repository;
  await deliverReport({
    input,
    render: {
      ...renderOptions(context, settings),
      runUrl: run.html_url,
      artifact: {
        name: bundleArtifactName("report", settings.report.id),
        url: `${context.serverUrl}/${owner}/${repo}/actions/runs/${run.id}/artifacts/${downloaded.artifactId}`,
      },
    },
    filesDir: dest,
    sink: {
      client,
      repository: context.repository,
      pullRequest,
      headSha: run.head_sha,
      comment: settings.report.comment,
      commitComment: false,
      checkRun: settings.report["check-run"],
      commentAuthor: settings.commentAuthor,
      detailsUrl: run.html_url,
    },
  });
}

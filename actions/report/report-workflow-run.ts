import { basename } from "node:path";
import * as core from "@actions/core";
import {
  bundleArtifactName,
  downloadReportBundle,
  findPullRequestOfRun,
  readTriggeringRun,
  runnerTemp,
  type GitHubClient,
  type RunContext,
} from "@ctrain/github";
import { loadReportInput } from "@ctrain/report";
import { deliverReport } from "./deliver.js";
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
  const dest = runnerTemp(`ctrain-report-of-run-${run.id}`);
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
  // A hostile bundle is refused before anything is looked up for it; the report step reads it again as it renders.
  loadReportInput(dest, { untrusted: true });
  const pullRequest = await findPullRequestOfRun(client, context.repository, run);
  if (pullRequest === undefined) {
    core.notice(`no open pull request has commit ${run.head_sha} at its head: the report goes to the check run only`);
  }
  const { owner, repo } = context.repository;
  await deliverReport({
    context,
    settings,
    bundleDir: dest,
    untrusted: true,
    trend: trendHistory({ ...options, workflow: settings.workflow ?? (run.path ? basename(run.path) : undefined) }),
    render: {
      runUrl: run.html_url,
      artifact: {
        name: bundleArtifactName("report", settings.report.id),
        url: `${context.serverUrl}/${owner}/${repo}/actions/runs/${run.id}/artifacts/${downloaded.artifactId}`,
      },
    },
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

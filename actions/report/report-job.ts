import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import * as core from "@actions/core";
import { BUNDLE_DOCUMENTS, describeError } from "@ctrain/core";
import {
  actionLog,
  bundleArtifactName,
  uploadBundleArtifact,
  type GitHubClient,
  type RunContext,
} from "@ctrain/github";
import { LocalReportSink } from "@ctrain/local";
import {
  loadReportEvaluation,
  loadReportInput,
  renderReport,
  type ReportInput,
  type ReportOptions,
} from "@ctrain/report";
import { deliverReport, renderOptions, writeReportSummary } from "./deliver.js";
import { forkWorkflowAdvice } from "./fork-advice.js";
import { trendHistory } from "./history.js";
import type { ReportSettings } from "./settings.js";

/**
 * The report bundle a `workflow_run` job posts from: the documents (which it re-renders; it never trusts rendered
 * markdown) and the rendered files for people who download it.
 */
async function uploadReportBundle(
  settings: ReportSettings,
  input: ReportInput,
  render: ReportOptions,
): Promise<number | undefined> {
  const name = bundleArtifactName("report", settings.report.id);
  const staging = join(process.env.RUNNER_TEMP || tmpdir(), name);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  for (const { file } of Object.values(BUNDLE_DOCUMENTS)) {
    if (existsSync(join(settings.bundleDir, file))) copyFileSync(join(settings.bundleDir, file), join(staging, file));
  }
  await new LocalReportSink(staging).publish(renderReport(input, render));
  // On a re-run this replaces the artifact an earlier attempt of the run uploaded.
  const { id } = await uploadBundleArtifact({ dir: staging, name });
  actionLog.info(`uploaded the report bundle as the ${name} artifact`);
  return id;
}

/** Reports the bundle this job produced: on pull requests (a fork's too), pushes, schedules. */
export async function reportThisJob(options: {
  context: RunContext;
  settings: ReportSettings;
  client: GitHubClient;
  token: string;
}): Promise<void> {
  const { context, settings, client, token } = options;
  const input = loadReportInput(settings.bundleDir);
  input.evaluation = await loadReportEvaluation(settings.bundleDir, settings.compare);
  input.history = await trendHistory({ context, settings, client, token, input, workflow: settings.workflow });
  const artifactName = bundleArtifactName("report", settings.report.id);
  const render: ReportOptions = { ...renderOptions(context, settings), runUrl: context.runUrl };
  const fork = context.pullRequest?.isFork ?? false;

  // The summary goes first, so that whatever fails later (the upload, GitHub) leaves the report in the job.
  await writeReportSummary(
    renderReport(input, settings.upload ? { ...render, artifact: { name: artifactName } } : render),
  );
  if (settings.upload) {
    try {
      const artifactId = await uploadReportBundle(settings, input, { ...render, artifact: { name: artifactName } });
      const { owner, repo } = context.repository;
      const url =
        artifactId && context.runId
          ? `${context.serverUrl}/${owner}/${repo}/actions/runs/${context.runId}/artifacts/${artifactId}`
          : undefined;
      render.artifact = { name: artifactName, url };
    } catch (error) {
      core.warning(
        `the report is in the job summary, but uploading it as the ${artifactName} artifact failed: ${describeError(error)}`,
        { title: "ctrain report: upload failed" },
      );
    }
  }
  const wantsToPost = settings.report.comment !== "off" || settings.report["check-run"];
  if (fork && wantsToPost) {
    if (!settings.upload)
      core.warning("`upload: false` leaves a workflow_run job nothing to post for this fork pull request");
    core.notice(forkWorkflowAdvice(context, settings.report.id, artifactName), {
      title: "ctrain report: fork pull request",
    });
  }
  await deliverReport({
    input,
    render,
    filesDir: settings.bundleDir,
    summaryWritten: true,
    sink: {
      client,
      repository: context.repository,
      pullRequest: context.pullRequest?.number,
      headSha: context.pullRequest?.headSha ?? context.sha,
      comment: fork ? "off" : settings.report.comment,
      commitComment: settings.report["commit-comment"] && context.eventName === "push",
      checkRun: !fork && settings.report["check-run"],
      commentAuthor: settings.commentAuthor,
      detailsUrl: context.runUrl,
      forkPullRequest: fork,
    },
  });
}

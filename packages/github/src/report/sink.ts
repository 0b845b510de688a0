import * as core from "@actions/core";
import { UserError, isUserError, type PublishedReport, type RenderedReport, type ReportSink } from "@ctrain/core";
import type { GitHubClient } from "../client-timing.js";
import type { RepositoryRef } from "../context.js";
import { explainGitHubError } from "../errors.js";
import { publishCheckRun } from "./check-run.js";
import { commitThread, pullRequestHead, pullRequestThread, upsertComment, withHeadMarker } from "./comment-thread.js";
import { commentAuthorOf } from "./identity.js";
import { inertLog } from "../log.js";

export interface GitHubReportSinkOptions {
  client: GitHubClient;
  repository: RepositoryRef;
  /** The pull request to comment on; absent on push, schedule and other events. */
  pullRequest?: number;
  /** The commit the check run (and a commit comment) belongs to. */
  headSha: string;
  comment: "sticky" | "new" | "off";
  /** Without a pull request, comment on the commit instead. */
  commitComment: boolean;
  checkRun: boolean;
  /** Login matched when the token cannot say who it is (installation tokens). */
  commentAuthor?: string;
  /** Links the check run to the workflow run. */
  detailsUrl?: string;
  forkPullRequest?: boolean;
  /** Appends to the job summary; `core.summary` by default. */
  writeSummary?: (markdown: string) => Promise<void>;
  log?: (line: string) => void;
}

const writeJobSummary = async (markdown: string): Promise<void> => {
  await core.summary.addRaw(markdown, true).write();
};

/** Publishes a report where GitHub users look: the job summary, a PR (or commit) comment and a check run. */
export class GitHubReportSink implements ReportSink {
  constructor(private readonly options: GitHubReportSinkOptions) {}

  async publish(report: RenderedReport): Promise<PublishedReport> {
    const { client, repository } = this.options;
    const log = inertLog(this.options.log);
    const locations: PublishedReport["locations"] = [];
    // A surface the token may not write must not cost the others: each is tried, and what failed is said at the end.
    const failures: UserError[] = [];
    const attempt = async (surface: () => Promise<void>): Promise<void> => {
      try {
        await surface();
      } catch (error) {
        if (!isUserError(error)) throw error;
        failures.push(error);
      }
    };
    await (this.options.writeSummary ?? writeJobSummary)(report.summary);
    locations.push({ surface: "summary", location: "job summary" });

    const thread =
      this.options.pullRequest !== undefined
        ? this.options.comment !== "off" && pullRequestThread(client, repository, this.options.pullRequest)
        : this.options.commitComment && commitThread(client, repository, this.options.headSha);
    if (thread) {
      const where =
        this.options.pullRequest !== undefined
          ? `pull request #${this.options.pullRequest}`
          : `commit ${this.options.headSha.slice(0, 7)}`;
      const operation = this.options.pullRequest !== undefined ? "comment" : "commitComment";
      await attempt(async () => {
        try {
          const author = await commentAuthorOf(client, this.options.commentAuthor);
          const { headSha, pullRequest } = this.options;
          const result = await upsertComment(thread, {
            body: withHeadMarker(report.comment, headSha),
            marker: report.marker,
            author,
            sticky: this.options.comment !== "new",
            headSha,
            currentHead: pullRequest === undefined ? undefined : () => pullRequestHead(client, repository, pullRequest),
          });
          if (result.action === "kept") {
            log(
              `left the report comment on ${where} as it is (${result.url}): it reports ` +
                `${result.reportedHead?.slice(0, 7) ?? "another commit"}, and this run's commit ${headSha.slice(0, 7)} ` +
                `is no longer the pull request's head (${result.currentHead.slice(0, 7)})`,
            );
          } else {
            log(`${result.action} the report comment on ${where}: ${result.url}`);
          }
          locations.push({ surface: "comment", location: result.url });
        } catch (error) {
          explainGitHubError(error, operation, `comment on ${where}`, {
            forkPullRequest: this.options.forkPullRequest,
          });
        }
      });
    }

    if (this.options.checkRun) {
      await attempt(async () => {
        const { url, requests, action } = await publishCheckRun(client, repository, {
          report,
          headSha: this.options.headSha,
          name: report.id === "ctrain" ? "ctrain" : `ctrain (${report.id})`,
          detailsUrl: this.options.detailsUrl,
          forkPullRequest: this.options.forkPullRequest,
        });
        log(`${action} the check run with ${report.annotations.length} annotations in ${requests} requests: ${url}`);
        locations.push({ surface: "check-run", location: url });
      });
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) {
      throw new UserError(failures.map((failure) => failure.message).join("; and "), {
        hint: failures
          .map((failure) => failure.hint)
          .filter(Boolean)
          .join("; "),
      });
    }
    return { locations };
  }
}

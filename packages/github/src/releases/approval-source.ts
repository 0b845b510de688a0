import { UserError, type ApprovalSource, type PullRequestFacts, type ReviewFacts } from "@ctrain/core";
import type { GitHubClient } from "../client.js";
import type { RepositoryRef } from "../context.js";
import { explainGitHubError } from "../errors.js";

const WRITE_ROLES = new Set(["admin", "maintain", "write"]);

/** Reading pull requests and reviews needs a permission the publish job may not have granted. */
function explainReadError(error: unknown, what: string): never {
  if ((error as { status?: number }).status === 403) {
    throw new UserError(`could not ${what}: the token lacks a permission`, {
      cause: error,
      hint: "add `pull-requests: read` to the job's `permissions:` (the approval policy reads the pull request)",
    });
  }
  explainGitHubError(error, "readContents", what);
}

/** Approvals as GitHub records them: the pull request behind a commit, its reviews, and reviewers' permissions. */
export class GitHubApprovalSource implements ApprovalSource {
  constructor(
    private readonly client: GitHubClient,
    private readonly repository: RepositoryRef,
  ) {}

  async pullRequestForCommit(commit: string): Promise<PullRequestFacts | undefined> {
    let pulls;
    try {
      pulls = await this.client.paginate(this.client.rest.repos.listPullRequestsAssociatedWithCommit, {
        ...this.repository,
        commit_sha: commit,
        per_page: 100,
      });
    } catch (error) {
      explainReadError(error, `find the pull request of commit ${commit.slice(0, 12)}`);
    }
    // The merge (or squash) commit of a merged pull request, else an open one whose head is this commit.
    const pull =
      pulls.find((candidate) => candidate.merged_at && candidate.merge_commit_sha === commit) ??
      pulls.find((candidate) => candidate.head.sha === commit) ??
      pulls.find((candidate) => candidate.merged_at);
    if (!pull) return undefined;
    return {
      number: pull.number,
      url: pull.html_url,
      headSha: pull.head.sha,
      labels: pull.labels.map((label) => label.name),
      merged: Boolean(pull.merged_at),
    };
  }

  async reviews(pullRequest: number): Promise<ReviewFacts[]> {
    try {
      const reviews = await this.client.paginate(this.client.rest.pulls.listReviews, {
        ...this.repository,
        pull_number: pullRequest,
        per_page: 100,
      });
      return reviews.flatMap((review) =>
        review.user && review.commit_id
          ? [
              {
                reviewer: review.user.login,
                state: review.state as ReviewFacts["state"],
                commitId: review.commit_id,
                submittedAt: review.submitted_at,
              },
            ]
          : [],
      );
    } catch (error) {
      explainReadError(error, `read the reviews of pull request #${pullRequest}`);
    }
  }

  async hasWriteAccess(login: string): Promise<boolean> {
    try {
      const { data } = await this.client.rest.repos.getCollaboratorPermissionLevel({
        ...this.repository,
        username: login,
      });
      return (
        WRITE_ROLES.has(data.permission) || WRITE_ROLES.has(data.role_name) || Boolean(data.user?.permissions?.push)
      );
    } catch (error) {
      if ((error as { status?: number }).status === 404) return false;
      explainReadError(error, `read the permission of ${login}`);
    }
  }
}

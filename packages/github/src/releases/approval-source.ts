import {
  UserError,
  type ApprovalSource,
  type DeploymentReviewFacts,
  type EnvironmentFacts,
  type PullRequestFacts,
  type ReviewFacts,
} from "@ctrain/core";
import type { GitHubClient } from "../client-timing.js";
import { readRunContext, type RepositoryRef } from "../context.js";
import { explainGitHubError } from "../errors.js";

const WRITE_ROLES = new Set(["admin", "maintain", "write"]);

/** Reading pull requests, reviews and deployment reviews needs a permission the publish job may not have granted. */
function explainReadError(error: unknown, what: string, permission = "pull-requests: read"): never {
  if ((error as { status?: number }).status === 403) {
    throw new UserError(`could not ${what}: the token lacks a permission`, {
      cause: error,
      hint: `add \`${permission}\` to the job's \`permissions:\` (the approval policy reads it)`,
    });
  }
  explainGitHubError(error, "readContents", what);
}

/** The workflow run the publish step belongs to, as the runner describes it. */
export interface PublishingRun {
  /** Undefined outside a workflow run. */
  id?: number;
  serverUrl: string;
}

function currentRun(): PublishingRun {
  const context = readRunContext();
  return { id: context.runId, serverUrl: context.serverUrl };
}

/**
 * Approvals as GitHub records them: the pull request behind a commit, its reviews, and reviewers' permissions; the
 * deployment reviews of this workflow run and the protection of its environments.
 */
export class GitHubApprovalSource implements ApprovalSource {
  readonly environmentSettingsUrl: string;

  constructor(
    private readonly client: GitHubClient,
    private readonly repository: RepositoryRef,
    private readonly run: PublishingRun = currentRun(),
  ) {
    this.environmentSettingsUrl = `${run.serverUrl}/${repository.owner}/${repository.repo}/settings/environments`;
  }

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

  async deploymentReviews(): Promise<DeploymentReviewFacts[]> {
    const runId = this.run.id;
    if (runId === undefined) {
      throw new UserError("cannot check the environment's approval: GITHUB_RUN_ID is not set", {
        hint: "approval: environment applies to a publish step inside a GitHub Actions job",
      });
    }
    try {
      const { data } = await this.client.rest.actions.getReviewsForRun({ ...this.repository, run_id: runId });
      return data.map((review) => ({
        environments: review.environments.flatMap((environment) => (environment.name ? [environment.name] : [])),
        state: review.state,
        reviewer: review.user.login,
      }));
    } catch (error) {
      explainReadError(error, `read the deployment reviews of run ${runId}`, "actions: read");
    }
  }

  async environment(name: string): Promise<EnvironmentFacts | undefined> {
    try {
      const { data } = await this.client.rest.repos.getEnvironment({ ...this.repository, environment_name: name });
      const requiredReviewers = (data.protection_rules ?? []).flatMap((rule) =>
        "reviewers" in rule && rule.type === "required_reviewers"
          ? (rule.reviewers ?? []).flatMap(({ reviewer }) =>
              reviewer && "login" in reviewer
                ? [reviewer.login]
                : reviewer && "slug" in reviewer
                  ? [reviewer.slug]
                  : [],
            )
          : [],
      );
      return { name: data.name, requiredReviewers };
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      explainReadError(error, `read the environment ${JSON.stringify(name)}`, "actions: read");
    }
  }
}

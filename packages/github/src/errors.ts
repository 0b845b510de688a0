import { UserError } from "@ctrain/core";

/** The `permissions:` line a job needs for each kind of call ctrain makes. */
export const REQUIRED_PERMISSION = {
  comment: "pull-requests: write",
  commitComment: "contents: write",
  checkRun: "checks: write",
  readRuns: "actions: read",
  release: "contents: write",
  readContents: "contents: read",
  attest: "id-token: write` and `attestations: write",
} as const;
export type GitHubOperation = keyof typeof REQUIRED_PERMISSION;

interface RequestErrorLike {
  status?: number;
  message?: string;
  response?: { data?: unknown; headers?: Record<string, string | undefined> };
}

function isRequestError(error: unknown): error is RequestErrorLike {
  return typeof error === "object" && error !== null && typeof (error as RequestErrorLike).status === "number";
}

/**
 * Turns a GitHub API failure into advice: "Resource not accessible by integration" tells users nothing, the
 * `permissions:` line it needs does. Anything unexpected is rethrown untouched.
 */
export function explainGitHubError(
  error: unknown,
  operation: GitHubOperation,
  what: string,
  options: { forkPullRequest?: boolean } = {},
): never {
  if (!isRequestError(error)) throw error;
  const message = String((error.response?.data as { message?: string } | undefined)?.message ?? error.message ?? "");
  const permission = REQUIRED_PERMISSION[operation];
  if (error.status === 403 && options.forkPullRequest) {
    throw new UserError(`could not ${what}: this pull request comes from a fork, whose GITHUB_TOKEN is read-only`, {
      cause: error,
      hint:
        "use the fork-safe pattern: let the pull_request job upload the report bundle (comment: off) and post it from a " +
        "`workflow_run` workflow with `permissions: pull-requests: write` (see docs/forks.md)",
    });
  }
  if (error.status === 403 && /not accessible by integration|permission/i.test(message)) {
    throw new UserError(`could not ${what}: the token lacks a permission (GitHub said: ${message})`, {
      cause: error,
      hint: `add \`permissions:\` with \`${permission}\` to the job (or the workflow) that runs this step`,
    });
  }
  if (error.status === 401) {
    throw new UserError(`could not ${what}: GitHub rejected the token (${message || "Bad credentials"})`, {
      cause: error,
      hint: "pass a valid token in the `github-token` input (the default is the job's GITHUB_TOKEN)",
    });
  }
  if (error.status === 404) {
    throw new UserError(`could not ${what}: GitHub answered 404 (${message || "Not Found"})`, {
      cause: error,
      hint: `check the repository and that the token can see it; a token without \`${permission}\` may also get 404`,
    });
  }
  throw error;
}

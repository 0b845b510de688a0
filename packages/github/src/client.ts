import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";

const GitHubClient = Octokit.plugin(retry, throttling);
export type GitHubClient = InstanceType<typeof GitHubClient>;

/** How many times a rate-limited request is retried before the error reaches the user. */
const RATE_LIMIT_RETRIES = 3;

/** An Octokit that retries server errors and waits out primary and secondary rate limits. */
export function createGitHubClient(options: {
  token: string;
  baseUrl?: string;
  log?: (line: string) => void;
}): GitHubClient {
  const log = options.log ?? (() => undefined);
  return new GitHubClient({
    auth: options.token,
    baseUrl: options.baseUrl ?? process.env.GITHUB_API_URL ?? "https://api.github.com",
    userAgent: "ctrain",
    log: { debug: () => undefined, info: () => undefined, warn: log, error: log },
    retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 451] },
    throttle: {
      onRateLimit: (retryAfter, request, _octokit, retryCount) => {
        log(`GitHub rate limit hit for ${request.method} ${request.url}; retrying in ${retryAfter}s`);
        return retryCount < RATE_LIMIT_RETRIES;
      },
      onSecondaryRateLimit: (retryAfter, request, _octokit, retryCount) => {
        log(`GitHub secondary rate limit hit for ${request.method} ${request.url}; retrying in ${retryAfter}s`);
        return retryCount < RATE_LIMIT_RETRIES;
      },
    },
  });
}

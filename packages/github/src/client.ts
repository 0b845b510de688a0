import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import Bottleneck from "bottleneck";
import { inertLog } from "./log.js";

const GitHubClient = Octokit.plugin(retry, throttling);
export type GitHubClient = InstanceType<typeof GitHubClient>;

/** How many times a rate-limited request is retried before the error reaches the user. */
const RATE_LIMIT_RETRIES = 3;

function isLoopback(url: string): boolean {
  try {
    return ["127.0.0.1", "localhost", "[::1]"].includes(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** An Octokit that retries server errors and waits out primary and secondary rate limits. */
export function createGitHubClient(options: {
  token: string;
  baseUrl?: string;
  log?: (line: string) => void;
}): GitHubClient {
  const log = inertLog(options.log);
  const baseUrl = options.baseUrl ?? process.env.GITHUB_API_URL ?? "https://api.github.com";
  // GitHub asks for writes a second apart (secondary limits); a loopback API is a local stand-in without them.
  const unspaced = isLoopback(baseUrl)
    ? {
        write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
        notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
      }
    : {};
  return new GitHubClient({
    auth: options.token,
    baseUrl,
    userAgent: "ctrain",
    log: { debug: () => undefined, info: () => undefined, warn: log, error: log },
    retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 451] },
    throttle: {
      ...unspaced,
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

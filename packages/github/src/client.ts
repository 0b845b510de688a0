import * as core from "@actions/core";
import { getOctokit } from "@actions/github";
import { defaults as toolkitDefaults } from "@actions/github/lib/utils";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import Bottleneck from "bottleneck";
import { UserError } from "@ctrain/core";
import { faultOf, RequestTimeoutError } from "./errors.js";
import { inertLog } from "./log.js";

export type GitHubClient = ReturnType<typeof getOctokit>;

/** How many times a rate-limited request is retried before the error reaches the user. */
const RATE_LIMIT_RETRIES = 3;
/** The longest ctrain waits out one rate limit; past it the step fails saying when to re-run. */
export const RATE_LIMIT_MAX_WAIT_SECONDS = 60;
/** How long a request may wait for GitHub's answer (its headers) before it counts as failed and is retried. */
const REQUEST_TIMEOUT_MS = 60_000;
/** A request body adds time at this rate (1 MiB/s), so a large asset upload is not cut off while it is sent. */
const UPLOAD_BYTES_PER_MS = 1024 ** 2 / 1000;

/** How the client paces itself; the defaults are GitHub's, the environment may shorten them (the test harness does). */
export interface GitHubClientTiming {
  /** Milliseconds a request may wait for its answer (plus time for its body). */
  timeoutMs: number;
  /** Milliseconds one second of backoff or `retry-after` lasts: 1000 on GitHub. */
  retryUnitMs: number;
  /** Milliseconds between writes; undefined keeps the throttling plugin's spacing (1 s, 3 s for notifications). */
  writeSpacingMs?: number;
}

function nonNegative(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}

/**
 * `CTRAIN_GITHUB_TIMEOUT_MS`, `CTRAIN_GITHUB_RETRY_UNIT_MS` and `CTRAIN_GITHUB_WRITE_SPACING_MS` override the
 * timing; unset, the client keeps GitHub's pace.
 */
export function clientTimingFromEnv(env: NodeJS.ProcessEnv = process.env): GitHubClientTiming {
  return {
    timeoutMs: nonNegative(env.CTRAIN_GITHUB_TIMEOUT_MS) ?? REQUEST_TIMEOUT_MS,
    retryUnitMs: nonNegative(env.CTRAIN_GITHUB_RETRY_UNIT_MS) ?? 1000,
    writeSpacingMs: nonNegative(env.CTRAIN_GITHUB_WRITE_SPACING_MS),
  };
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = (headers as Record<string, unknown> | undefined)?.[name];
  return value === undefined ? undefined : String(value);
}

/**
 * The toolkit's fetch (which honours HTTPS_PROXY and NO_PROXY) with a deadline for the answer: an API that accepts
 * the connection and never answers would otherwise hold the step for undici's 300 s per attempt. The deadline stops
 * once the headers arrive; a stalled body is left to undici's idle timeout.
 */
function fetchWithDeadline(fetchImpl: typeof fetch, timeoutMs: number): typeof fetch {
  return async (input, init = {}) => {
    const bodyBytes = Number(headerValue(init.headers, "content-length") ?? 0) || 0;
    const limitMs = Math.ceil(timeoutMs + bodyBytes / UPLOAD_BYTES_PER_MS);
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new RequestTimeoutError(limitMs)), limitMs);
    const signal = init.signal ? AbortSignal.any([init.signal, deadline.signal]) : deadline.signal;
    try {
      return await fetchImpl(input, { ...init, signal });
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * GitHub's REST client for the actions: the toolkit's `getOctokit` (GITHUB_API_URL, proxies, the runner's user
 * agent) with retries of server errors and waits for rate limits, both bounded. Whatever still fails because of
 * GitHub or the token (5xx, network errors, timeouts, 401, rate limits) reaches the caller as a `GitHubFault`, a
 * user error that says what to do. Octokit's own request log goes to the debug log.
 */
export function createGitHubClient(options: {
  token: string;
  baseUrl?: string;
  log?: (line: string) => void;
  timing?: GitHubClientTiming;
}): GitHubClient {
  // Without this, octokit throws a bare error that reads as a crash of ctrain.
  if (!options.token)
    throw new UserError("no GitHub token: the `github-token` input is empty and GITHUB_TOKEN is not set", {
      hint: "leave `github-token` at its default (the job's GITHUB_TOKEN) or pass `github-token: ${{ secrets.<NAME> }}`",
    });
  const log = inertLog(options.log);
  const timing = options.timing ?? clientTimingFromEnv();
  const spacing = timing.writeSpacingMs;
  const spaced =
    spacing === undefined
      ? {}
      : {
          write: new Bottleneck.Group({ maxConcurrent: 1, minTime: spacing }),
          notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: spacing }),
        };
  const waitFor =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      if (retryAfter > RATE_LIMIT_MAX_WAIT_SECONDS || retryCount >= RATE_LIMIT_RETRIES) return false;
      log(`GitHub ${kind} hit for ${request.method} ${request.url}; retrying in ${retryAfter}s`);
      return true;
    };
  const debug = (message: string) => core.debug(message);
  // The toolkit's fetch goes through the proxy that HTTPS_PROXY names, unless NO_PROXY exempts the API's host.
  const toolkitFetch = (toolkitDefaults.request?.fetch as typeof fetch | undefined) ?? fetch;
  const client = getOctokit(
    options.token,
    {
      ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
      userAgent: "ctrain",
      log: { debug, info: debug, warn: debug, error: debug },
      request: {
        ...toolkitDefaults.request,
        fetch: fetchWithDeadline(toolkitFetch, timing.timeoutMs),
      },
      // 429 is a rate limit: the throttling plugin waits it out as GitHub asks, instead of a blind backoff.
      retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451], retryAfterBaseValue: timing.retryUnitMs },
      throttle: {
        ...spaced,
        retryAfterBaseValue: timing.retryUnitMs,
        onRateLimit: waitFor("rate limit"),
        onSecondaryRateLimit: waitFor("secondary rate limit"),
      },
    },
    retry,
    throttling,
  );
  // Registered last, so it sees each request's final outcome, after retries and rate-limit waits.
  client.hook.error("request", (error) => {
    throw faultOf(error) ?? error;
  });
  return client;
}

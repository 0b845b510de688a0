// The octokit stack (octokit, its plugins, bottleneck) is loaded with this module, on a client's first request:
// `client.ts` defers to it, so an action that stops before calling GitHub never compiles them.
import * as core from "@actions/core";
import { getOctokit } from "@actions/github";
import { defaults as toolkitDefaults } from "@actions/github/lib/utils";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import Bottleneck from "bottleneck";
import {
  clientTimingFromEnv,
  RATE_LIMIT_MAX_WAIT_SECONDS,
  type GitHubClient,
  type GitHubClientOptions,
} from "./client-timing.js";
import { faultOf, RequestTimeoutError } from "./errors.js";
import { inertLog } from "./log.js";

/** How many times a rate-limited request is retried before the error reaches the user. */
const RATE_LIMIT_RETRIES = 3;
/** A request body adds time at this rate (1 MiB/s), so a large asset upload is not cut off while it is sent. */
const UPLOAD_BYTES_PER_MS = 1024 ** 2 / 1000;

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

/** The client `createGitHubClient` describes, built when its first request is made. */
export function buildOctokit(options: GitHubClientOptions): GitHubClient {
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

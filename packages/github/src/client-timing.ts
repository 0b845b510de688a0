// What the client and the octokit stack it loads on first use share: kept apart so neither imports the other.
import type { getOctokit } from "@actions/github";

export type GitHubClient = ReturnType<typeof getOctokit>;

/** The longest ctrain waits out one rate limit; past it the step fails saying when to re-run. */
export const RATE_LIMIT_MAX_WAIT_SECONDS = 60;
/** How long a request may wait for GitHub's answer (its headers) before it counts as failed and is retried. */
const REQUEST_TIMEOUT_MS = 60_000;

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

export interface GitHubClientOptions {
  token: string;
  baseUrl?: string;
  log?: (line: string) => void;
  timing?: GitHubClientTiming;
}

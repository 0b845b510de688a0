/**
 * The GitHub client's pace against the fakes: no spacing between writes (GitHub asks for a second), a second of
 * backoff or `retry-after` lasting 10 ms, and 5 s for an answer. Production keeps GitHub's pace; `runAction` sets
 * the environment form for the action, in-process clients take the object.
 */
import type { GitHubClientTiming } from "@ctrain/github";

export const FAST_CLIENT_TIMING: GitHubClientTiming = { timeoutMs: 5000, retryUnitMs: 10, writeSpacingMs: 0 };

export const FAST_CLIENT_ENV: Record<string, string> = {
  CTRAIN_GITHUB_TIMEOUT_MS: String(FAST_CLIENT_TIMING.timeoutMs),
  CTRAIN_GITHUB_RETRY_UNIT_MS: String(FAST_CLIENT_TIMING.retryUnitMs),
  CTRAIN_GITHUB_WRITE_SPACING_MS: String(FAST_CLIENT_TIMING.writeSpacingMs),
};

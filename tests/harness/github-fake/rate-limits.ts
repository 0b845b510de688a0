/**
 * GitHub's rate limits as the fake applies them: an hourly budget per token with `x-ratelimit-*` headers on every
 * answer, and the answers GitHub gives past a limit (which injected faults reuse).
 */
import type { Fault } from "../faults.js";
import { GITHUB_DOCS, type FakeResponse } from "./routing.js";
import type { TokenGrant } from "./tokens.js";

/** A rate limit the next requests run into: GitHub's primary limit (remaining 0) or a secondary one (Retry-After). */
export interface RateLimitFailure {
  kind: "primary" | "secondary";
  status?: 403 | 429;
}

/** The fault that stands for a rate-limit failure. */
export function rateLimitFault(failure: RateLimitFailure): Fault {
  return failure.kind === "primary"
    ? { kind: "rate-limit", status: failure.status }
    : { kind: "secondary-rate-limit", status: failure.status };
}

interface RateWindow {
  limit: number;
  used: number;
  resetAt: number;
}

const HOUR_SECONDS = 3600;

export class RateLimiter {
  private readonly windows = new Map<string, RateWindow>();

  /** Counts a request against the caller's budget; answers with a rate limit when one applies. */
  take(key: string, grant: TokenGrant | undefined): FakeResponse | undefined {
    const window = this.window(key, grant);
    if (window.used >= window.limit)
      return rateLimited({ kind: "rate-limit", resetInSeconds: window.resetAt - Math.floor(Date.now() / 1000) });
    window.used += 1;
    return undefined;
  }

  headers(key: string, grant: TokenGrant | undefined): Record<string, string> {
    const window = this.window(key, grant);
    return {
      "x-ratelimit-limit": String(window.limit),
      "x-ratelimit-remaining": String(Math.max(0, window.limit - window.used)),
      "x-ratelimit-reset": String(window.resetAt),
      "x-ratelimit-used": String(window.used),
      "x-ratelimit-resource": "core",
    };
  }

  /** GitHub's hourly budgets: 1,000 requests for GITHUB_TOKEN, 5,000 for a user, 60 for anonymous callers. */
  private window(key: string, grant: TokenGrant | undefined): RateWindow {
    const now = Math.floor(Date.now() / 1000);
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      const limit = grant?.kind === "installation" ? 1000 : grant ? 5000 : 60;
      window = { limit, used: 0, resetAt: now + HOUR_SECONDS };
      this.windows.set(key, window);
    }
    return window;
  }
}

/** GitHub's answer past a rate limit: 403 (or 429) with `retry-after`, or with `x-ratelimit-remaining: 0`. */
export function rateLimited(failure: Extract<Fault, { kind: "rate-limit" | "secondary-rate-limit" }>): FakeResponse {
  const status = failure.status ?? 403;
  if (failure.kind === "secondary-rate-limit") {
    return {
      status,
      headers: { "retry-after": String(failure.retryAfter ?? 1) },
      body: {
        message:
          "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
        documentation_url: `${GITHUB_DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
        status: String(status),
      },
    };
  }
  return {
    status,
    headers: {
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + (failure.resetInSeconds ?? 1)),
    },
    body: {
      message: "API rate limit exceeded.",
      documentation_url: `${GITHUB_DOCS}/overview/rate-limits-for-the-rest-api`,
      status: String(status),
    },
  };
}

import { STATUS_CODES } from "node:http";
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
  readAttestations: "attestations: read",
  writeHistory: "contents: write",
} as const;
export type GitHubOperation = keyof typeof REQUIRED_PERMISSION;

interface RequestErrorLike {
  status?: number;
  message?: string;
  cause?: unknown;
  request?: { method?: string; url?: string };
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
  if (error instanceof GitHubFault) throw error.during(what);
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

/** Where a request failed: on GitHub's side, on the way there, or with the token. */
export type GitHubFaultKind = "outage" | "network" | "timeout" | "token" | "rate-limit";

const STATUS_PAGE = "https://www.githubstatus.com";
const RERUN_HINT = `re-run the job in a few minutes; if it keeps failing, check ${STATUS_PAGE}`;
const HINTS: Record<GitHubFaultKind, string> = {
  outage: RERUN_HINT,
  timeout: RERUN_HINT,
  network: `${RERUN_HINT}; on a self-hosted runner, check its network, DNS and the HTTPS_PROXY and NO_PROXY variables`,
  token:
    "pass a valid token in the `github-token` input (the default, the job's GITHUB_TOKEN, is always valid); " +
    "a personal access token may have expired, been revoked, or not cover this repository",
  "rate-limit":
    "re-run the job when the limit resets; jobs that share a token share its limit, so spread them out or give " +
    "ctrain a GitHub App token, which has its own",
};

/**
 * A request that failed because of GitHub or the token, not because of anything ctrain or the user's files did:
 * a user error naming the request, whose side the fault is on, and what to do. It carries no HTTP `status` field,
 * so code that reads a 403 or 404 as an answer (a missing permission, no such run) never mistakes it for one.
 */
export class GitHubFault extends UserError {
  constructor(
    readonly kind: GitHubFaultKind,
    message: string,
    options: { cause?: unknown; hint?: string } = {},
  ) {
    super(message, { cause: options.cause, hint: options.hint ?? HINTS[kind] });
  }

  /** Worth trying again soon: everything except a rejected token. */
  get transient(): boolean {
    return this.kind !== "token";
  }

  /** The same fault, saying which of ctrain's steps it stopped. */
  during(what: string): GitHubFault {
    return new GitHubFault(this.kind, `could not ${what}: ${this.message}`, { cause: this.cause, hint: this.hint });
  }
}

/** Thrown by the client's deadline when GitHub has not answered in time. */
export class RequestTimeoutError extends Error {
  override readonly name = "TimeoutError";
  constructor(readonly limitMs: number) {
    super(`no answer within ${limitMs / 1000} s`);
  }
}

function describeRequest(error: RequestErrorLike): string {
  const method = error.request?.method ?? "";
  try {
    const url = new URL(error.request?.url ?? "");
    return `${method} ${url.pathname}`.trim();
  } catch {
    return method || "a request";
  }
}

/** What a transport failure comes down to: `getaddrinfo ENOTFOUND api.github.com`, `ECONNRESET`. */
function rootCause(error: unknown): string {
  let current = error;
  for (let depth = 0; depth < 5; depth++) {
    const next = (current as { cause?: unknown } | undefined)?.cause;
    if (!(next instanceof Error)) break;
    current = next;
  }
  const code = (current as { code?: unknown }).code;
  const message = current instanceof Error ? current.message : String(current);
  return typeof code === "string" && !message.includes(code) ? `${code}: ${message}` : message;
}

/** GitHub's own `message` for a JSON error body; HTML pages and other text are never shown. */
function jsonMessage(data: unknown): string | undefined {
  const message = (data as { message?: unknown } | undefined)?.message;
  return typeof message === "string" && message ? message.slice(0, 300) : undefined;
}

function secondsUntil(epochSeconds: string | undefined): number | undefined {
  const reset = Number(epochSeconds);
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, Math.ceil(reset - Date.now() / 1000)) : undefined;
}

function rateLimitFault(error: RequestErrorLike, request: string): GitHubFault | undefined {
  const headers = error.response?.headers ?? {};
  const message = jsonMessage(error.response?.data) ?? "";
  const secondary = /secondary rate/i.test(message);
  const exhausted = headers["x-ratelimit-remaining"] === "0";
  if (!(error.status === 429 || secondary || (error.status === 403 && exhausted))) return undefined;
  const retryAfter = Number(headers["retry-after"]);
  const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : secondsUntil(headers["x-ratelimit-reset"]);
  const when =
    wait === undefined
      ? ""
      : `; GitHub asks to wait ${wait} s${wait > 60 ? `, about ${Math.ceil(wait / 60)} min` : ""}`;
  const which =
    exhausted && !secondary ? "the token's API rate limit is used up" : "GitHub's secondary rate limit stopped it";
  return new GitHubFault("rate-limit", `${request} was refused: ${which}${when}`, { cause: error });
}

/** The fault behind a failed request, or undefined when the error is an answer for the caller to read (403, 404, 422). */
export function faultOf(error: unknown): GitHubFault | undefined {
  if (error instanceof GitHubFault || !isRequestError(error)) return undefined;
  const request = describeRequest(error);
  const status = error.status ?? 0;
  if (!error.response) {
    if (status !== 500) return undefined;
    const timeout = findCause(error, RequestTimeoutError);
    if (timeout) {
      return new GitHubFault("timeout", `GitHub did not answer ${request} (${timeout.message}, each try)`, {
        cause: error,
      });
    }
    return new GitHubFault("network", `could not reach GitHub for ${request}: ${rootCause(error)}`, { cause: error });
  }
  if (status === 401) {
    const said = jsonMessage(error.response.data) ?? "Bad credentials";
    return new GitHubFault("token", `GitHub rejected the token for ${request} (${said})`, { cause: error });
  }
  const limited = rateLimitFault(error, request);
  if (limited) return limited;
  if (status >= 500) {
    const name = STATUS_CODES[status] ?? "";
    const said = jsonMessage(error.response.data);
    return new GitHubFault(
      "outage",
      `GitHub answered ${status} ${name}`.trimEnd() +
        ` to ${request}${said && said !== name ? ` (${said})` : ""}, after retries: the fault is on GitHub's side`,
      { cause: error },
    );
  }
  return undefined;
}

function findCause<T extends Error>(error: unknown, type: new (...args: never[]) => T): T | undefined {
  let current = error;
  for (let depth = 0; depth < 6 && current; depth++) {
    if (current instanceof type) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

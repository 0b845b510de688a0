/** What a route of the fake receives and returns. Routes are keyed by the operation id of GitHub's description. */
import type { IncomingHttpHeaders } from "node:http";
import type { OperationMatch } from "../openapi.js";
import type { RepoRecord } from "./records.js";
import type { RenderContext } from "./render/accounts.js";
import type { Access, PermissionScope, TokenGrant } from "./tokens.js";

/** Where GitHub's error bodies point when an operation has no page of its own. */
export const GITHUB_DOCS = "https://docs.github.com/rest";

export interface FakeResponse {
  status: number;
  /** A JSON body, checked against the description. */
  body?: unknown;
  headers?: Record<string, string>;
  /** The fake's own answer to a contract violation, which names it; exempt from the response check. */
  reportsViolation?: boolean;
}

export interface RouteRequest {
  match: OperationMatch;
  url: URL;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, when the request has one. */
  body: Record<string, unknown>;
  rawBody: Buffer;
  /** Undefined for anonymous requests. */
  grant: TokenGrant | undefined;
  /** The repository named by the `owner` and `repo` path parameters (a 404 when it does not exist). */
  repo(): RepoRecord;
  param(name: string): string;
}

export interface Route {
  /** What the token needs; any one of `scopes` suffices (a PR comment takes issues or pull-requests). */
  permission?: { scopes: PermissionScope[]; access: Exclude<Access, "none"> };
  handle(request: RouteRequest, context: RenderContext): FakeResponse;
}

export type RouteTable = Record<string, Route>;

/** An error answered the way GitHub answers it: `{message, documentation_url, status}` (and `errors` for 422s). */
export class GitHubError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Array<Record<string, unknown>>,
  ) {
    super(message);
  }
}

/** Thrown where the fake knowingly falls short of GitHub: recorded as a violation, so the gap is loud. */
export class FakeGap extends Error {
  constructor(what: string) {
    super(`fake does not implement ${what}`);
  }
}

export function notFound(): GitHubError {
  return new GitHubError(404, "Not Found");
}

export function validationFailed(resource: string, field: string, code: string, message?: string): GitHubError {
  return new GitHubError(422, "Validation Failed", [{ resource, field, code, ...(message ? { message } : {}) }]);
}

export function json(status: number, body: unknown, headers?: Record<string, string>): FakeResponse {
  return { status, body, headers };
}

/** Reads a positive integer path parameter; the description already guaranteed it is an integer. */
export function intParam(request: RouteRequest, name: string): number {
  return Number(request.param(name));
}

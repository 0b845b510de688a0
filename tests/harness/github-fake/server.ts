/**
 * The GitHub fake's HTTP server. Each request is matched to an operation of GitHub's OpenAPI description, checked
 * against it, authenticated, authorized, answered from the fake's state, and the answer is checked too. Whatever
 * breaks the description, or reaches a part of GitHub the fake does not implement, is recorded as a violation and
 * answered with an error naming it, so the action under test fails loudly.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { formatViolation, openApiChecker, type OpenApiViolation, type OperationMatch } from "../openapi.js";
import { readBody } from "../read-body.js";
import { UrlSigner } from "../signed-url.js";
import type { RepoRecord } from "./records.js";
import { roleOf, simpleUser, type RenderContext } from "./render/accounts.js";
import { release, workflowRun } from "./render/automation.js";
import { pullRequest } from "./render/conversation.js";
import { fullRepository } from "./render/repository.js";
import { FakeGap, GitHubError, type FakeResponse, type Route, type RouteRequest, type RouteTable } from "./routing.js";
import { automationRoutes } from "./routes/automation.js";
import { conversationRoutes } from "./routes/conversation.js";
import { releaseRoutes } from "./routes/releases.js";
import { repoRoutes } from "./routes/repos.js";
import { FakeGitHubState } from "./state.js";
import { allows, deniedMessage, TokenRegistry, type TokenGrant, type TokenOptions } from "./tokens.js";

const ROUTES: RouteTable = { ...repoRoutes, ...conversationRoutes, ...automationRoutes, ...releaseRoutes };

export interface GitHubFakeOptions {
  /** The web base for `html_url` fields; what the action sees as GITHUB_SERVER_URL. */
  webUrl?: string;
}

export type ViolationKind = "request" | "response" | "undocumented" | "unimplemented";

export interface FakeViolation {
  kind: ViolationKind;
  method: string;
  /** The request's path and query. */
  path: string;
  operationId?: string;
  message: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  operationId?: string;
  status: number;
}

/** A rate limit the next requests run into: GitHub's primary limit (remaining 0) or a secondary one (Retry-After). */
export interface RateLimitFailure {
  kind: "primary" | "secondary";
  status?: 403 | 429;
}

/** GitHub's JSON for seeded records, e.g. to put real shapes into event payloads. */
export interface FakeRenderer {
  repository(repo: string): Record<string, unknown>;
  user(login: string): Record<string, unknown>;
  pullRequest(repo: string, pullNumber: number): Record<string, unknown>;
  release(repo: string, releaseId: number): Record<string, unknown>;
  workflowRun(runId: number): Record<string, unknown>;
}

export interface GitHubFake {
  /** The REST base URL, for GITHUB_API_URL. */
  url: string;
  /** The web base URL of `html_url` fields, for GITHUB_SERVER_URL. */
  webUrl: string;
  state: FakeGitHubState;
  render: FakeRenderer;
  violations: FakeViolation[];
  requests: RecordedRequest[];
  /** Issues a token; pass it as `github-token` or GITHUB_TOKEN. */
  issueToken(options: TokenOptions): string;
  /** Makes the next `count` API requests fail with a rate limit, to prove retries and throttling. */
  failNext(count: number, failure: RateLimitFailure): void;
  /** A signed storage URL serving an artifact's archive, as GitHub's storage redirects point to. */
  artifactDownloadUrl(artifactId: number): string;
  /** Throws listing every violation seen so far. */
  assertNoViolations(): void;
  close(): Promise<void>;
}

const DOCS = "https://docs.github.com/rest";
const HOUR_SECONDS = 3600;

interface RateWindow {
  limit: number;
  used: number;
  resetAt: number;
}

export async function startGitHubFake(options: GitHubFakeOptions = {}): Promise<GitHubFake> {
  const checker = openApiChecker();
  const state = new FakeGitHubState();
  const tokens = new TokenRegistry();
  const signer = new UrlSigner();
  const violations: FakeViolation[] = [];
  const requests: RecordedRequest[] = [];
  const rateWindows = new Map<string, RateWindow>();
  const pendingFailures: RateLimitFailure[] = [];

  const server = createServer((request, response) => {
    void readBody(request)
      .then((body) => handle(request, body, response))
      .catch((error: unknown) => {
        violations.push({
          kind: "response",
          method: request.method ?? "",
          path: request.url ?? "",
          message: `fake crashed: ${String(error)}`,
        });
        if (!response.headersSent) send(response, 500, { message: `GitHub fake crashed: ${String(error)}` });
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const context: RenderContext = {
    state,
    api: url,
    web: (options.webUrl ?? "https://github.com").replace(/\/$/, ""),
    downloadUrl: (path, ttlSeconds) => signer.sign(new URL(`/_blobs/${path}`, url), "r", ttlSeconds),
  };

  function handle(request: IncomingMessage, rawBody: Buffer, response: ServerResponse): void {
    const method = request.method ?? "GET";
    const requestUrl = new URL(request.url ?? "/", url);
    const path = `${requestUrl.pathname}${requestUrl.search}`;
    const record = (status: number, operationId?: string) => requests.push({ method, path, operationId, status });

    if (requestUrl.pathname.startsWith("/_blobs/")) return serveBlob(requestUrl, method, response);
    const browserDownload = /^\/([^/]+)\/([^/]+)\/releases\/download\/([^/]+)\/([^/]+)$/.exec(requestUrl.pathname);
    if (browserDownload && method === "GET") return redirectBrowserDownload(browserDownload.slice(1), response);

    const grantKey = authorization(request) ?? "anonymous";
    const limits = () => rateLimitHeaders(grantKey, tokens.lookup(grantKey));
    const match = checker.match(method, requestUrl.pathname);
    if (!match) {
      violations.push({
        kind: "undocumented",
        method,
        path,
        message: `no operation of GitHub's REST API is ${method} ${requestUrl.pathname}`,
      });
      record(404);
      return send(response, 404, errorBody(404, "Not Found"), limits());
    }
    const route = ROUTES[match.operationId];
    if (!route) {
      violations.push({
        kind: "unimplemented",
        method,
        path,
        operationId: match.operationId,
        message: `fake does not implement ${match.operationId} (${match.method} ${match.template})`,
      });
      record(404, match.operationId);
      return send(response, 404, errorBody(404, "Not Found"), limits());
    }
    const answer = answerOperation(request, requestUrl, rawBody, match, route);
    const checked = checkAnswer(match, answer, method, path);
    const headers = {
      ...limits(),
      ...permissionHeader(route),
      ...checked.headers,
    };
    record(checked.status, match.operationId);
    send(response, checked.status, checked.body, headers);
  }

  function answerOperation(
    request: IncomingMessage,
    requestUrl: URL,
    rawBody: Buffer,
    match: OperationMatch,
    route: Route,
  ): FakeResponse {
    const method = match.method;
    const path = `${requestUrl.pathname}${requestUrl.search}`;
    const token = authorization(request);
    const grant = token === undefined ? undefined : tokens.lookup(token);
    if (token !== undefined && !grant) return errorResponse(401, "Bad credentials", match);

    const failure = pendingFailures.shift();
    if (failure) return rateLimited(failure);
    const window = rateWindow(token ?? "anonymous", grant);
    if (window.used >= window.limit) return rateLimited({ kind: "primary" });
    window.used += 1;

    const requestViolations = checker.checkRequest(match, {
      query: requestUrl.searchParams,
      contentType: request.headers["content-type"],
      body: rawBody,
    });
    if (requestViolations.length) {
      violations.push(...requestViolations.map((violation) => fromOpenApi("request", violation, path)));
      return answerInvalidRequest(requestViolations, match);
    }

    const routeRequest: RouteRequest = {
      match,
      url: requestUrl,
      headers: request.headers,
      body: parseJsonBody(rawBody, request.headers["content-type"]),
      rawBody,
      grant,
      param(name) {
        const value = match.params[name];
        if (value === undefined) throw new Error(`operation ${match.operationId} has no path parameter ${name}`);
        return value;
      },
      repo() {
        const repo = state.findRepo(this.param("owner"), this.param("repo"));
        if (!repo) throw new GitHubError(404, "Not Found");
        return repo;
      },
    };
    try {
      const denied = authorize(routeRequest, route);
      if (denied) return errorResponse(denied.status, denied.message, match);
      return route.handle(routeRequest, context);
    } catch (error) {
      if (error instanceof GitHubError) return errorResponse(error.status, error.message, match, error.errors);
      if (error instanceof FakeGap) {
        violations.push({
          kind: "unimplemented",
          method,
          path,
          operationId: match.operationId,
          message: error.message,
        });
        return errorResponse(404, "Not Found", match);
      }
      throw error;
    }
  }

  /** Whether the caller may use the route on the repository it names; undefined when it may. */
  function authorize(request: RouteRequest, route: Route): { status: number; message: string } | undefined {
    const permission = route.permission;
    if (!permission) return undefined;
    const { owner, repo: name } = request.match.params;
    const repo = owner && name ? state.findRepo(owner, name) : undefined;
    if (!repo) return undefined; // the route answers 404
    const grant = request.grant;
    if (!grant) {
      if (repo.private) return { status: 404, message: "Not Found" };
      return permission.access === "write" ? { status: 401, message: "Requires authentication" } : undefined;
    }
    const reaches = grant.repositories === "all" || grant.repositories.includes(repo.fullName.toLowerCase());
    if (!reaches && repo.private) return { status: 404, message: "Not Found" };
    if (!reaches && permission.access === "read") return undefined; // public repositories are readable by anyone
    if (grant.kind === "user" && !userMay(grant, repo, permission.access)) {
      return repo.private ? { status: 404, message: "Not Found" } : { status: 403, message: deniedMessage(grant) };
    }
    const allowed = permission.scopes.some((scope) => allows(grant, scope, permission.access, repo.fullName));
    return allowed ? undefined : { status: 403, message: deniedMessage(grant) };
  }

  function userMay(grant: TokenGrant, repo: RepoRecord, access: "read" | "write"): boolean {
    const role = roleOf(repo, grant.login);
    if (access === "read") return !repo.private || role !== undefined;
    return role === "write" || role === "maintain" || role === "admin";
  }

  /** GitHub answers a request body with too many items with 422; every other departure gets a 500 naming it. */
  function answerInvalidRequest(found: OpenApiViolation[], match: OperationMatch): FakeResponse {
    const tooMany = found.flatMap((violation) => violation.errors ?? []).find((error) => error.keyword === "maxItems");
    if (tooMany && Array.isArray(tooMany.data)) {
      const limit = (tooMany.params as { limit: number }).limit;
      return errorResponse(
        422,
        `Invalid request.\n\nNo more than ${limit} items are allowed; ${tooMany.data.length} were supplied.`,
        match,
      );
    }
    return {
      status: 500,
      body: errorBody(
        500,
        `GitHub fake: request breaks GitHub's OpenAPI description: ${found.map(formatViolation).join(" | ")}`,
      ),
    };
  }

  function checkAnswer(match: OperationMatch, answer: FakeResponse, method: string, path: string): FakeResponse {
    if (answer.status === 500) return answer;
    const found = checker.checkResponse(match, { status: answer.status, body: answer.body });
    if (!found.length) return answer;
    violations.push(...found.map((violation) => fromOpenApi("response", violation, path)));
    return {
      status: 500,
      body: errorBody(
        500,
        `GitHub fake: response ${method} ${path} breaks GitHub's OpenAPI description: ${found.map(formatViolation).join(" | ")}`,
      ),
    };
  }

  function errorResponse(
    status: number,
    message: string,
    match: OperationMatch,
    errors?: Array<Record<string, unknown>>,
  ): FakeResponse {
    const docs = (checker.operation(match.operationId)?.externalDocs as { url?: string } | undefined)?.url ?? DOCS;
    return {
      status,
      body: { message, ...(errors ? { errors } : {}), documentation_url: docs, status: String(status) },
    };
  }

  function rateLimited(failure: RateLimitFailure): FakeResponse {
    const status = failure.status ?? 403;
    const reset = String(Math.floor(Date.now() / 1000) + 1);
    if (failure.kind === "secondary") {
      return {
        status,
        headers: { "retry-after": "1" },
        body: {
          message:
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
          documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
          status: String(status),
        },
      };
    }
    return {
      status,
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset },
      body: {
        message: "API rate limit exceeded.",
        documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
        status: String(status),
      },
    };
  }

  /** GitHub's hourly budgets: 1,000 requests for GITHUB_TOKEN, 5,000 for a user, 60 for anonymous callers. */
  function rateWindow(key: string, grant: TokenGrant | undefined): RateWindow {
    const now = Math.floor(Date.now() / 1000);
    let window = rateWindows.get(key);
    if (!window || window.resetAt <= now) {
      const limit = grant?.kind === "installation" ? 1000 : grant ? 5000 : 60;
      window = { limit, used: 0, resetAt: now + HOUR_SECONDS };
      rateWindows.set(key, window);
    }
    return window;
  }

  function rateLimitHeaders(key: string, grant: TokenGrant | undefined): Record<string, string> {
    const window = rateWindow(key, grant);
    return {
      "x-ratelimit-limit": String(window.limit),
      "x-ratelimit-remaining": String(Math.max(0, window.limit - window.used)),
      "x-ratelimit-reset": String(window.resetAt),
      "x-ratelimit-used": String(window.used),
      "x-ratelimit-resource": "core",
    };
  }

  function serveBlob(requestUrl: URL, method: string, response: ServerResponse): void {
    const verdict = signer.verify(requestUrl, "r");
    if (!verdict.ok) return sendStorageError(response, 403, "AuthenticationFailed", verdict.reason);
    const [, , kind, idText] = requestUrl.pathname.split("/");
    const id = Number(idText);
    for (const repo of state.repos.values()) {
      const artifact = kind === "artifacts" ? repo.artifacts.get(id) : undefined;
      const asset = kind === "release-assets" ? repo.assets.get(id) : undefined;
      const blob = artifact
        ? {
            content: artifact.content,
            type: artifact.contentType,
            name: artifact.contentType === "application/zip" ? `${artifact.name}.zip` : artifact.name,
          }
        : asset
          ? { content: asset.content, type: asset.contentType, name: asset.name }
          : undefined;
      if (!blob) continue;
      response.writeHead(200, {
        "content-type": blob.type,
        "content-length": String(blob.content.length),
        "content-disposition": `attachment; filename=${blob.name.replace(/[^\x20-\x7e]|"/g, "_")}; filename*=UTF-8''${encodeURIComponent(blob.name)}`,
      });
      response.end(method === "HEAD" ? undefined : blob.content);
      return;
    }
    sendStorageError(response, 404, "BlobNotFound", "The specified blob does not exist.");
  }

  function redirectBrowserDownload([owner, name, tag, file]: string[], response: ServerResponse): void {
    const repo = state.findRepo(owner ?? "", name ?? "");
    const release =
      repo &&
      [...repo.releases.values()].find(
        (candidate) => !candidate.draft && candidate.tagName === decodeURIComponent(tag ?? ""),
      );
    const asset =
      release &&
      release.assetIds
        .map((id) => repo.assets.get(id))
        .find((candidate) => candidate?.name === decodeURIComponent(file ?? ""));
    // The web download needs a browser session for private repositories, which the fake does not have.
    if (!repo || repo.private || !asset || asset.state !== "uploaded") {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("Not Found");
      return;
    }
    asset.downloadCount += 1;
    response.writeHead(302, { location: context.downloadUrl(`release-assets/${asset.id}`, 300) });
    response.end();
  }

  const render: FakeRenderer = {
    repository: (repo) => fullRepository(context, state.repo(repo)),
    user: (login) => simpleUser(context, state.user(login)),
    pullRequest: (repo, pullNumber) => pullRequest(context, state.repo(repo), state.pull(repo, pullNumber)),
    release(repo, releaseId) {
      const record = state.repo(repo).releases.get(releaseId);
      if (!record) throw new Error(`fake: ${repo} has no release ${releaseId}`);
      return release(context, state.repo(repo), record);
    },
    workflowRun(runId) {
      const found = state.findRun(runId);
      return workflowRun(context, found.repo, found.run);
    },
  };

  return {
    url,
    webUrl: context.web,
    state,
    render,
    violations,
    requests,
    issueToken: (tokenOptions) => tokens.issue(tokenOptions).token,
    artifactDownloadUrl: (artifactId) => context.downloadUrl(`artifacts/${artifactId}`),
    failNext(count, failure) {
      for (let index = 0; index < count; index++) pendingFailures.push(failure);
    },
    assertNoViolations() {
      if (violations.length) {
        throw new Error(
          `GitHub fake saw ${violations.length} violation(s):\n${violations.map((violation) => `- [${violation.kind}] ${violation.method} ${violation.path}: ${violation.message}`).join("\n")}`,
        );
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function fromOpenApi(kind: ViolationKind, violation: OpenApiViolation, path: string): FakeViolation {
  return {
    kind,
    method: violation.method,
    path,
    operationId: violation.operationId,
    message: formatViolation(violation),
  };
}

function authorization(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, value] = header.split(/\s+/, 2);
  return scheme && /^(token|bearer)$/i.test(scheme) ? value : header;
}

function permissionHeader(route: Route): Record<string, string> {
  if (!route.permission) return {};
  const { scopes, access } = route.permission;
  // GitHub separates alternatives with "; " and spells scopes with underscores.
  return { "x-accepted-github-permissions": scopes.map((scope) => `${scope.replace("-", "_")}=${access}`).join("; ") };
}

/** JSON bodies were already checked against the description; raw uploads are left to their route. */
function parseJsonBody(rawBody: Buffer, contentType: string | undefined): Record<string, unknown> {
  if (rawBody.length === 0 || (contentType && !/json/i.test(contentType))) return {};
  try {
    return JSON.parse(rawBody.toString("utf8")) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function errorBody(status: number, message: string): Record<string, unknown> {
  return { message, documentation_url: DOCS, status: String(status) };
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const common = {
    "x-github-request-id": randomUUID().toUpperCase(),
    "x-github-api-version-selected": "2022-11-28",
    "x-github-media-type": "github.v3; format=json",
  };
  if (body === undefined) {
    response.writeHead(status, { ...common, ...headers });
    response.end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...common,
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}

function sendStorageError(response: ServerResponse, status: number, code: string, message: string): void {
  const xml = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  response.writeHead(status, {
    "content-type": "application/xml",
    "x-ms-error-code": code,
    "content-length": String(Buffer.byteLength(xml)),
  });
  response.end(xml);
}

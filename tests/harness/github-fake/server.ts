/**
 * The GitHub fake's HTTP server. Each request is matched to an operation of GitHub's OpenAPI description, checked
 * against it, authenticated, authorized, answered from the fake's state, and the answer is checked too. Whatever
 * breaks the description, or reaches a part of GitHub the fake does not implement, is recorded as a violation and
 * answered with an error naming it, so the action under test fails loudly.
 */
import { randomUUID } from "node:crypto";
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FaultPlan, type Fault, type FaultRule } from "../faults.js";
import { formatViolation, openApiChecker, type OpenApiViolation, type OperationMatch } from "../openapi.js";
import { readBody } from "../read-body.js";
import { UrlSigner } from "../signed-url.js";
import { acceptedPermissionsHeader, authorization, authorize } from "./authorize.js";
import { serveDownload } from "./downloads.js";
import { RateLimiter, rateLimited, rateLimitFault, type RateLimitFailure } from "./rate-limits.js";
import type { RenderContext } from "./render/accounts.js";
import { createRenderer, type FakeRenderer } from "./render/fake-renderer.js";
import {
  FakeGap,
  GITHUB_DOCS,
  GitHubError,
  type FakeResponse,
  type Route,
  type RouteRequest,
  type RouteTable,
} from "./routing.js";
import { automationRoutes } from "./routes/automation.js";
import { conversationRoutes } from "./routes/conversation.js";
import { environmentRoutes } from "./routes/environments.js";
import { gitDataRoutes } from "./routes/git-data.js";
import { releaseRoutes } from "./routes/releases.js";
import { repoRoutes } from "./routes/repos.js";
import { FakeGitHubState } from "./state.js";
import { TokenRegistry, type TokenOptions } from "./tokens.js";

const ROUTES: RouteTable = {
  ...repoRoutes,
  ...gitDataRoutes,
  ...conversationRoutes,
  ...automationRoutes,
  ...releaseRoutes,
  ...environmentRoutes,
};

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
  /** The answer's status; 0 when an injected fault gave none (a reset or a hang). */
  status: number;
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
  /** Makes requests to a route (an operation id, or all) meet a fault: a 5xx, a reset, a hang, a rate limit. */
  injectFault(rule: FaultRule): void;
  /** Every fault served so far, as `<operation id>: <kind>`. */
  faultsServed: readonly string[];
  /** A signed storage URL serving an artifact's archive, as GitHub's storage redirects point to. */
  artifactDownloadUrl(artifactId: number): string;
  /** Throws listing every violation seen so far. */
  assertNoViolations(): void;
  close(): Promise<void>;
}

export async function startGitHubFake(options: GitHubFakeOptions = {}): Promise<GitHubFake> {
  const checker = openApiChecker();
  const state = new FakeGitHubState();
  const tokens = new TokenRegistry();
  const signer = new UrlSigner();
  const violations: FakeViolation[] = [];
  const requests: RecordedRequest[] = [];
  const limiter = new RateLimiter();
  const faults = new FaultPlan();

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

    if (serveDownload(state, signer, context, requestUrl, method, response)) return;

    const grantKey = authorization(request) ?? "anonymous";
    const limits = () => limiter.headers(grantKey, tokens.lookup(grantKey));
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
    const fault = faults.take(match.operationId);
    if (fault && faults.serveTransport(fault, response)) {
      record(fault.kind === "status" ? fault.status : 0, match.operationId);
      return;
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
    const answer = fault ? faultAnswer(fault, match) : answerOperation(request, requestUrl, rawBody, match, route);
    const checked = checkAnswer(match, answer, method, path);
    const headers = {
      ...limits(),
      ...acceptedPermissionsHeader(route),
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

    const limited = limiter.take(token ?? "anonymous", grant);
    if (limited) return limited;

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
      const denied = authorize(state, routeRequest, route);
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

  /** An injected fault that GitHub's API itself would answer: its JSON error object, checked like any answer. */
  function faultAnswer(fault: Fault, match: OperationMatch): FakeResponse {
    if (fault.kind === "rate-limit" || fault.kind === "secondary-rate-limit") return rateLimited(fault);
    if (fault.kind !== "status") throw new Error(`fault ${fault.kind} is no answer`);
    return errorResponse(fault.status, fault.message ?? (STATUS_CODES[fault.status] || "Server Error"), match);
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
      reportsViolation: true,
      body: errorBody(
        500,
        `GitHub fake: request breaks GitHub's OpenAPI description: ${found.map(formatViolation).join(" | ")}`,
      ),
    };
  }

  /** Every answer is held to the description, errors included; only an answer reporting a violation is exempt. */
  function checkAnswer(match: OperationMatch, answer: FakeResponse, method: string, path: string): FakeResponse {
    if (answer.reportsViolation) return answer;
    const found = checker.checkResponse(match, { status: answer.status, body: answer.body });
    if (!found.length) return answer;
    violations.push(...found.map((violation) => fromOpenApi("response", violation, path)));
    return {
      status: 500,
      reportsViolation: true,
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
    const docs =
      (checker.operation(match.operationId)?.externalDocs as { url?: string } | undefined)?.url ?? GITHUB_DOCS;
    return {
      status,
      body: { message, ...(errors ? { errors } : {}), documentation_url: docs, status: String(status) },
    };
  }

  return {
    url,
    webUrl: context.web,
    state,
    render: createRenderer(context),
    violations,
    requests,
    issueToken: (tokenOptions) => tokens.issue(tokenOptions).token,
    artifactDownloadUrl: (artifactId) => context.downloadUrl(`artifacts/${artifactId}`),
    failNext: (count, failure) => faults.inject({ fault: rateLimitFault(failure), times: count }),
    injectFault: (rule) => faults.inject(rule),
    faultsServed: faults.served,
    assertNoViolations() {
      if (violations.length) {
        throw new Error(
          `GitHub fake saw ${violations.length} violation(s):\n${violations.map((violation) => `- [${violation.kind}] ${violation.method} ${violation.path}: ${violation.message}`).join("\n")}`,
        );
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        faults.releaseAll();
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
  return { message, documentation_url: GITHUB_DOCS, status: String(status) };
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

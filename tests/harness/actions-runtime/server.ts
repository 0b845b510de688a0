/**
 * The services a node action reaches through ACTIONS_RESULTS_URL: the Twirp artifact and cache services and the
 * blob storage their signed URLs point to, on 127.0.0.1. Artifacts land in the GitHub fake's state, so REST sees them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FaultPlan, type Fault, type FaultRule } from "../faults.js";
import type { GitHubFake } from "../github-fake/index.js";
import type { WorkflowRunRecord } from "../github-fake/records.js";
import { readBody } from "../read-body.js";
import { UrlSigner } from "../signed-url.js";
import { artifactService } from "./artifact-service.js";
import { BlobStorage, type BlobOperation } from "./blob-storage.js";
import { cacheService, type CacheEntry } from "./cache-service.js";
import { CACHE_READ, CACHE_WRITE, RuntimeTokenIssuer, type CacheScope } from "./runtime-token.js";
import { TwirpError, type TwirpService } from "./twirp.js";

export interface RuntimeViolation {
  /** `<service>/<method>` for Twirp calls, or `blob storage`. */
  where: string;
  message: string;
}

export interface ActionsRuntime {
  /** ACTIONS_RESULTS_URL. */
  resultsUrl: string;
  /**
   * ACTIONS_RUNTIME_TOKEN for the job of a run. Cache scopes follow GitHub: a pull request run writes
   * `refs/pull/<n>/merge` and reads its base branch; any other run writes its branch; both read the default branch.
   */
  runtimeToken(run: WorkflowRunRecord, options?: { cacheScopes?: CacheScope[] }): string;
  cacheEntries: readonly CacheEntry[];
  /** Every blob storage request, to see which Azure operations a client used. */
  blobOperations: readonly BlobOperation[];
  violations: RuntimeViolation[];
  /** Makes requests to a service method (`ArtifactService/CreateArtifact`) or `blob storage` meet a fault. */
  injectFault(rule: FaultRule): void;
  /** Every fault served so far, as `<route>: <kind>`. */
  faultsServed: readonly string[];
  assertNoViolations(): void;
  close(): Promise<void>;
}

const ACCOUNT = "actionsresults";

export async function startActionsRuntime(options: { github: GitHubFake }): Promise<ActionsRuntime> {
  const { github } = options;
  const issuer = new RuntimeTokenIssuer();
  const violations: RuntimeViolation[] = [];
  const cacheEntries: CacheEntry[] = [];
  const faults = new FaultPlan();
  const server = createServer((request, response) => {
    const fault = faults.take(routeOf(request));
    if (fault) {
      // A reset or a hang happens at once; a status is answered once the request has been read, as a server does.
      if (!faults.serveTransport(fault, response)) void readBody(request).then(() => answerFault(fault, response));
      return;
    }
    void readBody(request)
      .then((body) =>
        request.url?.startsWith("/twirp/")
          ? handleTwirp(request, body, response)
          : storage.handle(request, body, response),
      )
      .catch((error: unknown) => {
        violations.push({ where: request.url ?? "", message: `runtime fake crashed: ${String(error)}` });
        if (!response.headersSent) sendJson(response, 500, { code: "internal", msg: String(error) });
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const resultsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const storage = new BlobStorage(new UrlSigner(), resultsUrl, (message) =>
    violations.push({ where: "blob storage", message }),
  );
  const services: Record<string, TwirpService> = {
    "github.actions.results.api.v1.ArtifactService": artifactService(github, storage, ACCOUNT),
    "github.actions.results.api.v1.CacheService": cacheService(storage, ACCOUNT, cacheEntries),
  };

  /** A runtime fault answered with a status: Twirp's JSON error (storage clients read only the status). */
  function answerFault(fault: Fault, response: ServerResponse): void {
    const limited = fault.kind === "rate-limit" || fault.kind === "secondary-rate-limit";
    const status = limited ? (fault.status ?? 429) : fault.kind === "status" ? fault.status : 500;
    const retryAfter = fault.kind === "secondary-rate-limit" ? { "retry-after": String(fault.retryAfter ?? 1) } : {};
    response.writeHead(status, { "content-type": "application/json", ...retryAfter });
    response.end(
      JSON.stringify({ code: status === 429 ? "resource_exhausted" : "unavailable", msg: "injected fault" }),
    );
  }

  function handleTwirp(request: IncomingMessage, body: Buffer, response: ServerResponse): void {
    const [, , serviceName = "", methodName = ""] = new URL(request.url ?? "/", resultsUrl).pathname.split("/");
    const where = `${serviceName}/${methodName}`;
    const fail = (error: TwirpError, violation: boolean) => {
      if (violation) violations.push({ where, message: error.message });
      sendJson(response, error.status, { code: error.code, msg: error.message });
    };
    const method = services[serviceName]?.[methodName];
    if (!method || request.method !== "POST")
      return fail(new TwirpError("bad_route", `no such method: ${request.method} ${where}`), true);
    const authorization = request.headers.authorization ?? "";
    const claims = issuer.verify(authorization.replace(/^Bearer\s+/i, ""));
    if (!claims)
      return fail(new TwirpError("unauthenticated", "the runtime token is missing, forged or expired"), false);
    if (!/^application\/json\b/i.test(request.headers["content-type"] ?? "")) {
      return fail(
        new TwirpError("invalid_argument", `Content-Type "${request.headers["content-type"]}" is not application/json`),
        true,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      return fail(new TwirpError("invalid_argument", "the body is not JSON"), true);
    }
    const checked = method.request.safeParse(parsed);
    if (!checked.success) {
      return fail(
        new TwirpError(
          "invalid_argument",
          `the request does not match ${where}: ${checked.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ")}`,
        ),
        true,
      );
    }
    try {
      sendJson(response, 200, method.handle(checked.data, claims));
    } catch (error) {
      if (error instanceof TwirpError) return fail(error, false);
      throw error;
    }
  }

  return {
    resultsUrl,
    cacheEntries,
    blobOperations: storage.operations,
    violations,
    injectFault: (rule) => faults.inject(rule),
    faultsServed: faults.served,
    runtimeToken(run, tokenOptions) {
      const cacheScopes = tokenOptions?.cacheScopes ?? defaultCacheScopes(github, run);
      return issuer.issue({
        workflowRunBackendId: run.backendId,
        workflowJobRunBackendId: run.jobBackendId,
        cacheScopes,
      });
    },
    assertNoViolations() {
      if (violations.length) {
        throw new Error(
          `Actions runtime fake saw ${violations.length} violation(s):\n${violations.map((violation) => `- ${violation.where}: ${violation.message}`).join("\n")}`,
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

function defaultCacheScopes(github: GitHubFake, run: WorkflowRunRecord): CacheScope[] {
  const { repo } = github.state.findRun(run.id);
  const pullNumber = run.pullNumbers[0];
  const isPullRequest = run.event.startsWith("pull_request") && pullNumber !== undefined;
  const pull = isPullRequest ? repo.pulls.get(pullNumber) : undefined;
  const own = pull ? `refs/pull/${pull.number}/merge` : `refs/heads/${run.headBranch ?? repo.defaultBranch}`;
  const readable = [pull ? `refs/heads/${pull.baseRef}` : undefined, `refs/heads/${repo.defaultBranch}`];
  const scopes: CacheScope[] = [{ Scope: own, Permission: CACHE_READ | CACHE_WRITE }];
  for (const scope of readable) {
    if (scope && !scopes.some((existing) => existing.Scope === scope))
      scopes.push({ Scope: scope, Permission: CACHE_READ });
  }
  return scopes;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) });
  response.end(text);
}

/** The fault route of a runtime request: `<Service>/<Method>` for Twirp calls, `blob storage` for the rest. */
function routeOf(request: IncomingMessage): string {
  const [, twirp, service = "", method = ""] = (request.url ?? "/").split("?")[0]!.split("/");
  return twirp === "twirp" ? `${service.split(".").pop()}/${method}` : "blob storage";
}

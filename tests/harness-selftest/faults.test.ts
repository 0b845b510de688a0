import { request } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startActionsRuntime, type ActionsRuntime } from "../harness/actions-runtime/index.js";
import { OUTAGE_HTML } from "../harness/faults.js";
import { startGitHubFake, type GitHubFake } from "../harness/github-fake/index.js";
import { workflowJobPermissions } from "../harness/workflow-permissions.js";

let fake: GitHubFake;
let runtime: ActionsRuntime;

beforeEach(async () => {
  fake = await startGitHubFake();
  runtime = await startActionsRuntime({ github: fake });
  fake.state.addRepo("octo/model");
});
afterEach(async () => {
  await runtime.close();
  await fake.close();
});

interface RawAnswer {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body?: string;
  error?: string;
}

/** One request with a plain client, so transport faults show as they happen (no retries). */
function send(base: string, path: string, options: { token?: string; method?: string; timeoutMs?: number } = {}) {
  return new Promise<RawAnswer>((resolve) => {
    const outgoing = request(new URL(path, base), {
      method: options.method ?? "GET",
      headers: {
        ...(options.token ? { authorization: `token ${options.token}` } : {}),
        "content-type": "application/json",
      },
      timeout: options.timeoutMs ?? 2000,
    });
    outgoing.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    outgoing.on("timeout", () => outgoing.destroy(new Error("client timeout")));
    outgoing.on("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    outgoing.end(options.method === "POST" ? "{}" : undefined);
  });
}

describe("tokens hold exactly their permissions: block", () => {
  it("gives every scope a block leaves out none, and a token without a block the restricted default", async () => {
    const checksOnly = fake.issueToken({ kind: "installation", permissions: { checks: "write" } });
    expect((await send(fake.url, "/repos/octo/model", { token: checksOnly })).status).toBe(200); // metadata
    expect((await send(fake.url, "/repos/octo/model/pulls", { token: checksOnly })).status).toBe(403);
    expect((await send(fake.url, "/repos/octo/model/actions/runs", { token: checksOnly })).status).toBe(403);
    const restricted = fake.issueToken({ kind: "installation" });
    expect((await send(fake.url, "/repos/octo/model/releases", { token: restricted })).status).toBe(200);
    expect((await send(fake.url, "/repos/octo/model/actions/runs", { token: restricted })).status).toBe(403);
    fake.assertNoViolations();
  });

  it("reads a job's block from this repository's workflows", () => {
    expect(workflowJobPermissions("continuous-training.yml", "pipeline")).toEqual({
      contents: "read",
      actions: "read",
      "pull-requests": "write",
      checks: "write",
    });
    expect(workflowJobPermissions("release-model.yml", "publish")).toMatchObject({ contents: "write" });
    expect(() => workflowJobPermissions("ci.yml", "no-such-job")).toThrow(/no job no-such-job/);
  });
});

describe("REST faults", () => {
  it("answers a route's fault for the count asked, then the real answer, and leaves other routes alone", async () => {
    const token = fake.issueToken({ kind: "installation" });
    fake.injectFault({ route: "repos/get", fault: { kind: "status", status: 503 }, times: 2 });
    const faulted = await send(fake.url, "/repos/octo/model", { token });
    expect(faulted.status).toBe(503);
    expect(JSON.parse(faulted.body!)).toMatchObject({ message: "Service Unavailable", status: "503" });
    expect(faulted.headers?.["x-ratelimit-limit"]).toBe("1000");
    expect((await send(fake.url, "/repos/octo/model/releases", { token })).status).toBe(200);
    expect((await send(fake.url, "/repos/octo/model", { token })).status).toBe(503);
    expect((await send(fake.url, "/repos/octo/model", { token })).status).toBe(200);
    expect(fake.faultsServed).toEqual(["repos/get: status", "repos/get: status"]);
    fake.assertNoViolations();
  });

  it("serves the edge's HTML page, resets, hangs until the fake closes, and GitHub's rate-limit answers", async () => {
    fake.injectFault({ route: "repos/get", fault: { kind: "status", status: 502, body: "html" } });
    expect(await send(fake.url, "/repos/octo/model")).toMatchObject({ status: 502, body: OUTAGE_HTML });

    fake.injectFault({ route: "repos/get", fault: { kind: "reset" } });
    expect((await send(fake.url, "/repos/octo/model")).error).toBe("ECONNRESET");

    fake.injectFault({ route: "repos/get", fault: { kind: "hang" } });
    expect((await send(fake.url, "/repos/octo/model", { timeoutMs: 300 })).error).toBe("client timeout");

    fake.injectFault({ route: "repos/get", fault: { kind: "secondary-rate-limit", status: 429, retryAfter: 3600 } });
    const secondary = await send(fake.url, "/repos/octo/model");
    expect(secondary).toMatchObject({ status: 429, headers: expect.objectContaining({ "retry-after": "3600" }) });
    expect(secondary.body).toContain("secondary rate limit");

    fake.injectFault({ route: /^repos\//, fault: { kind: "rate-limit", resetInSeconds: 600 } });
    const primary = await send(fake.url, "/repos/octo/model");
    expect(primary.status).toBe(403);
    expect(primary.headers?.["x-ratelimit-remaining"]).toBe("0");
    expect(Number(primary.headers?.["x-ratelimit-reset"]) - Date.now() / 1000).toBeGreaterThan(590);
    fake.assertNoViolations();
  });

  it("keeps faults bounded", () => {
    expect(() => fake.injectFault({ fault: { kind: "hang" }, times: 1000 })).toThrow(/1-100 requests/);
    expect(() => fake.injectFault({ fault: { kind: "reset" }, times: 0 })).toThrow(/1-100 requests/);
  });
});

describe("runtime faults", () => {
  it("fails a service method with Twirp's error, and blob storage with its status", async () => {
    runtime.injectFault({ route: "ArtifactService/CreateArtifact", fault: { kind: "status", status: 503 } });
    const twirp = await send(
      runtime.resultsUrl,
      "/twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact",
      {
        method: "POST",
      },
    );
    expect(twirp.status).toBe(503);
    expect(JSON.parse(twirp.body!)).toEqual({ code: "unavailable", msg: "injected fault" });
    // The next call is the service's own answer again: an unauthenticated request.
    const next = await send(runtime.resultsUrl, "/twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact", {
      method: "POST",
    });
    expect(next.status).toBe(401);

    runtime.injectFault({ route: "blob storage", fault: { kind: "reset" } });
    expect((await send(runtime.resultsUrl, "/actionsresults/some-blob")).error).toBe("ECONNRESET");
    expect(runtime.faultsServed).toEqual(["ArtifactService/CreateArtifact: status", "blob storage: reset"]);
    runtime.assertNoViolations();
  });
});

/**
 * A self-hosted runner behind a corporate proxy: HTTPS_PROXY (HTTP_PROXY for the fake's plain HTTP) names a CONNECT
 * proxy, NO_PROXY exempts hosts. The API is addressed by a name only the proxy resolves, as on such a network the
 * runner cannot reach GitHub itself; loopback names would bypass any proxy (the toolkit never proxies 127.0.0.1).
 */
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { ComparisonDocument, RunDocument, serializeDocument } from "@ctrain/core";
import { startHarness, type Harness } from "../harness/harness.js";
import { runAction } from "../harness/run-action.js";
import { loadWebhookExample, retargetWebhook } from "../harness/webhook-examples.js";
import { workflowJobPermissions } from "../harness/workflow-permissions.js";

/** The API's name on the proxied network; `.test` names never resolve outside it (RFC 6761). */
const API_HOST = "api.github.test";

interface RecordingProxy {
  url: string;
  /** Every CONNECT target, as `host:port`. */
  tunnels: string[];
  /** Requests sent to the proxy without a tunnel (absolute-form), which it refuses. */
  plain: string[];
  close(): Promise<void>;
}

/** A CONNECT proxy on 127.0.0.1 that resolves API_HOST to loopback and tunnels nowhere else. */
async function startRecordingProxy(): Promise<RecordingProxy> {
  const tunnels: string[] = [];
  const plain: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    plain.push(`${request.method} ${request.url}`);
    response.writeHead(405).end();
  });
  server.on("connect", (request, client: Socket, head: Buffer) => {
    const target = request.url ?? "";
    tunnels.push(target);
    const [host, port] = target.split(":");
    if (host !== API_HOST) {
      client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    const upstream = connect(Number(port), "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => socket.destroy());
      socket.on("close", () => sockets.delete(socket));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    plain,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

let harness: Harness;
let proxy: RecordingProxy;

beforeEach(async () => {
  harness = await startHarness("ctrain-proxy-e2e-");
  proxy = await startRecordingProxy();
});
afterEach(async () => {
  await proxy.close();
  await harness.stop();
});

/** compare on a pull request, with the API addressed by API_HOST and the proxy variables of a self-hosted runner. */
async function compareBehindProxy(proxyEnv: Record<string, string>) {
  const { fake, workspace } = harness;
  const repo = fake.state.addRepo("octo/churn");
  const base = fake.state.addCommit(repo, { branch: "main", message: "baseline" });
  const head = fake.state.addCommit(repo, { branch: "feature", parents: [base.sha], message: "retrain" });
  const pull = fake.state.addPull(repo, { head: "feature", user: "alice" });
  writeFileSync(join(workspace, "ctrain.yml"), "compare:\n  metrics:\n    accuracy: { direction: higher, min: 0.5 }\n");
  mkdirSync(join(workspace, ".ctrain"));
  const run = RunDocument.parse({
    schema: "ctrain.run/v1",
    name: "default",
    createdAt: "2026-11-29T08:00:00.000Z",
    source: { repository: "octo/churn", commit: head.sha, branch: "feature" },
    status: "succeeded",
    metrics: { accuracy: 0.8 },
  });
  writeFileSync(join(workspace, ".ctrain", "run.json"), serializeDocument(run));
  const payload = retargetWebhook(
    fake,
    loadWebhookExample("pull_request", (p) => p.action === "opened"),
    {
      repo: "octo/churn",
      pull: pull.number,
    },
  );
  const apiPort = new URL(fake.url).port;
  const result = await runAction("compare", {
    github: fake,
    runtime: harness.runtime,
    workspace,
    event: { name: "pull_request", payload: payload as unknown as Record<string, unknown> },
    permissions: workflowJobPermissions("continuous-training.yml", "pipeline"),
    env: { GITHUB_API_URL: `http://${API_HOST}:${apiPort}`, ...proxyEnv },
    timeoutMs: 30_000,
  });
  const comparison = ComparisonDocument.parse(
    JSON.parse(readFileSync(join(workspace, ".ctrain", "comparison.json"), "utf8")),
  );
  return { result, comparison, apiTarget: `${API_HOST}:${apiPort}` };
}

it("sends every API call through the proxy that HTTPS_PROXY / HTTP_PROXY name", async () => {
  const { result, comparison, apiTarget } = await compareBehindProxy({
    HTTPS_PROXY: proxy.url,
    HTTP_PROXY: proxy.url,
    NO_PROXY: "localhost,127.0.0.1",
  });
  expect(result.exitCode).toBe(0);
  // The API answered through the tunnel: no runs yet on main, which is a first run, not a failed lookup.
  expect(comparison.baseline.kind).toBe("none");
  expect(comparison.baseline.description).toMatch(/no successful run/);
  expect(harness.fake.requests.length).toBeGreaterThan(0);
  expect(proxy.tunnels.length).toBeGreaterThan(0);
  expect(new Set(proxy.tunnels)).toEqual(new Set([apiTarget]));
  expect(proxy.plain).toEqual([]);
});

it("goes direct to a host NO_PROXY names, which on this network does not resolve", async () => {
  const { result, comparison } = await compareBehindProxy({
    HTTPS_PROXY: proxy.url,
    HTTP_PROXY: proxy.url,
    NO_PROXY: `localhost,.github.test`,
  });
  expect(proxy.tunnels).toEqual([]);
  expect(harness.fake.requests).toEqual([]);
  expect(result.exitCode).toBe(0);
  expect(comparison.baseline.notes.join("\n")).toMatch(/could not reach GitHub for GET .*(ENOTFOUND|EAI_AGAIN)/);
  expect(comparison.baseline.notes.join("\n")).toContain("HTTPS_PROXY and NO_PROXY");
});

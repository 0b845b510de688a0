import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ArtifactClient } from "@actions/artifact";
import type * as CacheModule from "@actions/cache";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startActionsRuntime, type ActionsRuntime } from "../harness/actions-runtime/index.js";
import { startGitHubFake, type GitHubFake, type WorkflowRunRecord } from "../harness/github-fake/index.js";

let fake: GitHubFake;
let runtime: ActionsRuntime;
let scratch: string;
let pushRun: WorkflowRunRecord;
let pullRun: WorkflowRunRecord;
let artifactClient: ArtifactClient;
let cache: typeof CacheModule;
const savedEnv = { ...process.env };

/** Makes this process look like a step of `run` to the toolkit, as the runner sets it up. */
function enterRun(run: WorkflowRunRecord): void {
  process.env.ACTIONS_RUNTIME_TOKEN = runtime.runtimeToken(run);
  process.env.GITHUB_RUN_ID = String(run.id);
}

beforeAll(async () => {
  fake = await startGitHubFake();
  runtime = await startActionsRuntime({ github: fake });
  scratch = await mkdtemp(join(tmpdir(), "ctrain-runtime-selftest-"));
  const repo = fake.state.addRepo("octo/model");
  fake.state.addCommit(repo, { branch: "feature", message: "try a deeper model" });
  const pull = fake.state.addPull(repo, { head: "feature" });
  pushRun = fake.state.addWorkflowRun(repo, { workflow: "ci.yml", event: "push", headBranch: "main" });
  pullRun = fake.state.addWorkflowRun(repo, {
    workflow: "ci.yml",
    event: "pull_request",
    headBranch: "feature",
    pullNumbers: [pull.number],
  });
  Object.assign(process.env, {
    ACTIONS_RESULTS_URL: runtime.resultsUrl,
    ACTIONS_CACHE_SERVICE_V2: "True",
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_API_URL: fake.url,
    GITHUB_WORKSPACE: scratch,
    RUNNER_TEMP: join(scratch, "runner-temp"),
  });
  // @actions/github reads GITHUB_API_URL when it is first imported.
  artifactClient = new (await import("@actions/artifact")).DefaultArtifactClient();
  cache = await import("@actions/cache");
});

afterAll(async () => {
  process.env = savedEnv;
  await runtime.close();
  await fake.close();
  await rm(scratch, { recursive: true, force: true });
});

async function writeTree(root: string, files: Record<string, string>): Promise<string[]> {
  const paths: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const path = join(root, name);
    await mkdir(join(path, ".."), { recursive: true });
    await writeFile(path, content);
    paths.push(path);
  }
  return paths;
}

describe("Actions runtime fake with the real @actions/artifact", () => {
  const bundle = { "run.json": '{"schema":"ctrain.run/v1"}', "profile/train.json": '{"rows":3}' };

  it("uploads, lists and downloads within the run, and shows the artifact through REST", async () => {
    enterRun(pushRun);
    const root = join(scratch, "upload");
    const files = await writeTree(root, bundle);
    const uploaded = await artifactClient.uploadArtifact("ctrain-bundle", files, root, { retentionDays: 5 });
    if (uploaded.id === undefined) throw new Error("the upload reported no artifact id");
    expect(runtime.blobOperations.map((entry) => [entry.operation, entry.status])).toEqual([
      ["Put Block", 201],
      ["Put Block List", 201],
    ]);

    const listed = await artifactClient.listArtifacts();
    expect(listed.artifacts.map((artifact) => [artifact.id, artifact.name, artifact.digest])).toEqual([
      [uploaded.id, "ctrain-bundle", `sha256:${uploaded.digest}`],
    ]);
    const target = join(scratch, "download-own");
    const downloaded = await artifactClient.downloadArtifact(uploaded.id, { path: target });
    expect(downloaded.digestMismatch).toBe(false);
    expect(await readFile(join(target, "profile/train.json"), "utf8")).toBe(bundle["profile/train.json"]);

    const rest = await fetch(`${fake.url}/repos/octo/model/actions/runs/${pushRun.id}/artifacts`, {
      headers: {
        authorization: `token ${fake.issueToken({ kind: "installation", permissions: { actions: "read" } })}`,
      },
    });
    const body = (await rest.json()) as { artifacts: Array<{ id: number; size_in_bytes: number; expires_at: string }> };
    expect(body.artifacts.map((artifact) => [artifact.id, artifact.size_in_bytes])).toEqual([
      [uploaded.id, uploaded.size],
    ]);
    const retention = Date.parse(body.artifacts[0]?.expires_at ?? "") - Date.now();
    expect(Math.round(retention / 86_400_000)).toBe(5);
  });

  it("finds and downloads another run's artifact through REST with findBy", async () => {
    enterRun(pullRun);
    const findBy = {
      token: fake.issueToken({ kind: "installation", permissions: { actions: "read" } }),
      workflowRunId: pushRun.id,
      repositoryOwner: "octo",
      repositoryName: "model",
    };
    const { artifact } = await artifactClient.getArtifact("ctrain-bundle", { findBy });
    const target = join(scratch, "download-baseline");
    const downloaded = await artifactClient.downloadArtifact(artifact.id, {
      path: target,
      findBy,
      expectedHash: artifact.digest,
    });
    expect(downloaded.digestMismatch).toBe(false);
    expect(await readFile(join(target, "run.json"), "utf8")).toBe(bundle["run.json"]);
    expect((await artifactClient.listArtifacts()).artifacts).toEqual([]);
  });

  it("refuses a second artifact of the same name in a run", async () => {
    enterRun(pushRun);
    const root = join(scratch, "again");
    const files = await writeTree(root, { "x.txt": "x" });
    await expect(artifactClient.uploadArtifact("ctrain-bundle", files, root)).rejects.toThrow(/already exists/);
  });

  it("deletes an artifact of the run, which REST then no longer lists", async () => {
    enterRun(pushRun);
    const { id } = await artifactClient.deleteArtifact("ctrain-bundle");
    expect(fake.state.repo("octo/model").artifacts.has(id)).toBe(false);
    expect((await artifactClient.listArtifacts()).artifacts).toEqual([]);
  });

  it("saw nothing that breaks GitHub's contracts", () => {
    fake.assertNoViolations();
    runtime.assertNoViolations();
  });
});

describe("Actions runtime fake with the real @actions/cache", () => {
  it("restores a base-branch cache in a pull request by restore key, and keeps pull request caches from the base", async () => {
    const deps = join(scratch, "deps");
    await writeTree(deps, { "lib/model.py": "weights = 1\n" });

    enterRun(pushRun);
    const before = runtime.blobOperations.length;
    expect(await cache.saveCache([deps], "deps-linux-abc123")).toBeGreaterThan(0);
    expect(runtime.blobOperations.slice(before).map((entry) => entry.operation)).toEqual(["Put Blob"]);
    await rm(deps, { recursive: true });

    enterRun(pullRun);
    expect(await cache.restoreCache([deps], "deps-linux-def456", ["deps-linux-"])).toBe("deps-linux-abc123");
    expect(runtime.blobOperations.at(-1)).toMatchObject({ operation: "Get Blob", status: 200 });
    expect(await readFile(join(deps, "lib/model.py"), "utf8")).toBe("weights = 1\n");
    expect(await cache.saveCache([deps], "deps-linux-def456")).toBeGreaterThan(0);

    enterRun(pushRun);
    expect(await cache.restoreCache([deps], "deps-linux-def456", [], { lookupOnly: true })).toBeUndefined();
    expect(runtime.cacheEntries.map((entry) => [entry.scope, entry.key])).toEqual([
      ["refs/heads/main", "deps-linux-abc123"],
      [`refs/pull/${pullRun.pullNumbers[0]}/merge`, "deps-linux-def456"],
    ]);
    runtime.assertNoViolations();
  });
});

describe("Actions runtime fake refuses what the real services refuse", () => {
  type Answer = { status: number; body: { code?: string; msg?: string } & Record<string, unknown> };
  async function twirp(method: string, body: unknown, token: string, service = "ArtifactService"): Promise<Answer> {
    const response = await fetch(`${runtime.resultsUrl}/twirp/github.actions.results.api.v1.${service}/${method}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Answer["body"] };
  }

  it("rejects forged tokens, other runs' ids and requests that break the protocol", async () => {
    const token = runtime.runtimeToken(pushRun);
    const ids = { workflow_run_backend_id: pushRun.backendId, workflow_job_run_backend_id: pushRun.jobBackendId };
    const forged = `${token.slice(0, token.lastIndexOf("."))}.bm90LWEtc2lnbmF0dXJl`;
    expect((await twirp("ListArtifacts", ids, forged)).body.code).toBe("unauthenticated");
    const otherRun = { ...ids, workflow_run_backend_id: pullRun.backendId };
    expect((await twirp("ListArtifacts", otherRun, token)).body.code).toBe("permission_denied");
    expect(runtime.violations).toEqual([]);
    const camelCase = await twirp(
      "ListArtifacts",
      { workflowRunBackendId: pushRun.backendId, workflowJobRunBackendId: pushRun.jobBackendId },
      token,
    );
    expect(camelCase).toMatchObject({ status: 400, body: { code: "invalid_argument" } });
    expect(runtime.violations).toHaveLength(1);
    runtime.violations.length = 0;
  });

  it("checks signatures, staged blocks and MD5s on blob storage", async () => {
    const token = runtime.runtimeToken(pushRun);
    const ids = { workflow_run_backend_id: pushRun.backendId, workflow_job_run_backend_id: pushRun.jobBackendId };
    const created = await twirp("CreateArtifact", { ...ids, name: "raw-blob-checks", version: 7 }, token);
    const uploadUrl = new URL(String(created.body.signed_upload_url));
    const put = (url: URL, body: string, headers: Record<string, string> = {}) =>
      fetch(url, { method: "PUT", body, headers });
    const withQuery = (extra: Record<string, string>) => {
      const url = new URL(uploadUrl);
      for (const [key, value] of Object.entries(extra)) url.searchParams.set(key, value);
      return url;
    };

    const unsigned = new URL(uploadUrl);
    unsigned.searchParams.set("sig", "AAAA");
    expect((await put(unsigned, "x", { "x-ms-blob-type": "BlockBlob" })).status).toBe(403);
    const blockId = Buffer.from("block-0001").toString("base64");
    expect(
      (
        await put(withQuery({ comp: "block", blockid: blockId }), "hello", {
          "content-md5": "AAAAAAAAAAAAAAAAAAAAAA==",
        })
      ).status,
    ).toBe(400);
    expect((await put(withQuery({ comp: "block", blockid: blockId }), "hello")).status).toBe(201);
    const otherLength = Buffer.from("block-02").toString("base64");
    expect((await put(withQuery({ comp: "block", blockid: otherLength }), "x")).status).toBe(400);
    const unstaged = `<?xml version="1.0" encoding="utf-8"?><BlockList><Latest>${Buffer.from("block-0002").toString("base64")}</Latest></BlockList>`;
    expect((await put(withQuery({ comp: "blocklist" }), unstaged)).status).toBe(400);
    const valid = `<?xml version="1.0" encoding="utf-8"?><BlockList><Latest>${blockId}</Latest></BlockList>`;
    expect(
      (await put(withQuery({ comp: "blocklist" }), valid, { "x-ms-blob-content-type": "application/zip" })).status,
    ).toBe(201);

    const finalized = await twirp("FinalizeArtifact", { ...ids, name: "raw-blob-checks", size: "6" }, token);
    expect(finalized).toMatchObject({ status: 400, body: { code: "invalid_argument" } });
    expect(runtime.violations).toEqual([]);
  });

  it("serves whole blobs, ranges and properties from a signed download URL", async () => {
    const token = runtime.runtimeToken(pushRun);
    const entry = { key: "range-check", version: "v1" };
    const created = await twirp("CreateCacheEntry", entry, token, "CacheService");
    const put = await fetch(String(created.body.signed_upload_url), {
      method: "PUT",
      body: "0123456789",
      headers: { "x-ms-blob-type": "BlockBlob" },
    });
    expect(put.status).toBe(201);
    expect(
      (await twirp("FinalizeCacheEntryUpload", { ...entry, size_bytes: "10" }, token, "CacheService")).body.ok,
    ).toBe(true);
    const found = await twirp("GetCacheEntryDownloadURL", entry, token, "CacheService");
    const url = String(found.body.signed_download_url);
    const range = await fetch(url, { headers: { range: "bytes=2-5" } });
    expect([range.status, range.headers.get("content-range"), await range.text()]).toEqual([
      206,
      "bytes 2-5/10",
      "2345",
    ]);
    const head = await fetch(url, { method: "HEAD" });
    expect([head.status, head.headers.get("content-length")]).toEqual([200, "10"]);
    expect((await fetch(url, { method: "PUT", body: "x", headers: { "x-ms-blob-type": "BlockBlob" } })).status).toBe(
      403,
    );
    expect(runtime.violations).toEqual([]);
  });
});

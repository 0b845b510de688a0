import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GitHubModelRegistry, createGitHubClient } from "@ctrain/github";
import { publishModel } from "@ctrain/publish";
import { startGitHubFake, type GitHubFake, type RepoRecord } from "../harness/github-fake/index.js";
import { runAction, type ActionEvent } from "../harness/run-action.js";
import { loadWebhookExample, retargetWebhook } from "../harness/webhook-examples.js";
import { FAST_CLIENT_TIMING } from "../harness/client-timing.js";
import { workflowJobPermissions } from "../harness/workflow-permissions.js";
import { MODEL, makeWorkspace, publishConfig } from "../publish/workspace.js";
import { tempDir } from "../support/temp-dir.js";

let fake: GitHubFake;
let repo: RepoRecord;

/** Two published versions, as earlier publish runs left them; a test that alters an asset puts it back. */
beforeAll(async () => {
  fake = await startGitHubFake();
  repo = fake.state.addRepo("octo/models");
  const registry = new GitHubModelRegistry(
    createGitHubClient({
      token: fake.issueToken({
        kind: "installation",
        permissions: workflowJobPermissions("release-model.yml", "publish"),
      }),
      baseUrl: fake.url,
      timing: FAST_CLIENT_TIMING,
    }),
    { owner: "octo", repo: "models" },
  );
  const main = repo.refs.get("heads/main")!;
  for (const [content, accuracy] of [
    ["model one", 0.9],
    ["model two", 0.92],
  ] as const) {
    const workspace = makeWorkspace({ commit: main, files: { "out/model.bin": content }, metrics: { accuracy } });
    await publishModel({
      bundle: workspace.bundle,
      modelRoot: workspace.root,
      model: MODEL,
      publish: publishConfig({ approval: "none" }),
      registry,
      commit: main,
      workDir: join(workspace.root, "tmp"),
    });
  }
});

afterEach(() => fake.assertNoViolations());
afterAll(() => fake.close());

/** Serves other bytes for a model asset during `body`, as an attacker with write access could. */
async function withTamperedModel(content: Buffer, body: () => Promise<void>): Promise<void> {
  const model = releaseOf("churn@v0.2.0")
    .assetIds.map((id) => repo.assets.get(id)!)
    .find((asset) => asset.name === "out.model.bin")!;
  const original = model.content;
  fake.state.tamperReleaseAsset(repo, model.id, content);
  try {
    await body();
  } finally {
    fake.state.tamperReleaseAsset(repo, model.id, original);
  }
}

const readToken = () => fake.issueToken({ kind: "installation", permissions: { contents: "read" } });

/** The fetch-model action, run as the runner runs it with a contents: read token. */
function fetchModel(event: ActionEvent, workspace: string, inputs?: Record<string, string>) {
  return runAction("fetch-model", {
    github: fake,
    event,
    workspace,
    token: readToken(),
    ...(inputs ? { inputs } : {}),
  });
}
const releaseOf = (tag: string) => [...repo.releases.values()].find((release) => release.tagName === tag)!;

function releaseEvent(tag: string) {
  const payload = retargetWebhook(
    fake,
    loadWebhookExample("release", (event) => event.action === "published"),
    {
      repo: "octo/models",
      release: releaseOf(tag).id,
    },
  );
  return { name: "release", payload: payload as unknown as Record<string, unknown> };
}

describe("the fetch-model action", () => {
  it("fetches the release that started the run and outputs where it is", async () => {
    const workspace = tempDir("ctrain-deploy-");
    const step = await fetchModel(releaseEvent("churn@v0.1.0"), workspace);
    expect(step.stderr).toBe("");
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toMatchObject({
      version: "0.1.0",
      tag: "churn@v0.1.0",
      path: join(workspace, ".ctrain/model"),
      "model-path": join(workspace, ".ctrain/model/model"),
    });
    expect(JSON.parse(step.outputs.metrics!)).toEqual({ accuracy: 0.9 });
    expect(readFileSync(join(workspace, ".ctrain/model/model/out/model.bin"), "utf8")).toBe("model one");
  });

  it("resolves latest and semver ranges outside release events", async () => {
    const workspace = tempDir("ctrain-deploy-");
    const push = retargetWebhook(fake, loadWebhookExample("push"), { repo: "octo/models" });
    const event = { name: "push", payload: push as unknown as Record<string, unknown> };
    const latest = await fetchModel(event, workspace, { model: "churn" });
    expect(latest.outputs.tag).toBe("churn@v0.2.0");
    const ranged = await fetchModel(event, workspace, { model: "churn", version: "~0.1.0", path: "deploy" });
    expect(ranged.exitCode).toBe(0);
    expect(readFileSync(join(workspace, "deploy/model/out/model.bin"), "utf8")).toBe("model one");
  });

  it("fails on an asset tampered after publishing, and deploys nothing", async () => {
    await withTamperedModel(Buffer.from("model bad"), async () => {
      const workspace = tempDir("ctrain-deploy-");
      const step = await fetchModel(releaseEvent("churn@v0.2.0"), workspace);
      expect(step.exitCode).toBe(1);
      const error = step.annotations.find((annotation) => annotation.level === "error")!;
      expect(error.message).toMatch(
        /out\.model\.bin downloaded as 9 bytes with sha256 [0-9a-f]{64}; the manifest says 9 bytes/,
      );
      expect(error.message).toContain("do not deploy it");
      expect(existsSync(join(workspace, ".ctrain/model"))).toBe(false);
    });
  });

  it("stops reading an asset longer than its manifest lists", async () => {
    await withTamperedModel(Buffer.alloc(1024 * 1024, 1), async () => {
      const workspace = tempDir("ctrain-deploy-");
      const step = await fetchModel(releaseEvent("churn@v0.2.0"), workspace);
      expect(step.exitCode).toBe(1);
      expect(step.annotations[0]!.message).toMatch(/out\.model\.bin is longer than the 9 bytes the manifest lists/);
    });
  });

  it("refuses a release event of another model", async () => {
    const workspace = tempDir("ctrain-deploy-");
    const step = await fetchModel(releaseEvent("churn@v0.1.0"), workspace, { model: "fraud" });
    expect(step.exitCode).toBe(1);
    expect(step.annotations[0]!.message).toMatch(/a release of churn, not fraud/);
  });
});

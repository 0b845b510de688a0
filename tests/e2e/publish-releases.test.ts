import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "@ctrain/core";
import { readReleaseBaseline, sideOfBaseline } from "@ctrain/compare";
import { GitHubApprovalSource, GitHubModelRegistry, createGitHubClient } from "@ctrain/github";
import { fetchModel, parseManifest, publishModel, type PublishModelOptions } from "@ctrain/publish";
import { startGitHubFake, type GitHubFake, type Permissions, type RepoRecord } from "../harness/github-fake/index.js";
import { FAST_CLIENT_TIMING } from "../harness/client-timing.js";
import { MODEL, makeWorkspace, publishConfig, sha256, type TestWorkspace } from "../publish/workspace.js";
import { tempDir } from "../support/temp-dir.js";

let fake: GitHubFake;
let repo: RepoRecord;
let head: string;
let pullNumber: number;

beforeEach(async () => {
  fake = await startGitHubFake();
  repo = fake.state.addRepo("octo/models");
  fake.state.addCommit(repo, { branch: "retrain", message: "retrain on January data" });
  head = fake.state.addCommit(repo, { branch: "retrain", message: "tune depth" }).sha;
  pullNumber = fake.state.addPull(repo, { head: "retrain", user: "dev" }).number;
  fake.state.addCollaborator(repo, "ann", "write");
  fake.state.addCollaborator(repo, "bob", "maintain");
  fake.state.addCollaborator(repo, "guest", "read");
});

afterEach(async () => {
  fake.assertNoViolations();
  await fake.close();
});

function github(permissions: Permissions = { contents: "write", "pull-requests": "read" }) {
  const client = createGitHubClient({
    token: fake.issueToken({ kind: "installation", permissions }),
    baseUrl: fake.url,
    timing: FAST_CLIENT_TIMING,
  });
  return {
    registry: new GitHubModelRegistry(client, { owner: "octo", repo: "models" }),
    // In-process, outside a workflow run: no run id, so only the review and label policies can be checked.
    approvals: new GitHubApprovalSource(client, { owner: "octo", repo: "models" }, { serverUrl: "https://github.com" }),
  };
}

function options(workspace: TestWorkspace, overrides: Partial<PublishModelOptions> = {}): PublishModelOptions {
  const { registry, approvals } = github();
  return {
    bundle: workspace.bundle,
    modelRoot: workspace.root,
    model: MODEL,
    publish: publishConfig({ approval: "review" }),
    registry,
    approvalSource: approvals,
    commit: head,
    workDir: join(workspace.root, "tmp"),
    ...overrides,
  };
}

const releases = () => [...repo.releases.values()];
const assetNames = (releaseId: number) =>
  repo.releases
    .get(releaseId)!
    .assetIds.map((id) => repo.assets.get(id)!.name)
    .sort();

async function refusal(promise: Promise<unknown>): Promise<UserError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error("expected a refusal");
}

describe("publish to GitHub releases", () => {
  it("publishes an approved model: draft, every asset, verified, then published at the commit", async () => {
    fake.state.addReview(repo, pullNumber, { user: "ann", state: "APPROVED" });
    const workspace = makeWorkspace({ commit: head });
    const lines: string[] = [];
    const result = await publishModel(options(workspace, { log: (line) => lines.push(line) }));

    expect(result.outcome).toBe("published");
    expect(result.approval).toMatchObject({ approved: true, approvers: ["ann"], pullRequest: pullNumber });
    expect(releases()).toHaveLength(1);
    const release = releases()[0]!;
    expect(release).toMatchObject({ tagName: "churn@v0.1.0", draft: false, prerelease: false, name: "churn v0.1.0" });
    expect(repo.refs.get("tags/churn@v0.1.0")).toBe(head);
    expect(repo.latestReleaseId).toBe(release.id);
    expect(assetNames(release.id)).toEqual([
      "comparison.json",
      "manifest.json",
      "model-card.md",
      "out.config.json",
      "out.model.pkl",
      "run.json",
    ]);
    expect(release.body).toContain("the first release of this model");
    expect(release.body).toMatch(/<!-- ctrain:bundle sha256:[0-9a-f]{64} -->/);
    // Drafted first, published last.
    const calls = fake.requests.map((request) => request.operationId);
    expect(calls.indexOf("repos/create-release")).toBeLessThan(calls.indexOf("repos/upload-release-asset"));
    expect(calls.lastIndexOf("repos/list-release-assets")).toBeLessThan(calls.indexOf("repos/update-release"));
    expect(calls.lastIndexOf("repos/upload-release-asset")).toBeLessThan(calls.indexOf("repos/update-release"));

    const stored = (name: string) =>
      release.assetIds.map((id) => repo.assets.get(id)!).find((asset) => asset.name === name)!.content;
    const manifest = parseManifest(stored("manifest.json").toString("utf8"), "manifest.json");
    for (const file of manifest.files) expect(sha256(stored(file.parts[0]!.asset)), file.path).toBe(file.sha256);
    expect(manifest.approval.approvers).toEqual(["ann"]);

    const fetched = await fetchModel({
      registry: github({ contents: "read" }).registry,
      model: "churn",
      version: "latest",
      destination: join(workspace.root, "deploy"),
    });
    expect(fetched.release.tag).toBe("churn@v0.1.0");
    expect(readFileSync(join(fetched.modelPath, "out/model.pkl"), "utf8")).toBe("pickled model bytes");
    expect(fetched.metrics).toEqual({ accuracy: 0.91, "loss.val": 0.25 });
  });

  it("refuses without an approval on the final head commit from a user with write access", async () => {
    const workspace = makeWorkspace({ commit: head });
    let error = await refusal(publishModel(options(workspace)));
    expect(error.message).toMatch(/^publish refused: pull request #\d+ has 0 of 1 required approval/);

    fake.state.addReview(repo, pullNumber, { user: "guest", state: "APPROVED" });
    fake.state.addReview(repo, pullNumber, {
      user: "ann",
      state: "APPROVED",
      commitId: repo.commits.get(head)!.parents[0],
    });
    error = await refusal(publishModel(options(workspace)));
    expect(error.message).toMatch(/0 of 1 required .*not counted, no write access: guest/);

    fake.state.addReview(repo, pullNumber, { user: "bob", state: "APPROVED" });
    fake.state.addReview(repo, pullNumber, { user: "bob", state: "CHANGES_REQUESTED" });
    error = await refusal(publishModel(options(workspace)));
    expect(error.hint).toMatch(/approve the pull request's latest commit/);
    expect(releases()).toEqual([]);
  });

  it("accepts a label policy and refuses a missing label", async () => {
    const workspace = makeWorkspace({ commit: head });
    const labelled = options(workspace, { publish: publishConfig({ approval: "label:ship-model" }) });
    expect((await refusal(publishModel(labelled))).message).toMatch(/does not carry the label "ship-model"/);
    fake.state.addLabel(repo, pullNumber, "Ship-Model");
    expect((await publishModel(labelled)).outcome).toBe("published");
  });

  it("refuses a failed verdict before asking GitHub anything", async () => {
    const workspace = makeWorkspace({ commit: head, verdict: "failed" });
    const error = await refusal(publishModel(options(workspace)));
    expect(error.message).toMatch(/comparison verdict is "failed"/);
    expect(fake.requests).toEqual([]);
  });

  it("turns a missing permission into the permissions line to add", async () => {
    fake.state.addReview(repo, pullNumber, { user: "ann", state: "APPROVED" });
    const readOnly = github({ contents: "read", "pull-requests": "read" }).registry;
    const error = await refusal(publishModel(options(makeWorkspace({ commit: head }), { registry: readOnly })));
    expect(error.hint).toMatch(/contents: write/);
    const noPulls = github({ contents: "write", "pull-requests": "none" }).approvals;
    const second = await refusal(publishModel(options(makeWorkspace({ commit: head }), { approvalSource: noPulls })));
    expect(second.hint).toMatch(/pull-requests: read/);
  });
});

describe("re-runs and crashes", () => {
  beforeEach(() => {
    fake.state.addReview(repo, pullNumber, { user: "ann", state: "APPROVED" });
  });

  it("makes re-publishing the same bundle a no-op that returns the existing release", async () => {
    const workspace = makeWorkspace({ commit: head });
    const first = await publishModel(options(workspace));
    const uploads = fake.requests.filter((request) => request.operationId === "repos/upload-release-asset").length;
    const again = await publishModel(options(workspace));
    expect(again).toMatchObject({ outcome: "unchanged", release: { tag: "churn@v0.1.0", id: first.release.id } });
    expect(releases()).toHaveLength(1);
    expect(fake.requests.filter((request) => request.operationId === "repos/upload-release-asset")).toHaveLength(
      uploads,
    );
  });

  it("resumes the draft a crash left between upload and publish, without duplicates", async () => {
    const workspace = makeWorkspace({ commit: head });
    const crash = options(workspace, {
      publish: publishConfig({ approval: "review", attest: true }),
      attest: () => Promise.reject(new Error("the runner lost its connection")),
    });
    await expect(publishModel(crash)).rejects.toThrow("the runner lost its connection");
    expect(releases()).toHaveLength(1);
    const draft = releases()[0]!;
    expect(draft.draft).toBe(true);
    expect(repo.refs.has("tags/churn@v0.1.0")).toBe(false);
    const uploadedBefore = draft.assetIds.length;

    const rerun = await publishModel(options(workspace));
    expect(rerun.outcome).toBe("resumed");
    expect(releases()).toHaveLength(1);
    expect(releases()[0]).toMatchObject({ id: draft.id, draft: false, tagName: "churn@v0.1.0" });
    expect(assetNames(draft.id)).toHaveLength(uploadedBefore);
    // Only the model card and manifest, which carry the time of writing, are replaced.
    const reuploaded = fake.requests.filter((request) => request.operationId === "repos/upload-release-asset");
    expect(reuploaded.length).toBeLessThanOrEqual(uploadedBefore + 2);
  });

  it("clears a half-uploaded starter asset and a stale asset when resuming a crashed upload", async () => {
    const workspace = makeWorkspace({ commit: head });
    await expect(
      publishModel(
        options(workspace, {
          publish: publishConfig({ approval: "review", attest: true }),
          attest: () => Promise.reject(new Error("killed")),
        }),
      ),
    ).rejects.toThrow("killed");
    const draft = releases()[0]!;
    const byName = (name: string) =>
      draft.assetIds.map((id) => repo.assets.get(id)!).find((asset) => asset.name === name)!;
    // The crash hit in the middle of uploading the model: GitHub kept a `starter` asset; another file is stale.
    fake.state.deleteReleaseAsset(repo, byName("out.model.pkl"));
    fake.state.addReleaseAsset(repo, draft.id, { name: "out.model.pkl", state: "starter" });
    fake.state.deleteReleaseAsset(repo, byName("out.config.json"));
    fake.state.addReleaseAsset(repo, draft.id, { name: "out.config.json", content: Buffer.from("{}") });

    await publishModel(options(workspace));
    const release = releases()[0]!;
    expect(release.draft).toBe(false);
    const assets = release.assetIds.map((id) => repo.assets.get(id)!);
    expect(assets.map((asset) => asset.name).sort()).toEqual(assetNames(release.id));
    expect(new Set(assets.map((asset) => asset.name)).size).toBe(6);
    expect(assets.every((asset) => asset.state === "uploaded")).toBe(true);
    expect(byName("out.model.pkl").content.toString()).toBe("pickled model bytes");
    expect(byName("out.config.json").content.toString()).toBe('{"depth":3}');
  });

  it("retries an upload refused as already_exists after deleting the other asset", async () => {
    const workspace = makeWorkspace({ commit: head });
    let injected = false;
    const log = (line: string) => {
      // A concurrent writer lands an asset under the next name between listing and uploading.
      if (!injected && line.startsWith("uploaded comparison.json")) {
        injected = true;
        const draft = releases()[0]!;
        fake.state.addReleaseAsset(repo, draft.id, { name: "model-card.md", content: Buffer.from("not ours") });
      }
    };
    await publishModel(options(workspace, { log }));
    expect(injected).toBe(true);
    const statuses = fake.requests
      .filter((request) => request.operationId === "repos/upload-release-asset")
      .map((request) => request.status);
    expect(statuses.filter((status) => status === 422)).toHaveLength(1);
    const release = releases()[0]!;
    expect(assetNames(release.id)).toHaveLength(6);
    const card = release.assetIds.map((id) => repo.assets.get(id)!).find((asset) => asset.name === "model-card.md")!;
    expect(card.content.toString()).toContain("# churn 0\\.1\\.0");
  });

  it("replaces a draft of the same tag left by another bundle, and refuses a tag that exists at another commit", async () => {
    const other = makeWorkspace({ commit: head, files: { "out/model.pkl": "an older attempt" } });
    await expect(
      publishModel(
        options(other, {
          publish: publishConfig({ approval: "review", attest: true }),
          attest: () => Promise.reject(new Error("killed")),
        }),
      ),
    ).rejects.toThrow("killed");
    const stale = releases()[0]!;
    const result = await publishModel(options(makeWorkspace({ commit: head })));
    expect(result.release.tag).toBe("churn@v0.1.0");
    expect(releases().map((release) => release.id)).not.toContain(stale.id);
    expect(releases()).toHaveLength(1);

    fake.state.addTag(repo, "churn@v0.2.0", repo.commits.get(head)!.parents[0]!);
    const next = makeWorkspace({ commit: head, files: { "out/model.pkl": "a newer model" } });
    const error = await refusal(publishModel(options(next)));
    expect(error.message).toMatch(/tag churn@v0\.2\.0 already exists at commit [0-9a-f]{12}, not [0-9a-f]{12}/);
  });
});

describe("fetch from GitHub releases", () => {
  beforeEach(() => {
    fake.state.addReview(repo, pullNumber, { user: "ann", state: "APPROVED" });
  });
  const reader = () => github({ contents: "read" }).registry;

  it("reassembles split files", async () => {
    const big = Buffer.from(Array.from({ length: 5000 }, (_, index) => (index * 31) % 251));
    const workspace = makeWorkspace({ commit: head, files: { "out/weights.bin": big } });
    await publishModel(options(workspace, { partBytes: 2048 }));
    expect(assetNames(releases()[0]!.id).filter((name) => name.startsWith("out.weights"))).toEqual([
      "out.weights.bin.part-001-of-003",
      "out.weights.bin.part-002-of-003",
      "out.weights.bin.part-003-of-003",
    ]);
    const fetched = await fetchModel({
      registry: reader(),
      model: "churn",
      version: "^0.1",
      destination: join(workspace.root, "d"),
    });
    expect(readFileSync(join(fetched.modelPath, "out/weights.bin")).equals(big)).toBe(true);
  });

  it("catches an asset tampered after publishing", async () => {
    const workspace = makeWorkspace({ commit: head });
    await publishModel(options(workspace));
    const model = [...repo.assets.values()].find((asset) => asset.name === "out.model.pkl")!;
    fake.state.tamperReleaseAsset(repo, model.id, Buffer.from("pickled model bytez"));
    const destination = join(workspace.root, "deploy");
    const error = await refusal(fetchModel({ registry: reader(), model: "churn", version: "latest", destination }));
    expect(error.message).toMatch(
      /churn@v0\.1\.0 .*out\.model\.pkl downloaded as 19 bytes with sha256 [0-9a-f]{64}; the manifest says/,
    );
    expect(existsSync(destination)).toBe(false);
  });

  it("refuses a manifest whose paths leave the folder", async () => {
    const workspace = makeWorkspace({ commit: head });
    await publishModel(options(workspace));
    const release = releases()[0]!;
    const manifestAsset = [...repo.assets.values()].find((asset) => asset.name === "manifest.json")!;
    const manifest = JSON.parse(manifestAsset.content.toString("utf8")) as { files: { path: string }[] };
    manifest.files.find((file) => file.path === "model/out/model.pkl")!.path = "model/../../../owned.pkl";
    // Someone with write access replaces the manifest: its listed size and digest are consistent.
    fake.state.deleteReleaseAsset(repo, manifestAsset);
    fake.state.addReleaseAsset(repo, release.id, {
      name: "manifest.json",
      content: Buffer.from(JSON.stringify(manifest)),
    });
    const scratch = tempDir("ctrain-escape-");
    const destination = join(scratch, "a", "b");
    const error = await refusal(fetchModel({ registry: reader(), model: "churn", version: "latest", destination }));
    expect(error.message).toMatch(/files\.\d\.path: a relative path that stays inside its folder/);
    expect(existsSync(join(scratch, "owned.pkl"))).toBe(false);
    expect(existsSync(destination)).toBe(false);
  });

  it("refuses a release holding an asset its manifest does not list", async () => {
    const workspace = makeWorkspace({ commit: head });
    await publishModel(options(workspace));
    fake.state.addReleaseAsset(repo, releases()[0]!.id, { name: "install.sh", content: Buffer.from("curl x | sh") });
    const error = await refusal(
      fetchModel({ registry: reader(), model: "churn", version: "latest", destination: join(workspace.root, "d") }),
    );
    expect(error.message).toMatch(/holds install\.sh, which the manifest does not list/);
  });
});

describe("a release:<tag|latest> baseline from GitHub releases", () => {
  const champion = "id,y_true,y_pred\n1,0,0\n2,1,0\n3,1,1\n";
  const baselineDir = (workspace: TestWorkspace) => join(workspace.root, "baselines");

  beforeEach(() => {
    fake.state.addReview(repo, pullNumber, { user: "ann", state: "APPROVED" });
  });

  it("downloads the champion's predictions, verified, as the baseline's", async () => {
    const workspace = makeWorkspace({ commit: head, predictions: champion });
    await publishModel(options(workspace));
    expect(assetNames(releases()[0]!.id)).toContain("predictions.preds.csv");
    const resolved = await readReleaseBaseline(
      github({ contents: "read" }).registry,
      "churn",
      "latest",
      baselineDir(workspace),
    );
    expect(resolved.origin).toMatchObject({ kind: "release", release: "churn@v0.1.0", commit: head, notes: [] });
    expect(readFileSync(sideOfBaseline(resolved)!.predictionsPath!, "utf8")).toBe(champion);
  });

  it("refuses a predictions asset tampered after publishing", async () => {
    const workspace = makeWorkspace({ commit: head, predictions: champion });
    await publishModel(options(workspace));
    const asset = [...repo.assets.values()].find((candidate) => candidate.name === "predictions.preds.csv")!;
    fake.state.tamperReleaseAsset(repo, asset.id, Buffer.from(champion.replace("2,1,0", "2,1,1")));
    const error = await refusal(
      readReleaseBaseline(github({ contents: "read" }).registry, "churn", "latest", baselineDir(workspace)),
    );
    expect(error.message).toMatch(
      /^churn@v0\.1\.0 .*: predictions\.preds\.csv downloaded as \d+ bytes with sha256 [0-9a-f]{64}; the manifest says/,
    );
    expect(existsSync(join(baselineDir(workspace), "release-churn_v0.1.0"))).toBe(false);
  });

  it("says paired tests are impossible when the champion has no predictions", async () => {
    const workspace = makeWorkspace({ commit: head });
    await publishModel(options(workspace));
    const resolved = await readReleaseBaseline(
      github({ contents: "read" }).registry,
      "churn",
      "latest",
      baselineDir(workspace),
    );
    expect(resolved.origin.notes).toEqual([
      "paired tests are impossible: release churn@v0.1.0 has no predictions (its run recorded none)",
    ]);
    expect(sideOfBaseline(resolved)?.predictionsPath).toBeUndefined();
  });
});

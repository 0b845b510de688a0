import { createHash } from "node:crypto";
import { Octokit } from "@octokit/rest";
import { throttling } from "@octokit/plugin-throttling";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PERMISSIVE_DEFAULT, startGitHubFake, type GitHubFake } from "../harness/github-fake/index.js";

let fake: GitHubFake;

beforeEach(async () => {
  fake = await startGitHubFake();
});

afterEach(async () => {
  await fake.close();
});

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** A plain client: no retries, so a 500 naming a violation comes back at once. */
function client(token: string): Octokit {
  return new Octokit({ auth: token, baseUrl: fake.url, log: quiet });
}

function statusOf(
  promise: Promise<unknown>,
): Promise<{ status: number; message: string; headers: Record<string, string> }> {
  return promise.then(
    () => ({ status: 200, message: "", headers: {} }),
    (error: { status: number; message: string; response?: { headers: Record<string, string> } }) => ({
      status: error.status,
      message: error.message,
      headers: error.response?.headers ?? {},
    }),
  );
}

function seedPullRequest() {
  const repo = fake.state.addRepo("octo/model");
  const base = repo.refs.get("heads/main") as string;
  fake.state.addCommit(repo, { branch: "main", message: "main moves on" });
  fake.state.addCommit(repo, { branch: "feature", parents: [base], message: "feature one" });
  const head = fake.state.addCommit(repo, { branch: "feature", message: "feature two" });
  const pull = fake.state.addPull(repo, { head: "feature", title: "Better model", user: "alice" });
  return { repo, base, head, pull };
}

describe("GitHub fake answers in GitHub's shapes", () => {
  it("serves every implemented read and write without breaking the description", async () => {
    const { repo, base, head, pull } = seedPullRequest();
    const owner = "octo";
    const name = "model";
    fake.state.addCollaborator(repo, "bob", "maintain");
    fake.state.addReview(repo, pull.number, { user: "bob", state: "APPROVED" });
    fake.state.addLabel(repo, pull.number, "ml");
    fake.state.addTag(repo, "v0.1.0", base);
    const run = fake.state.addWorkflowRun(repo, { workflow: "ci.yml", conclusion: "success", pullNumbers: [] });
    const artifact = fake.state.addArtifact(run.id, { name: "ctrain-bundle", files: { "run.json": "{}" } });
    const octokit = client(fake.issueToken({ kind: "installation", permissions: PERMISSIVE_DEFAULT }));
    const user = client(fake.issueToken({ kind: "user", login: "octo" }));

    await octokit.rest.repos.get({ owner, repo: name });
    await octokit.rest.repos.getCommit({ owner, repo: name, ref: "feature" });
    const comparison = await octokit.rest.repos.compareCommitsWithBasehead({
      owner,
      repo: name,
      basehead: "main...feature",
    });
    expect(comparison.data).toMatchObject({ status: "diverged", ahead_by: 2, behind_by: 1 });
    expect(comparison.data.merge_base_commit.sha).toBe(base);
    const associated = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
      owner,
      repo: name,
      commit_sha: head.sha,
    });
    expect(associated.data.map((entry) => entry.number)).toEqual([pull.number]);
    const ref = await octokit.rest.git.getRef({ owner, repo: name, ref: "heads/feature" });
    expect(ref.data.object.sha).toBe(head.sha);
    await octokit.rest.git.getRef({ owner, repo: name, ref: "tags/v0.1.0" });
    await octokit.rest.pulls.get({ owner, repo: name, pull_number: pull.number });
    const listed = await octokit.rest.pulls.list({ owner, repo: name, head: "octo:feature", state: "open" });
    expect(listed.data).toHaveLength(1);
    await octokit.rest.pulls.listReviews({ owner, repo: name, pull_number: pull.number });
    const permission = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo: name, username: "bob" });
    expect(permission.data).toMatchObject({ permission: "write", role_name: "maintain" });
    await octokit.rest.issues.listLabelsOnIssue({ owner, repo: name, issue_number: pull.number });
    const comment = await octokit.rest.issues.createComment({
      owner,
      repo: name,
      issue_number: pull.number,
      body: "report",
    });
    expect(comment.data.user?.login).toBe("github-actions[bot]");
    expect(comment.data.user?.type).toBe("Bot");
    expect(comment.data.user?.id).toBe(41898282);
    await octokit.rest.issues.updateComment({ owner, repo: name, comment_id: comment.data.id, body: "report v2" });
    await octokit.rest.issues.getComment({ owner, repo: name, comment_id: comment.data.id });
    await octokit.rest.issues.listComments({ owner, repo: name, issue_number: pull.number });
    await octokit.rest.issues.deleteComment({ owner, repo: name, comment_id: comment.data.id });
    const onCommit = await octokit.rest.repos.createCommitComment({
      owner,
      repo: name,
      commit_sha: head.sha,
      body: "on this commit",
    });
    await octokit.rest.repos.updateCommitComment({ owner, repo: name, comment_id: onCommit.data.id, body: "edited" });
    const commitComments = await octokit.rest.repos.listCommentsForCommit({ owner, repo: name, commit_sha: head.sha });
    expect(commitComments.data.map((comment) => comment.body)).toEqual(["edited"]);
    await user.rest.users.getAuthenticated();

    const check = await octokit.rest.checks.create({
      owner,
      repo: name,
      name: "ctrain",
      head_sha: head.sha,
      status: "in_progress",
      output: {
        title: "Running",
        summary: "…",
        annotations: [
          { path: "data/train.csv", start_line: 3, end_line: 3, annotation_level: "warning", message: "drift" },
        ],
      },
    });
    await octokit.rest.checks.update({
      owner,
      repo: name,
      check_run_id: check.data.id,
      conclusion: "success",
      output: { title: "Done", summary: "ok" },
    });
    await octokit.rest.checks.get({ owner, repo: name, check_run_id: check.data.id });
    const annotations = await octokit.rest.checks.listAnnotations({ owner, repo: name, check_run_id: check.data.id });
    expect(annotations.data[0]?.blob_href).toContain(`/blob/${head.sha}/data/train.csv`);

    const runs = await octokit.rest.actions.listWorkflowRuns({
      owner,
      repo: name,
      workflow_id: "ci.yml",
      branch: "main",
      status: "success",
    });
    expect(runs.data.workflow_runs.map((entry) => entry.id)).toEqual([run.id]);
    await octokit.rest.actions.listWorkflowRunsForRepo({ owner, repo: name, event: "push" });
    await octokit.rest.actions.getWorkflowRun({ owner, repo: name, run_id: run.id });
    const artifacts = await octokit.rest.actions.listWorkflowRunArtifacts({
      owner,
      repo: name,
      run_id: run.id,
      name: "ctrain-bundle",
    });
    expect(artifacts.data.artifacts[0]?.digest).toBe(artifact.digest);
    await octokit.rest.actions.listArtifactsForRepo({ owner, repo: name });
    await octokit.rest.actions.getArtifact({ owner, repo: name, artifact_id: artifact.id });

    const release = await octokit.rest.repos.createRelease({ owner, repo: name, tag_name: "v1.0.0", draft: true });
    await octokit.rest.repos.listReleases({ owner, repo: name });
    await octokit.rest.repos.getRelease({ owner, repo: name, release_id: release.data.id });
    await octokit.rest.repos.updateRelease({ owner, repo: name, release_id: release.data.id, draft: false });
    await octokit.rest.repos.getReleaseByTag({ owner, repo: name, tag: "v1.0.0" });
    await octokit.rest.repos.getLatestRelease({ owner, repo: name });
    await octokit.rest.repos.listReleaseAssets({ owner, repo: name, release_id: release.data.id });
    await octokit.rest.repos.deleteRelease({ owner, repo: name, release_id: release.data.id });

    fake.assertNoViolations();
  });

  it("rejects a malformed request as a violation and answers 500 naming it", async () => {
    const { pull } = seedPullRequest();
    const octokit = client(fake.issueToken({ kind: "installation", permissions: PERMISSIVE_DEFAULT }));
    const wrongType = await statusOf(
      octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        owner: "octo",
        repo: "model",
        issue_number: pull.number,
        body: 42 as unknown as string,
      }),
    );
    expect(wrongType.status).toBe(500);
    expect(wrongType.message).toContain("issues/create-comment");
    const badEnum = await statusOf(
      octokit.rest.pulls.list({ owner: "octo", repo: "model", state: "merged" as "open" }),
    );
    expect(badEnum.status).toBe(500);
    expect(fake.violations.map((violation) => [violation.kind, violation.operationId])).toEqual([
      ["request", "issues/create-comment"],
      ["request", "pulls/list"],
    ]);
    expect(fake.violations[0]?.message).toContain("body/body must be string");
    expect(fake.violations[1]?.message).toMatch(/request query "state".*must be equal to one of the allowed values/);
    expect(() => fake.assertNoViolations()).toThrow(/2 violation/);
  });

  it("catches a response of its own that breaks the description", async () => {
    const { head } = seedPullRequest();
    const octokit = client(fake.issueToken({ kind: "installation", permissions: PERMISSIVE_DEFAULT }));
    const check = await octokit.rest.checks.create({
      owner: "octo",
      repo: "model",
      name: "ctrain",
      head_sha: head.sha,
    });
    const record = fake.state.repo("octo/model").checkRuns.get(check.data.id);
    if (!record) throw new Error("check run not stored");
    record.conclusion = "exploded";
    const answer = await statusOf(
      octokit.rest.checks.get({ owner: "octo", repo: "model", check_run_id: check.data.id }),
    );
    expect(answer.status).toBe(500);
    expect(fake.violations).toHaveLength(1);
    expect(fake.violations[0]).toMatchObject({ kind: "response", operationId: "checks/get" });
    expect(fake.violations[0]?.message).toContain("/conclusion must be equal to one of the allowed values");
  });

  it("records what it does not implement", async () => {
    fake.state.addRepo("octo/model");
    const answer = await statusOf(
      client(fake.issueToken({ kind: "installation", permissions: PERMISSIVE_DEFAULT })).rest.repos.listBranches({
        owner: "octo",
        repo: "model",
      }),
    );
    expect(answer.status).toBe(404);
    expect(answer.headers["x-ratelimit-remaining"]).toBeDefined();
    expect(fake.violations[0]).toMatchObject({ kind: "unimplemented", operationId: "repos/list-branches" });
  });
});

describe("GitHub fake pagination", () => {
  it("pages with Link headers the way GitHub writes them and octokit's paginate follows them", async () => {
    const { pull } = seedPullRequest();
    for (let index = 0; index < 45; index++)
      fake.state.addComment("octo/model", pull.number, { body: `comment ${index}` });
    const octokit = client(fake.issueToken({ kind: "installation", permissions: PERMISSIVE_DEFAULT }));
    const second = await octokit.rest.issues.listComments({
      owner: "octo",
      repo: "model",
      issue_number: pull.number,
      per_page: 20,
      page: 2,
    });
    const pageUrl = (page: number) =>
      `${fake.url}/repos/octo/model/issues/${pull.number}/comments?per_page=20&page=${page}`;
    expect(second.headers.link).toBe(
      `<${pageUrl(1)}>; rel="prev", <${pageUrl(3)}>; rel="next", <${pageUrl(3)}>; rel="last", <${pageUrl(1)}>; rel="first"`,
    );
    const all = await octokit.paginate(octokit.rest.issues.listComments, {
      owner: "octo",
      repo: "model",
      issue_number: pull.number,
      per_page: 20,
    });
    expect(all.map((comment) => comment.body)).toEqual(Array.from({ length: 45 }, (_, index) => `comment ${index}`));
    expect(fake.requests.filter((request) => request.operationId === "issues/list-comments")).toHaveLength(4);
    fake.assertNoViolations();
  });
});

describe("GitHub fake tokens and permissions", () => {
  it("refuses a write without permission with GitHub's words and the accepted permissions", async () => {
    const { pull } = seedPullRequest();
    const readOnly = client(
      fake.issueToken({ kind: "installation", permissions: { issues: "read", "pull-requests": "read" } }),
    );
    const denied = await statusOf(
      readOnly.rest.issues.createComment({ owner: "octo", repo: "model", issue_number: pull.number, body: "x" }),
    );
    expect(denied.status).toBe(403);
    expect(denied.message).toContain("Resource not accessible by integration");
    expect(denied.headers["x-accepted-github-permissions"]).toBe("issues=write; pull_requests=write");

    const fork = client(fake.issueToken({ kind: "installation", permissions: PERMISSIVE_DEFAULT, fork: true }));
    expect(
      (
        await statusOf(
          fork.rest.issues.createComment({ owner: "octo", repo: "model", issue_number: pull.number, body: "x" }),
        )
      ).status,
    ).toBe(403);
    expect(
      (await statusOf(fork.rest.pulls.get({ owner: "octo", repo: "model", pull_number: pull.number }))).status,
    ).toBe(200);

    const unknown = await statusOf(client("ghs_not-a-token").rest.repos.get({ owner: "octo", repo: "model" }));
    expect(unknown).toMatchObject({ status: 401, message: expect.stringContaining("Bad credentials") });
    fake.assertNoViolations();
  });

  it("answers /user for a user token and refuses it for an installation token", async () => {
    fake.state.addUser("alice", { name: "Alice" });
    const me = await client(fake.issueToken({ kind: "user", login: "alice" })).rest.users.getAuthenticated();
    expect(me.data.login).toBe("alice");
    const installation = await statusOf(
      client(fake.issueToken({ kind: "installation", permissions: PERMISSIVE_DEFAULT })).rest.users.getAuthenticated(),
    );
    expect(installation).toMatchObject({
      status: 403,
      message: expect.stringContaining("Resource not accessible by integration"),
    });
    fake.assertNoViolations();
  });

  it("sends rate-limit headers, and a primary and a secondary limit that the throttling plugin waits out", async () => {
    fake.state.addRepo("octo/model");
    const token = fake.issueToken({ kind: "installation", permissions: PERMISSIVE_DEFAULT });
    const plain = await client(token).rest.repos.get({ owner: "octo", repo: "model" });
    expect(plain.headers["x-ratelimit-limit"]).toBe("1000");
    expect(plain.headers["x-ratelimit-remaining"]).toBe("999");

    const Throttled = Octokit.plugin(throttling);
    const waits: string[] = [];
    const throttled = new Throttled({
      auth: token,
      baseUrl: fake.url,
      log: quiet,
      throttle: {
        // Waits the advertised seconds in hundredths, to keep the test short.
        retryAfterBaseValue: 10,
        onRateLimit: (retryAfter) => {
          waits.push(`primary ${retryAfter}`);
          return true;
        },
        onSecondaryRateLimit: (retryAfter) => {
          waits.push(`secondary ${retryAfter}`);
          return true;
        },
      },
    });
    fake.failNext(1, { kind: "primary", status: 429 });
    fake.failNext(1, { kind: "secondary" });
    const answer = await throttled.rest.repos.get({ owner: "octo", repo: "model" });
    expect(answer.status).toBe(200);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toMatch(/^primary [12]$/);
    expect(waits[1]).toBe("secondary 1");
    fake.assertNoViolations();
  });
});

describe("GitHub fake checks", () => {
  it("refuses more than 50 annotations per request as GitHub does and appends them across updates", async () => {
    const { head } = seedPullRequest();
    const octokit = client(fake.issueToken({ kind: "installation", permissions: PERMISSIVE_DEFAULT }));
    const annotation = (line: number) => ({
      path: "a.csv",
      start_line: line,
      end_line: line,
      annotation_level: "failure" as const,
      message: `row ${line}`,
    });
    const batch = (from: number, count: number) =>
      Array.from({ length: count }, (_, index) => annotation(from + index));
    const tooMany = await statusOf(
      octokit.rest.checks.create({
        owner: "octo",
        repo: "model",
        name: "ctrain",
        head_sha: head.sha,
        output: { title: "t", summary: "s", annotations: batch(1, 51) },
      }),
    );
    expect(tooMany.status).toBe(422);
    expect(tooMany.message).toContain("No more than 50 items are allowed; 51 were supplied.");
    expect(fake.violations).toHaveLength(1);
    fake.violations.length = 0;

    const created = await octokit.rest.checks.create({
      owner: "octo",
      repo: "model",
      name: "ctrain",
      head_sha: head.sha,
      output: { title: "t", summary: "s", annotations: batch(1, 50) },
    });
    await octokit.rest.checks.update({
      owner: "octo",
      repo: "model",
      check_run_id: created.data.id,
      output: { title: "t", summary: "s", annotations: batch(51, 30) },
    });
    const all = await octokit.paginate(octokit.rest.checks.listAnnotations, {
      owner: "octo",
      repo: "model",
      check_run_id: created.data.id,
      per_page: 100,
    });
    expect(all.map((entry) => entry.start_line)).toEqual(Array.from({ length: 80 }, (_, index) => index + 1));
    fake.assertNoViolations();
  });
});

describe("GitHub fake releases", () => {
  it("drafts, uploads, refuses a duplicate asset, publishes, and hides drafts from readers", async () => {
    fake.state.addRepo("octo/model");
    const octokit = client(fake.issueToken({ kind: "installation", permissions: PERMISSIVE_DEFAULT }));
    const reader = client(fake.issueToken({ kind: "installation", permissions: { contents: "read" } }));
    const draft = await octokit.rest.repos.createRelease({
      owner: "octo",
      repo: "model",
      tag_name: "model-v1",
      draft: true,
    });
    expect(draft.data.upload_url).toBe(`${fake.url}/repos/octo/model/releases/${draft.data.id}/assets{?name,label}`);
    expect((await reader.rest.repos.listReleases({ owner: "octo", repo: "model" })).data).toHaveLength(0);

    const upload = (name: string, data: string) =>
      octokit.request({
        method: "POST",
        url: draft.data.upload_url,
        name,
        data,
        headers: { "content-type": "application/octet-stream" },
      });
    const uploaded = await upload("model weights.bin", "weights");
    expect(uploaded.data).toMatchObject({ name: "model.weights.bin", size: 7, state: "uploaded" });
    const duplicate = await statusOf(upload("model.weights.bin", "again"));
    expect(duplicate.status).toBe(422);
    expect(duplicate.message).toContain("already_exists");

    const published = await octokit.rest.repos.updateRelease({
      owner: "octo",
      repo: "model",
      release_id: draft.data.id,
      draft: false,
    });
    expect(published.data.draft).toBe(false);
    expect((await reader.rest.repos.getLatestRelease({ owner: "octo", repo: "model" })).data.id).toBe(draft.data.id);
    expect(fake.state.repo("octo/model").refs.has("tags/model-v1")).toBe(true);
    fake.assertNoViolations();
  });

  it("keeps prereleases and drafts from being latest", async () => {
    fake.state.addRepo("octo/model");
    const octokit = client(fake.issueToken({ kind: "installation", permissions: PERMISSIVE_DEFAULT }));
    const stable = await octokit.rest.repos.createRelease({ owner: "octo", repo: "model", tag_name: "v1" });
    await octokit.rest.repos.createRelease({ owner: "octo", repo: "model", tag_name: "v2-rc", prerelease: true });
    await octokit.rest.repos.createRelease({ owner: "octo", repo: "model", tag_name: "v3", draft: true });
    expect((await octokit.rest.repos.getLatestRelease({ owner: "octo", repo: "model" })).data.id).toBe(stable.data.id);
    const refused = await statusOf(
      octokit.rest.repos.createRelease({
        owner: "octo",
        repo: "model",
        tag_name: "v4",
        draft: true,
        make_latest: "true",
      }),
    );
    expect(refused.status).toBe(422);
    fake.assertNoViolations();
  });

  it("lists starter assets and serves tampered bytes while reporting the uploaded digest", async () => {
    const repo = fake.state.addRepo("octo/model");
    const release = fake.state.addRelease(repo, { tag: "v1" });
    const asset = fake.state.addReleaseAsset(repo, release.id, {
      name: "model.bin",
      content: Buffer.from("good bytes"),
    });
    fake.state.addReleaseAsset(repo, release.id, { name: "card.md", state: "starter" });
    fake.state.tamperReleaseAsset(repo, asset.id, Buffer.from("evil bytes"));
    const octokit = client(fake.issueToken({ kind: "installation", permissions: PERMISSIVE_DEFAULT }));
    const assets = await octokit.rest.repos.listReleaseAssets({ owner: "octo", repo: "model", release_id: release.id });
    expect(assets.data.map((entry) => [entry.name, entry.state])).toEqual([
      ["model.bin", "uploaded"],
      ["card.md", "starter"],
    ]);
    const download = await octokit.rest.repos.getReleaseAsset({
      owner: "octo",
      repo: "model",
      asset_id: asset.id,
      headers: { accept: "application/octet-stream" },
    });
    expect(Buffer.from(download.data as unknown as ArrayBuffer).toString()).toBe("evil bytes");
    expect(assets.data[0]?.digest).toBe(`sha256:${createHash("sha256").update("good bytes").digest("hex")}`);
    const browser = await fetch(assets.data[0]?.browser_download_url ?? "");
    expect(await browser.text()).toBe("evil bytes");
    fake.assertNoViolations();
  });
});

describe("GitHub fake artifacts", () => {
  it("redirects an artifact download to a signed zip and answers 410 once it expired", async () => {
    const repo = fake.state.addRepo("octo/model");
    const run = fake.state.addWorkflowRun(repo, { workflow: "ci.yml", conclusion: "success" });
    const fresh = fake.state.addArtifact(run.id, { name: "bundle", files: { "run.json": '{"ok":true}' } });
    const old = fake.state.addArtifact(run.id, { name: "old", files: { "run.json": "{}" }, expired: true });
    const octokit = client(fake.issueToken({ kind: "installation", permissions: { actions: "read" } }));
    const redirect = await octokit.rest.actions.downloadArtifact({
      owner: "octo",
      repo: "model",
      artifact_id: fresh.id,
      archive_format: "zip",
      request: { redirect: "manual" },
    });
    expect(redirect.status).toBe(302);
    const location = String(redirect.headers.location);
    const zip = await fetch(location);
    expect(zip.headers.get("content-type")).toBe("application/zip");
    expect(
      Buffer.from(await zip.arrayBuffer())
        .subarray(0, 4)
        .toString("hex"),
    ).toBe("504b0304");
    const tampered = new URL(location);
    tampered.pathname = `/_blobs/artifacts/${old.id}`;
    expect((await fetch(tampered)).status).toBe(403);
    const expired = await statusOf(
      octokit.rest.actions.downloadArtifact({
        owner: "octo",
        repo: "model",
        artifact_id: old.id,
        archive_format: "zip",
      }),
    );
    expect(expired).toMatchObject({ status: 410, message: expect.stringContaining("Artifact has expired") });
    fake.assertNoViolations();
  });
});

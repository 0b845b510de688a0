import { execFileSync } from "node:child_process";
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { Bundle, UserError, type RunDocument } from "@ctrain/core";
import { LocalRunStore, createLocalBaselineSource } from "@ctrain/local";
import { tempDir } from "../support/temp-dir.js";

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
    },
  }).trim();
}

function commit(cwd: string, file: string, content: string): string {
  writeFileSync(join(cwd, file), content);
  git(cwd, "add", file);
  git(cwd, "commit", "-qm", `change ${file}`);
  return git(cwd, "rev-parse", "HEAD");
}

function recordRun(
  store: LocalRunStore,
  cwd: string,
  branch: string,
  sha: string,
  accuracy: number,
  status: RunDocument["status"] = "succeeded",
  verdicts: RunDocument["verdicts"] = {},
) {
  const dir = tempDir("ctrain-bundle-");
  new Bundle(dir).write("run", {
    schema: "ctrain.run/v1",
    name: "default",
    createdAt: new Date().toISOString(),
    source: { commit: sha, branch },
    status,
    logTail: [],
    params: {},
    metrics: { accuracy },
    metricFiles: [],
    curves: [],
    datasets: [],
    model: { files: [] },
    verdicts,
  });
  return store.record(dir, branch);
}

describe("local baseline source", () => {
  let repo: string;
  let store: LocalRunStore;
  beforeEach(() => {
    repo = tempDir("ctrain-repo-");
    git(repo, "init", "-q", "-b", "main");
    store = new LocalRunStore(join(repo, ".ctrain-store"));
  });

  it("uses the base branch's run at the merge-base, and reports it exactly", async () => {
    const first = commit(repo, "a.txt", "1");
    recordRun(store, repo, "main", first, 0.8);
    const second = commit(repo, "a.txt", "2");
    recordRun(store, repo, "main", second, 0.85);
    git(repo, "checkout", "-q", "-b", "feature", first);
    commit(repo, "b.txt", "feature");
    commit(repo, "a.txt", "3"); // main moved on after the branch point: the merge-base is `first`
    const source = createLocalBaselineSource({ store, cwd: repo, baseBranch: "main" });
    const baseline = await source.resolve("auto");
    expect(baseline.origin.commit).toBe(first);
    expect(baseline.origin.commitsBehind).toBe(0);
    expect(baseline.bundle?.read("run").metrics.accuracy).toBe(0.8);
  });

  it("falls back to the nearest older run and says how far behind it is", async () => {
    const first = commit(repo, "a.txt", "1");
    recordRun(store, repo, "main", first, 0.8);
    commit(repo, "a.txt", "2");
    commit(repo, "a.txt", "3");
    git(repo, "checkout", "-q", "-b", "feature");
    commit(repo, "b.txt", "x");
    const baseline = await createLocalBaselineSource({ store, cwd: repo, baseBranch: "main" }).resolve("auto");
    expect(baseline.origin.commit).toBe(first);
    expect(baseline.origin.commitsBehind).toBe(2);
    expect(baseline.origin.notes.join(" ")).toContain("2 commits behind");
  });

  it("names a damaged newest run instead of passing over it in silence", async () => {
    const first = commit(repo, "a.txt", "1");
    recordRun(store, repo, "main", first, 0.7);
    const second = commit(repo, "a.txt", "2");
    const damaged = recordRun(store, repo, "main", second, 0.9);
    writeFileSync(join(damaged.dir, "run.json"), '{"schema": "ctrain.run/v1", "status": ');
    git(repo, "checkout", "-q", "-b", "feature");
    const baseline = await createLocalBaselineSource({ store, cwd: repo, baseBranch: "main" }).resolve("auto");
    expect(baseline.bundle?.read("run").metrics.accuracy).toBe(0.7);
    expect(baseline.origin.notes.join(" ")).toMatch(/damaged run main\/2 \(.*\) not used: /);
    expect(store.damaged("main").map((run) => run.id)).toEqual(["main/2"]);
    expect(store.list("main").map((run) => run.id)).toEqual(["main/1"]);
  });

  it("skips failed runs and runs of commits outside the history", async () => {
    const first = commit(repo, "a.txt", "1");
    recordRun(store, repo, "main", first, 0.7);
    const second = commit(repo, "a.txt", "2");
    recordRun(store, repo, "main", second, 0.1, "failed");
    recordRun(store, repo, "main", "f".repeat(40), 0.99);
    git(repo, "checkout", "-q", "-b", "feature");
    const baseline = await createLocalBaselineSource({ store, cwd: repo, baseBranch: "main" }).resolve("auto");
    expect(baseline.bundle?.read("run").metrics.accuracy).toBe(0.7);
  });

  it("on the base branch itself, compares with the previous commit's run, never with its own stored copy", async () => {
    const first = commit(repo, "a.txt", "1");
    recordRun(store, repo, "main", first, 0.8);
    const second = commit(repo, "a.txt", "2");
    const current = recordRun(store, repo, "main", second, 0.9); // this run, recorded before comparing
    const source = createLocalBaselineSource({ store, cwd: repo, baseBranch: "main", currentRun: () => current.run });
    const baseline = await source.resolve("auto");
    expect(baseline.origin.commit).toBe(first);
    expect(baseline.origin.commitsBehind).toBe(1);
    expect((await source.history(5)).map((run) => run.metrics.accuracy)).toEqual([0.8]);
  });

  it("re-running on the base branch at the same commit compares with the earlier run of that commit", async () => {
    const only = commit(repo, "a.txt", "1");
    recordRun(store, repo, "main", only, 0.8);
    const rerun = { ...store.list("main")[0]!.run, createdAt: new Date(Date.now() + 1000).toISOString() };
    const baseline = await createLocalBaselineSource({
      store,
      cwd: repo,
      baseBranch: "main",
      currentRun: () => rerun,
    }).resolve("auto");
    expect(baseline.origin.kind).toBe("local");
    expect(baseline.origin.commit).toBe(only);
    expect(baseline.origin.commitsBehind).toBe(0);
  });

  it("never takes a run whose gates failed, though the store keeps it for history display", async () => {
    const first = commit(repo, "a.txt", "1");
    recordRun(store, repo, "main", first, 0.8, "succeeded", { comparison: "passed" });
    const second = commit(repo, "a.txt", "2");
    recordRun(store, repo, "main", second, 0.1, "succeeded", { comparison: "failed" });
    commit(repo, "a.txt", "3");
    const source = createLocalBaselineSource({ store, cwd: repo, baseBranch: "main" });
    const baseline = await source.resolve("auto");
    expect(baseline.origin.commit).toBe(first);
    expect(baseline.origin.commitsBehind).toBe(2);
    expect(baseline.origin.notes.join("\n")).toMatch(/run main\/2 is not a baseline: its gates failed/);
    expect((await source.resolve("branch:main")).origin.commit).toBe(first);
    expect((await source.history(5)).map((run) => run.metrics.accuracy)).toEqual([0.8]);
    expect(store.list("main")).toHaveLength(2);
    expect((await source.resolve("run:main/2")).origin.kind).toBe("none");
  });

  it("has no baseline on a first run, and says change thresholds are skipped", async () => {
    commit(repo, "a.txt", "1");
    const baseline = await createLocalBaselineSource({ store, cwd: repo, baseBranch: "main" }).resolve("auto");
    expect(baseline.origin.kind).toBe("none");
    expect(baseline.origin.notes.join(" ")).toContain("change thresholds are skipped");
  });

  it("reads metrics files committed at a git ref", async () => {
    mkdirSync(join(repo, "out"));
    commit(repo, "out/metrics.json", JSON.stringify({ eval: { accuracy: 0.75, loss: NaN } }).replace("null", "NaN"));
    git(repo, "tag", "v1");
    commit(repo, "out/metrics.json", JSON.stringify({ eval: { accuracy: 0.9 } }));
    const source = createLocalBaselineSource({
      store,
      cwd: repo,
      baseBranch: "main",
      metricFiles: ["out/metrics.json"],
    });
    const baseline = await source.resolve("git:v1");
    expect(baseline.origin.kind).toBe("git");
    expect(baseline.metrics?.["eval.accuracy"]).toBe(0.75);
    expect(baseline.metrics?.["eval.loss"]).toBeNaN();
    await expect(source.resolve("git:no-such-ref")).rejects.toThrow(UserError);
  });

  it("names a run by id and rejects unknown specs", async () => {
    const sha = commit(repo, "a.txt", "1");
    const stored = recordRun(store, repo, "main", sha, 0.8);
    const source = createLocalBaselineSource({ store, cwd: repo, baseBranch: "main" });
    expect((await source.resolve(`run:${stored.id}`)).origin.commit).toBe(sha);
    await expect(source.resolve("run:main/99")).rejects.toThrow(/no such run/);
    await expect(source.resolve("tuesday:1")).rejects.toThrow(/unknown baseline/);
    expect((await source.history(5)).map((run) => run.metrics.accuracy)).toEqual([0.8]);
  });
});

import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GitHubHistoryStore, createGitHubClient } from "@ctrain/github";
import { startGitHubFake, type GitHubFake } from "../harness/github-fake/index.js";
import { writeRunBundle } from "./support/runs.js";

let fake: GitHubFake;
let dir: string;

beforeEach(async () => {
  fake = await startGitHubFake();
  fake.state.addRepo("octo/model");
  dir = mkdtempSync(join(tmpdir(), "ctrain-history-cli-"));
  vi.stubEnv("CTRAIN_GITHUB_WRITE_SPACING_MS", "0");
  vi.stubEnv("GITHUB_REPOSITORY", "octo/model");
  vi.stubEnv("GITHUB_API_URL", fake.url);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
  fake.assertNoViolations();
  await fake.close();
});

/** The bundled CLI in a child process, asynchronously: the GitHub fake answers from this process meanwhile. */
function ctrain(cwd: string, ...args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(process.cwd(), "dist/cli/index.js"), ...args], { cwd }, (error, _stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
    );
  });
}

/** What the ctrain-history branch of the fake repository holds, read back through the store's own client. */
function branchHistory() {
  const token = fake.issueToken({ kind: "installation", permissions: { contents: "read" } });
  const client = createGitHubClient({ token, baseUrl: fake.url });
  return new GitHubHistoryStore({ client, owner: "octo", repo: "model" }).read();
}

describe("ctrain history --github, as the workflow's history job runs it", () => {
  it("appends the run to the ctrain-history branch and renders the site from it", async () => {
    vi.stubEnv("GITHUB_TOKEN", fake.issueToken({ kind: "installation", permissions: { contents: "write" } }));
    const bundles = [0, 1].map((index) => writeRunBundle(join(dir, `run-${index}`), index));
    for (const bundle of bundles) {
      const result = await ctrain(
        dir,
        "history",
        "--github",
        "--base",
        "main",
        "--bundle",
        bundle,
        "--out",
        join(dir, "site"),
      );
      expect(result.code, result.stderr).toBe(0);
    }
    const history = await branchHistory();
    expect(history.records.map((record) => record.id)).toEqual(["run-9000000", "run-9000001"]);
    expect(readFileSync(join(dir, "site/index.html"), "utf8")).toContain("octo/model");
  });

  it("needs a token that may write the branch, and says so", async () => {
    vi.stubEnv("GITHUB_TOKEN", fake.issueToken({ kind: "installation", permissions: { contents: "read" } }));
    const bundle = writeRunBundle(join(dir, "run"), 0);
    const result = await ctrain(
      dir,
      "history",
      "--github",
      "--base",
      "main",
      "--bundle",
      bundle,
      "--out",
      join(dir, "site"),
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/contents: write/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect((await branchHistory()).records).toEqual([]);
    expect(existsSync(join(dir, "site/index.html"))).toBe(false);
  });
});

import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitRepository } from "@ctrain/local";
import { tempDir } from "../support/temp-dir.js";

/** Git with no user or system config, so `init.defaultBranch` is only what a test sets. */
function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" },
  }).trim();
}

function repository(branch: string): string {
  const dir = tempDir("ctrain-default-branch-");
  git(dir, "init", "-q", "-b", branch);
  git(dir, "commit", "-q", "--allow-empty", "-m", "first");
  return dir;
}

describe("GitRepository.defaultBranch", () => {
  // The machine's own git config (a global init.defaultBranch) must not decide these tests.
  const saved = { global: process.env.GIT_CONFIG_GLOBAL, noSystem: process.env.GIT_CONFIG_NOSYSTEM };
  beforeAll(() => {
    process.env.GIT_CONFIG_GLOBAL = "/dev/null";
    process.env.GIT_CONFIG_NOSYSTEM = "1";
  });
  afterAll(() => {
    for (const [key, value] of [
      ["GIT_CONFIG_GLOBAL", saved.global],
      ["GIT_CONFIG_NOSYSTEM", saved.noSystem],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it("finds master in a master repository, even from another branch", () => {
    const dir = repository("master");
    git(dir, "checkout", "-q", "-b", "feature");
    expect(new GitRepository(dir).defaultBranch()).toBe("master");
  });

  it("follows origin/HEAD over local branch names", () => {
    const upstream = repository("trunk");
    const clone = tempDir("ctrain-default-branch-clone-");
    git(clone, "clone", "-q", upstream, ".");
    git(clone, "checkout", "-q", "-b", "main");
    expect(new GitRepository(clone).defaultBranch()).toBe("trunk");
  });

  it("uses init.defaultBranch when that branch exists, and main when nothing says otherwise", () => {
    const dir = repository("develop");
    git(dir, "branch", "main");
    git(dir, "config", "init.defaultBranch", "develop");
    expect(new GitRepository(dir).defaultBranch()).toBe("develop");
    const empty = tempDir("ctrain-default-branch-empty-");
    expect(new GitRepository(empty).defaultBranch()).toBe("main");
  });
});

import { hostname, userInfo } from "node:os";
import type { RunSource } from "@ctrain/core";
import { GitRepository } from "./git.js";

/** `owner/repo` from a GitHub remote URL (https or ssh), when there is one. */
function repositoryOf(remote: string | undefined): string | undefined {
  const match = /github\.com[:/]([^/]+)\/(.+?)(\.git)?$/.exec(remote ?? "");
  return match ? `${match[1]}/${match[2]}` : undefined;
}

/** A laptop run's identity, read from git: the local twin of the runner's GITHUB_* context. */
export function localRunSource(cwd: string): RunSource {
  const git = new GitRepository(cwd);
  if (!git.isRepository()) return { event: "local", actor: safeUser() };
  return {
    repository: repositoryOf(git.remoteUrl("origin")),
    commit: git.resolve("HEAD"),
    branch: git.currentBranch(),
    ref: git.currentBranch() ? `refs/heads/${git.currentBranch()}` : undefined,
    event: "local",
    actor: safeUser(),
  };
}

function safeUser(): string {
  try {
    return userInfo().username.slice(0, 100);
  } catch {
    return hostname().slice(0, 100);
  }
}

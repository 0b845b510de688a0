/** GitHub's JSON for seeded records, for tests that build event payloads or compare against the fake's answers. */
import type { RenderContext } from "./accounts.js";
import { simpleUser } from "./accounts.js";
import { release, workflowRun } from "./automation.js";
import { pullRequest } from "./conversation.js";
import { fullRepository } from "./repository.js";

export interface FakeRenderer {
  repository(repo: string): Record<string, unknown>;
  user(login: string): Record<string, unknown>;
  pullRequest(repo: string, pullNumber: number): Record<string, unknown>;
  release(repo: string, releaseId: number): Record<string, unknown>;
  workflowRun(runId: number): Record<string, unknown>;
}

export function createRenderer(context: RenderContext): FakeRenderer {
  const { state } = context;
  return {
    repository: (repo) => fullRepository(context, state.repo(repo)),
    user: (login) => simpleUser(context, state.user(login)),
    pullRequest: (repo, pullNumber) => pullRequest(context, state.repo(repo), state.pull(repo, pullNumber)),
    release(repo, releaseId) {
      const record = state.repo(repo).releases.get(releaseId);
      if (!record) throw new Error(`fake: ${repo} has no release ${releaseId}`);
      return release(context, state.repo(repo), record);
    },
    workflowRun(runId) {
      const found = state.findRun(runId);
      return workflowRun(context, found.repo, found.run);
    },
  };
}

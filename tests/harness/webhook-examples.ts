/**
 * Real event payloads from `@octokit/webhooks-examples`, and a way to point one at the fake's repository, pull
 * request, commit, release or run while it keeps the example's shape (its keys and their types).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { WebhookEventMap, WebhookEventName } from "@octokit/webhooks-types";
import type { GitHubFake } from "./github-fake/index.js";

interface WebhookDefinition {
  name: string;
  examples: unknown[];
}

let definitions: WebhookDefinition[] | undefined;

/** A deep copy of the first example of `name` that `filter` accepts. */
export function loadWebhookExample<Name extends WebhookEventName>(
  name: Name,
  filter: (payload: WebhookEventMap[Name]) => boolean = () => true,
): WebhookEventMap[Name] {
  definitions ??= JSON.parse(
    readFileSync(
      createRequire(import.meta.url).resolve("@octokit/webhooks-examples/api.github.com/index.json"),
      "utf8",
    ),
  ) as WebhookDefinition[];
  const examples = (definitions.find((definition) => definition.name === name)?.examples ??
    []) as WebhookEventMap[Name][];
  const found = examples.find(filter);
  if (!found) throw new Error(`@octokit/webhooks-examples has no "${name}" example matching the filter`);
  return structuredClone(found);
}

export interface RetargetOptions {
  /** The fake repository (owner/name) the event happened in. */
  repo: string;
  /** Who triggered the event; the repository owner unless given. */
  sender?: string;
  /** pull_request events: the pull request number. */
  pull?: number;
  /** push events: the branch pushed to (the default branch unless given); the head is its current commit. */
  branch?: string;
  /** release events: the release id. */
  release?: number;
  /** workflow_run events: the run id. */
  run?: number;
}

/** Points a payload at the fake's records: identity, URLs and state come from the fake, keys and types from the example. */
export function retargetWebhook<Payload>(fake: GitHubFake, payload: Payload, target: RetargetOptions): Payload {
  const event = structuredClone(payload) as Record<string, unknown>;
  const repo = fake.state.repo(target.repo);
  const example = event.repository as { full_name?: string } | undefined;
  let text = JSON.stringify(event);
  if (example?.full_name) {
    text = text
      .replaceAll(`https://api.github.com/repos/${example.full_name}`, `${fake.url}/repos/${repo.fullName}`)
      .replaceAll(`https://github.com/${example.full_name}`, `${fake.webUrl}/${repo.fullName}`);
  }
  const retargeted = JSON.parse(text.replaceAll("https://api.github.com", fake.url)) as Record<string, unknown>;

  retargeted.repository = overlay(retargeted.repository, fake.render.repository(repo.fullName));
  retargeted.sender = overlay(retargeted.sender, fake.render.user(target.sender ?? repo.owner.login));
  if (retargeted.organization !== undefined) {
    if (repo.owner.type === "Organization")
      retargeted.organization = overlay(retargeted.organization, fake.render.user(repo.owner.login));
    else delete retargeted.organization;
  }
  if (target.pull !== undefined) {
    retargeted.number = target.pull;
    retargeted.pull_request = overlay(retargeted.pull_request, fake.render.pullRequest(repo.fullName, target.pull));
  }
  if (target.release !== undefined)
    retargeted.release = overlay(retargeted.release, fake.render.release(repo.fullName, target.release));
  if (target.run !== undefined) {
    const run = fake.render.workflowRun(target.run);
    retargeted.workflow_run = overlay(retargeted.workflow_run, run);
    retargeted.workflow = overlay(retargeted.workflow, { id: run.workflow_id, name: run.name, path: run.path });
  }
  if ("after" in retargeted || target.branch !== undefined)
    retargetPush(fake, retargeted, repo.fullName, target.branch ?? repo.defaultBranch);
  return retargeted as Payload;
}

function retargetPush(fake: GitHubFake, event: Record<string, unknown>, repoName: string, branch: string): void {
  const repo = fake.state.repo(repoName);
  const sha = repo.refs.get(`heads/${branch}`);
  const commit = sha === undefined ? undefined : fake.state.commit(sha);
  if (!commit) throw new Error(`fake: ${repoName} has no branch ${branch}`);
  const before = commit.parents[0] ?? "0".repeat(40);
  const headCommit = overlay(event.head_commit, {
    id: commit.sha,
    tree_id: commit.treeSha,
    message: commit.message,
    timestamp: commit.committer.date,
    url: `${fake.webUrl}/${repoName}/commit/${commit.sha}`,
    author: { name: commit.author.name, email: commit.author.email },
    committer: { name: commit.committer.name, email: commit.committer.email },
  });
  Object.assign(event, {
    ref: `refs/heads/${branch}`,
    before,
    after: commit.sha,
    base_ref: null,
    compare: `${fake.webUrl}/${repoName}/compare/${before.slice(0, 12)}...${commit.sha.slice(0, 12)}`,
    head_commit: headCommit,
    commits: [headCommit],
  });
}

/**
 * Takes the fake's value for every key the example has, keeping the example's own keys. Arrays come from the fake
 * whole; where the example spells a timestamp as epoch seconds (push payloads do), the fake's date is converted.
 */
function overlay(example: unknown, real: unknown): unknown {
  if (example === undefined) return example;
  if (example === null || real === null || real === undefined) return real === undefined ? example : real;
  if (Array.isArray(example) || Array.isArray(real)) return Array.isArray(real) ? real : example;
  if (typeof example === "object" && typeof real === "object") {
    const merged: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(example))
      merged[key] = key in real ? overlay(value, (real as Record<string, unknown>)[key]) : value;
    return merged;
  }
  if (typeof example === "number" && typeof real === "string" && /^\d{4}-\d{2}-\d{2}T/.test(real))
    return Math.floor(Date.parse(real) / 1000);
  return typeof example === typeof real ? real : example;
}

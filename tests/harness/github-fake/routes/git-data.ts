/**
 * Git data: blobs, trees, commits and ref writes, enough to build a commit through the API and move a branch to it
 * with a compare-and-swap (`force: false` answers 422 "Update is not a fast forward" when the branch moved).
 * Trees are flat (one level of paths); blobs and trees live beside the repository's records.
 */
import { createHash } from "node:crypto";
import type { CommitRecord, RepoRecord } from "../records.js";
import { nodeId, repoApiUrl, repoWebUrl, type RenderContext } from "../render/accounts.js";
import { gitRef } from "../render/git.js";
import { FakeGap, GitHubError, json, notFound, type RouteTable } from "../routing.js";

interface TreeEntry {
  path: string;
  mode: string;
  type: "blob";
  sha: string;
}

interface GitObjects {
  blobs: Map<string, Buffer>;
  trees: Map<string, TreeEntry[]>;
}

const objects = new WeakMap<RepoRecord, GitObjects>();

/** The blobs and trees created in `repo` through the API. */
export function gitObjects(repo: RepoRecord): GitObjects {
  let found = objects.get(repo);
  if (!found) {
    found = { blobs: new Map(), trees: new Map() };
    objects.set(repo, found);
  }
  return found;
}

/** Git's own object id, so a blob's sha is what `git hash-object` prints. */
function objectSha(type: string, content: Buffer): string {
  return createHash("sha1").update(`${type} ${content.length}\0`).update(content).digest("hex");
}

function unprocessable(message: string): GitHubError {
  return new GitHubError(422, message);
}

function renderTree(context: RenderContext, repo: RepoRecord, sha: string, entries: TreeEntry[]) {
  const api = repoApiUrl(context, repo);
  return {
    sha,
    url: `${api}/git/trees/${sha}`,
    truncated: false,
    tree: entries.map((entry) => ({
      ...entry,
      size: gitObjects(repo).blobs.get(entry.sha)?.length ?? 0,
      url: `${api}/git/blobs/${entry.sha}`,
    })),
  };
}

function renderGitCommit(context: RenderContext, repo: RepoRecord, record: CommitRecord) {
  const api = repoApiUrl(context, repo);
  const web = repoWebUrl(context, repo);
  return {
    sha: record.sha,
    node_id: nodeId("Commit", record.sha.slice(0, 12)),
    url: `${api}/git/commits/${record.sha}`,
    html_url: `${web}/commit/${record.sha}`,
    author: record.author,
    committer: record.committer,
    message: record.message,
    tree: { sha: record.treeSha, url: `${api}/git/trees/${record.treeSha}` },
    parents: record.parents.map((sha) => ({ sha, url: `${api}/git/commits/${sha}`, html_url: `${web}/commit/${sha}` })),
    verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
  };
}

const read = { scopes: ["contents" as const], access: "read" as const };
const write = { scopes: ["contents" as const], access: "write" as const };

export const gitDataRoutes: RouteTable = {
  "git/create-blob": {
    permission: write,
    handle(request, context) {
      const repo = request.repo();
      const { content, encoding } = request.body as { content: string; encoding?: string };
      if (encoding !== undefined && encoding !== "utf-8" && encoding !== "base64")
        throw unprocessable(`encoding must be utf-8 or base64, not ${encoding}`);
      const bytes = Buffer.from(content, encoding === "base64" ? "base64" : "utf8");
      const sha = objectSha("blob", bytes);
      gitObjects(repo).blobs.set(sha, bytes);
      return json(201, { sha, url: `${repoApiUrl(context, repo)}/git/blobs/${sha}` });
    },
  },

  "git/get-blob": {
    permission: read,
    handle(request, context) {
      const repo = request.repo();
      const sha = request.param("file_sha");
      const bytes = gitObjects(repo).blobs.get(sha);
      if (!bytes) throw notFound();
      // GitHub wraps the base64 text at 60 characters.
      const content = (bytes.toString("base64").match(/.{1,60}/g) ?? []).join("\n");
      return json(200, {
        sha,
        node_id: nodeId("Blob", sha.slice(0, 12)),
        url: `${repoApiUrl(context, repo)}/git/blobs/${sha}`,
        size: bytes.length,
        content: content ? `${content}\n` : "",
        encoding: "base64",
      });
    },
  },

  "git/create-tree": {
    permission: write,
    handle(request, context) {
      const repo = request.repo();
      const { blobs, trees } = gitObjects(repo);
      const body = request.body as {
        base_tree?: string;
        tree: Array<{ path?: string; mode?: string; type?: string; sha?: string | null; content?: string }>;
      };
      const base = body.base_tree === undefined ? [] : trees.get(body.base_tree);
      if (!base) throw unprocessable("base_tree is not a valid tree oid");
      const entries = new Map(base.map((entry) => [entry.path, entry]));
      for (const item of body.tree) {
        if (!item.path || item.path.includes("/")) throw new FakeGap("tree entries with nested paths");
        if (item.type !== "blob" || (item.mode !== "100644" && item.mode !== "100755"))
          throw new FakeGap(`tree entries of type ${item.type} and mode ${item.mode}`);
        if (item.sha === null) {
          entries.delete(item.path);
          continue;
        }
        let sha = item.sha;
        if (item.content !== undefined) {
          if (sha !== undefined) throw unprocessable("Must supply either tree.sha or tree.content, not both");
          const bytes = Buffer.from(item.content, "utf8");
          sha = objectSha("blob", bytes);
          blobs.set(sha, bytes);
        }
        if (!sha || !blobs.has(sha)) throw unprocessable(`tree.sha ${sha} is not a valid blob`);
        entries.set(item.path, { path: item.path, mode: item.mode, type: "blob", sha });
      }
      const sorted = [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
      const sha = objectSha(
        "tree",
        Buffer.from(sorted.map((entry) => `${entry.mode} ${entry.path}\0${entry.sha}`).join("")),
      );
      trees.set(sha, sorted);
      return json(201, renderTree(context, repo, sha, sorted));
    },
  },

  "git/get-tree": {
    permission: read,
    handle(request, context) {
      const repo = request.repo();
      const sha = request.param("tree_sha");
      const entries = gitObjects(repo).trees.get(sha);
      if (entries) return json(200, renderTree(context, repo, sha, entries));
      if ([...repo.commits.values()].some((commit) => commit.treeSha === sha))
        throw new FakeGap("trees of seeded commits");
      throw notFound();
    },
  },

  "git/create-commit": {
    permission: write,
    handle(request, context) {
      const repo = request.repo();
      const { message, tree, parents = [] } = request.body as { message: string; tree: string; parents?: string[] };
      if (!gitObjects(repo).trees.has(tree)) throw unprocessable("Tree SHA does not exist");
      for (const parent of parents)
        if (!repo.commits.has(parent)) throw unprocessable("Parent SHA does not exist or is not a commit object");
      const record = context.state.addCommit(repo, { message, parents });
      record.treeSha = tree;
      return json(201, renderGitCommit(context, repo, record));
    },
  },

  "git/get-commit": {
    permission: read,
    handle(request, context) {
      const repo = request.repo();
      const record = repo.commits.get(request.param("commit_sha"));
      if (!record) throw notFound();
      return json(200, renderGitCommit(context, repo, record));
    },
  },

  "git/create-ref": {
    permission: write,
    handle(request, context) {
      const repo = request.repo();
      const { ref, sha } = request.body as { ref: string; sha: string };
      if (!/^refs\/(heads|tags)\/[^\s]+$/.test(ref)) throw unprocessable(`${ref} is not a valid ref name.`);
      const name = ref.slice("refs/".length);
      if (repo.refs.has(name)) throw unprocessable("Reference already exists");
      if (!repo.commits.has(sha)) throw unprocessable("Object does not exist");
      repo.refs.set(name, sha);
      return json(201, gitRef(context, repo, name, sha));
    },
  },

  "git/update-ref": {
    permission: write,
    handle(request, context) {
      const repo = request.repo();
      const name = request.param("ref").replace(/^refs\//, "");
      const { sha, force = false } = request.body as { sha: string; force?: boolean };
      const current = repo.refs.get(name);
      if (current === undefined) throw unprocessable("Reference does not exist");
      if (!repo.commits.has(sha)) throw unprocessable("Object does not exist");
      if (!force && current !== sha && context.state.mergeBase(current, sha) !== current)
        throw unprocessable("Update is not a fast forward");
      repo.refs.set(name, sha);
      return json(200, gitRef(context, repo, name, sha));
    },
  },
};

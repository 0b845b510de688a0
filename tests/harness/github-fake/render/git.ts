/** Commits, comparisons and refs. */
import type { CommitRecord, RepoRecord } from "../records.js";
import { nodeId, repoApiUrl, repoWebUrl, simpleUser, type RenderContext } from "./accounts.js";

export function commit(context: RenderContext, repo: RepoRecord, record: CommitRecord): Record<string, unknown> {
  const api = repoApiUrl(context, repo);
  const web = repoWebUrl(context, repo);
  const author = record.authorLogin ? context.state.users.get(record.authorLogin) : undefined;
  return {
    url: `${api}/commits/${record.sha}`,
    sha: record.sha,
    node_id: nodeId("Commit", record.sha.slice(0, 12)),
    html_url: `${web}/commit/${record.sha}`,
    comments_url: `${api}/commits/${record.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${record.sha}`,
      author: record.author,
      committer: record.committer,
      message: record.message,
      comment_count: [...repo.commitComments.values()].filter((comment) => comment.commitId === record.sha).length,
      tree: { sha: record.treeSha, url: `${api}/git/trees/${record.treeSha}` },
      verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
    },
    author: author ? simpleUser(context, author) : null,
    committer: author ? simpleUser(context, author) : null,
    parents: record.parents.map((sha) => ({ sha, url: `${api}/commits/${sha}`, html_url: `${web}/commit/${sha}` })),
    stats: { total: 0, additions: 0, deletions: 0 },
    files: [],
  };
}

/** The `head_commit` of a workflow run. */
export function simpleCommit(record: CommitRecord): Record<string, unknown> {
  return {
    id: record.sha,
    tree_id: record.treeSha,
    message: record.message,
    timestamp: record.committer.date,
    author: { name: record.author.name, email: record.author.email },
    committer: { name: record.committer.name, email: record.committer.email },
  };
}

export function comparison(
  context: RenderContext,
  repo: RepoRecord,
  spec: { basehead: string; base: CommitRecord; head: CommitRecord; headRepo: RepoRecord; mergeBase: CommitRecord },
): Record<string, unknown> {
  const { state } = context;
  const ahead = state.commitsBetween(spec.base.sha, spec.head.sha);
  const behind = state.commitsBetween(spec.head.sha, spec.base.sha);
  const status =
    ahead.length === 0 && behind.length === 0
      ? "identical"
      : behind.length === 0
        ? "ahead"
        : ahead.length === 0
          ? "behind"
          : "diverged";
  const web = repoWebUrl(context, repo);
  return {
    url: `${repoApiUrl(context, repo)}/compare/${spec.basehead}`,
    html_url: `${web}/compare/${spec.basehead}`,
    permalink_url: `${web}/compare/${repo.owner.login}:${spec.base.sha}...${spec.headRepo.owner.login}:${spec.head.sha}`,
    diff_url: `${web}/compare/${spec.basehead}.diff`,
    patch_url: `${web}/compare/${spec.basehead}.patch`,
    base_commit: commit(context, repo, spec.base),
    merge_base_commit: commit(context, repo, spec.mergeBase),
    status,
    ahead_by: ahead.length,
    behind_by: behind.length,
    total_commits: ahead.length,
    // GitHub lists at most 250 commits in a comparison.
    commits: ahead.slice(0, 250).map((record) => commit(context, spec.headRepo, record)),
    files: [],
  };
}

export function gitRef(context: RenderContext, repo: RepoRecord, ref: string, sha: string): Record<string, unknown> {
  const api = repoApiUrl(context, repo);
  return {
    ref: `refs/${ref}`,
    node_id: nodeId("Ref", `${repo.id}:refs/${ref}`),
    url: `${api}/git/refs/${ref}`,
    object: { type: "commit", sha, url: `${api}/git/commits/${sha}` },
  };
}

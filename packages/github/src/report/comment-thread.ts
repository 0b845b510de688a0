import type { RepositoryRef } from "../context.js";
import type { GitHubClient } from "../client.js";

export interface ThreadComment {
  id: number;
  body?: string;
  user?: { login: string } | null;
  html_url: string;
}

/** A place comments live: a pull request's conversation or a commit. */
export interface CommentThread {
  /** Pages of comments, oldest first; the caller stops reading once it has what it needs. */
  pages(): AsyncIterable<ThreadComment[]>;
  create(body: string): Promise<ThreadComment>;
  update(id: number, body: string): Promise<ThreadComment>;
}

/** GitHub's largest page, so a busy pull request costs few requests. */
const PER_PAGE = 100;

export function pullRequestThread(client: GitHubClient, repository: RepositoryRef, number: number): CommentThread {
  const { owner, repo } = repository;
  return {
    async *pages() {
      const params = { owner, repo, issue_number: number, per_page: PER_PAGE };
      for await (const page of client.paginate.iterator(client.rest.issues.listComments, params)) yield page.data;
    },
    create: async (body) => (await client.rest.issues.createComment({ owner, repo, issue_number: number, body })).data,
    update: async (id, body) => (await client.rest.issues.updateComment({ owner, repo, comment_id: id, body })).data,
  };
}

export function commitThread(client: GitHubClient, repository: RepositoryRef, sha: string): CommentThread {
  const { owner, repo } = repository;
  return {
    async *pages() {
      const params = { owner, repo, commit_sha: sha, per_page: PER_PAGE };
      for await (const page of client.paginate.iterator(client.rest.repos.listCommentsForCommit, params)) {
        yield page.data;
      }
    },
    create: async (body) => (await client.rest.repos.createCommitComment({ owner, repo, commit_sha: sha, body })).data,
    update: async (id, body) =>
      (await client.rest.repos.updateCommitComment({ owner, repo, comment_id: id, body })).data,
  };
}

/**
 * Posts `body`, or with `sticky` updates the oldest comment that starts with `marker` and was written by `author`,
 * looking through every page: a busy pull request's report is rarely on the first. Comments by anyone else are
 * never touched, whatever they contain.
 */
export async function upsertComment(
  thread: CommentThread,
  options: { body: string; marker: string; author: string; sticky: boolean },
): Promise<{ url: string; action: "created" | "updated" }> {
  if (options.sticky) {
    for await (const page of thread.pages()) {
      const own = page.find(
        (comment) => comment.user?.login === options.author && comment.body?.startsWith(options.marker),
      );
      if (own) return { url: (await thread.update(own.id, options.body)).html_url, action: "updated" };
    }
  }
  return { url: (await thread.create(options.body)).html_url, action: "created" };
}

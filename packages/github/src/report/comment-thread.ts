import type { RepositoryRef } from "../context.js";
import type { GitHubClient } from "../client-timing.js";

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

/** The pull request's head commit as GitHub has it now. */
export async function pullRequestHead(
  client: GitHubClient,
  repository: RepositoryRef,
  number: number,
): Promise<string> {
  const { data } = await client.rest.pulls.get({ ...repository, pull_number: number });
  return data.head.sha;
}

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

/** The hidden last line of a report comment that says which commit it reports. */
const HEAD_MARKER = /\n<!-- ctrain:head:([0-9a-f]{40,64}) -->\n?$/;

function headMarker(headSha: string): string {
  return `<!-- ctrain:head:${headSha} -->`;
}

/** Characters the head line adds to a comment (a SHA-256 commit id, the longest), for the comment budget. */
export const HEAD_MARKER_MAX_CHARS = headMarker("0".repeat(64)).length + 1;

/** The comment with a last hidden line naming the commit it reports, so a later run can tell which one that is. */
export function withHeadMarker(comment: string, headSha: string): string {
  return /^[0-9a-f]{40,64}$/.test(headSha) ? `${comment.replace(/\n$/, "")}\n${headMarker(headSha)}` : comment;
}

/** The commit a report comment reports, from its last line; undefined for comments written before it existed. */
export function reportedHead(body: string | undefined): string | undefined {
  return body ? HEAD_MARKER.exec(body)?.[1] : undefined;
}

export interface UpsertOptions {
  body: string;
  marker: string;
  author: string;
  sticky: boolean;
  /** The commit this report is about. */
  headSha: string;
  /** The pull request's head now; absent where comments belong to one commit (a commit's own thread). */
  currentHead?: () => Promise<string>;
}

export type UpsertResult =
  | { url: string; action: "created" | "updated" }
  /** Left alone: it reports another commit, and this run's commit is no longer the pull request's head. */
  | { url: string; action: "kept"; reportedHead: string | undefined; currentHead: string };

/**
 * Posts `body`, or with `sticky` updates the oldest comment that starts with `marker` and was written by `author`,
 * looking through every page: a busy pull request's report is rarely on the first. Comments by anyone else are
 * never touched, whatever they contain. A run whose commit is no longer the pull request's head (an older push
 * that finished last) never replaces the report of another commit.
 */
export async function upsertComment(thread: CommentThread, options: UpsertOptions): Promise<UpsertResult> {
  if (options.sticky) {
    for await (const page of thread.pages()) {
      const own = page.find(
        (comment) => comment.user?.login === options.author && comment.body?.startsWith(options.marker),
      );
      if (!own) continue;
      const reported = reportedHead(own.body);
      if (reported !== options.headSha && options.currentHead) {
        const currentHead = await options.currentHead();
        if (currentHead !== options.headSha) {
          return { url: own.html_url, action: "kept", reportedHead: reported, currentHead };
        }
      }
      return { url: (await thread.update(own.id, options.body)).html_url, action: "updated" };
    }
  }
  return { url: (await thread.create(options.body)).html_url, action: "created" };
}

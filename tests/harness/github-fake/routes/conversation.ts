/** Pull requests, reviews, labels, issue and commit comments and the authenticated user. */
import { COMMENT_BODY_MAX_CHARS } from "@ctrain/core";
import type { CommitCommentRecord, IssueCommentRecord, PullRecord, UserRecord } from "../records.js";
import { privateUser, roleOf } from "../render/accounts.js";
import { commitComment, issueComment, label, pullRequest, review } from "../render/conversation.js";
import { paginate, type Page } from "../pagination.js";
import { ACTIONS_BOT } from "../state.js";
import {
  GitHubError,
  intParam,
  json,
  notFound,
  validationFailed,
  type FakeResponse,
  type RouteRequest,
  type RouteTable,
} from "../routing.js";

function paged<T>(page: Page<T>, render: (item: T) => unknown): FakeResponse {
  return json(200, page.items.map(render), page.link ? { link: page.link } : undefined);
}

function commentOf(request: RouteRequest): IssueCommentRecord {
  const comment = request.repo().issueComments.get(intParam(request, "comment_id"));
  if (!comment) throw notFound();
  return comment;
}

function commitCommentOf(request: RouteRequest): CommitCommentRecord {
  const comment = request.repo().commitComments.get(intParam(request, "comment_id"));
  if (!comment) throw notFound();
  return comment;
}

/** GitHub refuses comment bodies above 65,536 characters. */
function checkCommentBody(body: string, resource: "IssueComment" | "CommitComment"): void {
  if (body.length > COMMENT_BODY_MAX_CHARS) {
    throw validationFailed(
      resource,
      "body",
      "custom",
      `body is too long (maximum is ${COMMENT_BODY_MAX_CHARS} characters)`,
    );
  }
}

/** A user edits their own comments, or anyone's with write access; installation tokens were checked by permission. */
function requireAuthor(request: RouteRequest, comment: { user: UserRecord }): void {
  const grant = request.grant;
  if (grant?.kind !== "user" || grant.login === comment.user.login) return;
  const role = roleOf(request.repo(), grant.login);
  if (role !== "write" && role !== "maintain" && role !== "admin") {
    throw new GitHubError(403, "Must have admin rights to Repository.");
  }
}

/** Pull requests and issues share numbers; comments on either need one of the two permissions. */
const ISSUE_OR_PULL = ["issues", "pull-requests"] as const;

export const conversationRoutes: RouteTable = {
  "pulls/get": {
    permission: { scopes: ["pull-requests"], access: "read" },
    handle(request, context) {
      const repo = request.repo();
      const pull = repo.pulls.get(intParam(request, "pull_number"));
      if (!pull) throw notFound();
      return json(200, pullRequest(context, repo, pull));
    },
  },

  "pulls/list": {
    permission: { scopes: ["pull-requests"], access: "read" },
    handle(request, context) {
      const repo = request.repo();
      const query = request.url.searchParams;
      const state = query.get("state") ?? "open";
      const head = query.get("head");
      const base = query.get("base");
      const matches = (pull: PullRecord) =>
        (state === "all" || pull.issue.state === state) &&
        (!base || pull.baseRef === base) &&
        // `head` is `user:ref-name`; GitHub ignores a value without the user part.
        (!head || !head.includes(":") || head === `${pull.headRepo.owner.login}:${pull.headRef}`);
      const sort = query.get("sort") ?? "created";
      // GitHub sorts newest first for `created` and oldest first otherwise, unless `direction` says.
      const direction = query.get("direction") ?? (sort === "created" ? "desc" : "asc");
      const key = (pull: PullRecord) =>
        sort === "updated" ? pull.issue.updatedAt : String(pull.number).padStart(12, "0");
      const pulls = [...repo.pulls.values()]
        .filter(matches)
        .sort((a, b) => (direction === "asc" ? 1 : -1) * key(a).localeCompare(key(b)));
      return paged(paginate(pulls, request.url), (pull) => pullRequest(context, repo, pull));
    },
  },

  "pulls/list-reviews": {
    permission: { scopes: ["pull-requests"], access: "read" },
    handle(request, context) {
      const repo = request.repo();
      const number = intParam(request, "pull_number");
      if (!repo.pulls.has(number)) throw notFound();
      const reviews = [...repo.reviews.values()].filter((record) => record.pullNumber === number);
      return paged(paginate(reviews, request.url), (record) => review(context, repo, record));
    },
  },

  "issues/list-labels-on-issue": {
    permission: { scopes: [...ISSUE_OR_PULL], access: "read" },
    handle(request, context) {
      const repo = request.repo();
      const issue = repo.issues.get(intParam(request, "issue_number"));
      if (!issue) throw notFound();
      return paged(paginate(issue.labels, request.url), (record) => label(context, repo, record));
    },
  },

  "issues/list-comments": {
    permission: { scopes: [...ISSUE_OR_PULL], access: "read" },
    handle(request, context) {
      const repo = request.repo();
      const number = intParam(request, "issue_number");
      if (!repo.issues.has(number)) throw notFound();
      const since = request.url.searchParams.get("since");
      // Comments come in ascending id order.
      const comments = [...repo.issueComments.values()]
        .filter((comment) => comment.issueNumber === number && (!since || comment.updatedAt >= since))
        .sort((a, b) => a.id - b.id);
      return paged(paginate(comments, request.url), (comment) => issueComment(context, repo, comment));
    },
  },

  "issues/get-comment": {
    permission: { scopes: [...ISSUE_OR_PULL], access: "read" },
    handle: (request, context) => json(200, issueComment(context, request.repo(), commentOf(request))),
  },

  "issues/create-comment": {
    permission: { scopes: [...ISSUE_OR_PULL], access: "write" },
    handle(request, context) {
      const repo = request.repo();
      const number = intParam(request, "issue_number");
      if (!repo.issues.has(number)) throw notFound();
      const body = String(request.body.body);
      checkCommentBody(body, "IssueComment");
      const author = request.grant?.login ?? ACTIONS_BOT.login;
      const comment = context.state.addComment(repo, number, { body, user: author });
      return json(201, issueComment(context, repo, comment), {
        location: `${context.api}/repos/${repo.fullName}/issues/comments/${comment.id}`,
      });
    },
  },

  "issues/update-comment": {
    permission: { scopes: [...ISSUE_OR_PULL], access: "write" },
    handle(request, context) {
      const comment = commentOf(request);
      requireAuthor(request, comment);
      const body = String(request.body.body);
      checkCommentBody(body, "IssueComment");
      comment.body = body;
      comment.updatedAt = context.state.now();
      return json(200, issueComment(context, request.repo(), comment));
    },
  },

  "issues/delete-comment": {
    permission: { scopes: [...ISSUE_OR_PULL], access: "write" },
    handle(request) {
      const comment = commentOf(request);
      requireAuthor(request, comment);
      request.repo().issueComments.delete(comment.id);
      return { status: 204 };
    },
  },

  "repos/list-comments-for-commit": {
    permission: { scopes: ["contents"], access: "read" },
    handle(request, context) {
      const repo = request.repo();
      const found = context.state.resolveCommit(repo, request.param("commit_sha"));
      if (!found) throw notFound();
      // Comments come in ascending id order.
      const comments = [...repo.commitComments.values()]
        .filter((comment) => comment.commitId === found.sha)
        .sort((a, b) => a.id - b.id);
      return paged(paginate(comments, request.url), (comment) => commitComment(context, repo, comment));
    },
  },

  "repos/create-commit-comment": {
    permission: { scopes: ["contents"], access: "write" },
    handle(request, context) {
      const repo = request.repo();
      const found = context.state.resolveCommit(repo, request.param("commit_sha"));
      if (!found) throw notFound();
      const body = request.body as { body: string; path?: string; position?: number; line?: number };
      checkCommentBody(String(body.body), "CommitComment");
      const now = context.state.now();
      const record = {
        id: context.state.nextId(),
        commitId: found.sha,
        body: body.body,
        path: body.path ?? null,
        position: body.position ?? null,
        line: body.line ?? null,
        user: context.state.addUser(request.grant?.login ?? "ghost"),
        createdAt: now,
        updatedAt: now,
      };
      repo.commitComments.set(record.id, record);
      return json(201, commitComment(context, repo, record));
    },
  },

  "repos/update-commit-comment": {
    permission: { scopes: ["contents"], access: "write" },
    handle(request, context) {
      const comment = commitCommentOf(request);
      requireAuthor(request, comment);
      const body = String(request.body.body);
      checkCommentBody(body, "CommitComment");
      comment.body = body;
      comment.updatedAt = context.state.now();
      return json(200, commitComment(context, request.repo(), comment));
    },
  },

  "users/get-authenticated": {
    handle(request, context) {
      if (!request.grant) throw new GitHubError(401, "Requires authentication");
      // An installation token acts for no user.
      if (request.grant.kind === "installation") throw new GitHubError(403, "Resource not accessible by integration");
      return json(200, privateUser(context, context.state.user(request.grant.login)));
    },
  },
};

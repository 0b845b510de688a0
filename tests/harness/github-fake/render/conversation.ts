/** Pull requests, reviews, labels and comments. */
import type {
  CommitCommentRecord,
  IssueCommentRecord,
  LabelRecord,
  PullRecord,
  RepoRecord,
  ReviewRecord,
} from "../records.js";
import {
  actionsApp,
  authorAssociation,
  nodeId,
  repoApiUrl,
  repoWebUrl,
  simpleUser,
  type RenderContext,
} from "./accounts.js";
import { repository } from "./repository.js";

export function label(context: RenderContext, repo: RepoRecord, record: LabelRecord): Record<string, unknown> {
  return {
    id: record.id,
    node_id: nodeId("Label", record.id),
    url: `${repoApiUrl(context, repo)}/labels/${encodeURIComponent(record.name)}`,
    name: record.name,
    description: record.description,
    color: record.color,
    default: false,
  };
}

/** A pull request in its full shape; list endpoints return the same object, a superset of `pull-request-simple`. */
export function pullRequest(context: RenderContext, repo: RepoRecord, pull: PullRecord): Record<string, unknown> {
  const { state } = context;
  const api = repoApiUrl(context, repo);
  const web = repoWebUrl(context, repo);
  const headSha = state.pullHeadSha(pull);
  const baseSha = repo.refs.get(`heads/${pull.baseRef}`) ?? "";
  const self = `${api}/pulls/${pull.number}`;
  const commits = state.commitsBetween(baseSha, headSha).length;
  const { issue } = pull;
  return {
    url: self,
    id: pull.id,
    node_id: nodeId("PullRequest", pull.id),
    html_url: `${web}/pull/${pull.number}`,
    diff_url: `${web}/pull/${pull.number}.diff`,
    patch_url: `${web}/pull/${pull.number}.patch`,
    issue_url: `${api}/issues/${pull.number}`,
    commits_url: `${self}/commits`,
    review_comments_url: `${self}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pull.number}/comments`,
    statuses_url: `${api}/statuses/${headSha}`,
    number: pull.number,
    state: issue.state,
    locked: false,
    title: issue.title,
    user: simpleUser(context, issue.user),
    body: issue.body,
    labels: issue.labels.map((record) => label(context, repo, record)),
    milestone: null,
    active_lock_reason: null,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: issue.state === "open" ? state.pullMergeCommit(pull).sha : pull.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: {
      label: `${pull.headRepo.owner.login}:${pull.headRef}`,
      ref: pull.headRef,
      sha: headSha,
      user: simpleUser(context, pull.headRepo.owner),
      repo: repository(context, pull.headRepo),
    },
    base: {
      label: `${repo.owner.login}:${pull.baseRef}`,
      ref: pull.baseRef,
      sha: baseSha,
      user: simpleUser(context, repo.owner),
      repo: repository(context, repo),
    },
    _links: {
      self: { href: self },
      html: { href: `${web}/pull/${pull.number}` },
      issue: { href: `${api}/issues/${pull.number}` },
      comments: { href: `${api}/issues/${pull.number}/comments` },
      review_comments: { href: `${self}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${self}/commits` },
      statuses: { href: `${api}/statuses/${headSha}` },
    },
    author_association: authorAssociation(repo, issue.user),
    auto_merge: null,
    draft: pull.draft,
    merged: pull.mergedAt !== null,
    mergeable: null,
    rebaseable: null,
    mergeable_state: "unknown",
    merged_by: null,
    comments: [...repo.issueComments.values()].filter((comment) => comment.issueNumber === pull.number).length,
    review_comments: 0,
    maintainer_can_modify: false,
    commits,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}

/** The short form check runs and workflow runs list their pull requests in. */
export function pullRequestMinimal(
  context: RenderContext,
  repo: RepoRecord,
  pull: PullRecord,
): Record<string, unknown> {
  const side = (target: RepoRecord, ref: string, sha: string) => ({
    ref,
    sha,
    repo: { id: target.id, url: repoApiUrl(context, target), name: target.name },
  });
  return {
    id: pull.id,
    number: pull.number,
    url: `${repoApiUrl(context, repo)}/pulls/${pull.number}`,
    head: side(pull.headRepo, pull.headRef, context.state.pullHeadSha(pull)),
    base: side(repo, pull.baseRef, repo.refs.get(`heads/${pull.baseRef}`) ?? ""),
  };
}

export function review(context: RenderContext, repo: RepoRecord, record: ReviewRecord): Record<string, unknown> {
  const html = `${repoWebUrl(context, repo)}/pull/${record.pullNumber}#pullrequestreview-${record.id}`;
  const pullUrl = `${repoApiUrl(context, repo)}/pulls/${record.pullNumber}`;
  return {
    id: record.id,
    node_id: nodeId("PullRequestReview", record.id),
    user: simpleUser(context, record.user),
    body: record.body,
    state: record.state,
    html_url: html,
    pull_request_url: pullUrl,
    _links: { html: { href: html }, pull_request: { href: pullUrl } },
    submitted_at: record.submittedAt,
    commit_id: record.commitId,
    author_association: authorAssociation(repo, record.user),
  };
}

function reactions(url: string): Record<string, unknown> {
  return { url, total_count: 0, "+1": 0, "-1": 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 };
}

export function issueComment(
  context: RenderContext,
  repo: RepoRecord,
  record: IssueCommentRecord,
): Record<string, unknown> {
  const api = repoApiUrl(context, repo);
  const url = `${api}/issues/comments/${record.id}`;
  const kind = repo.pulls.has(record.issueNumber) ? "pull" : "issues";
  return {
    id: record.id,
    node_id: nodeId("IssueComment", record.id),
    url,
    html_url: `${repoWebUrl(context, repo)}/${kind}/${record.issueNumber}#issuecomment-${record.id}`,
    body: record.body,
    user: simpleUser(context, record.user),
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    issue_url: `${api}/issues/${record.issueNumber}`,
    author_association: authorAssociation(repo, record.user),
    performed_via_github_app: record.viaApp ? actionsApp(context) : null,
    reactions: reactions(`${url}/reactions`),
  };
}

export function commitComment(
  context: RenderContext,
  repo: RepoRecord,
  record: CommitCommentRecord,
): Record<string, unknown> {
  const url = `${repoApiUrl(context, repo)}/comments/${record.id}`;
  return {
    html_url: `${repoWebUrl(context, repo)}/commit/${record.commitId}#commitcomment-${record.id}`,
    url,
    id: record.id,
    node_id: nodeId("CommitComment", record.id),
    body: record.body,
    path: record.path,
    position: record.position,
    line: record.line,
    commit_id: record.commitId,
    user: simpleUser(context, record.user),
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    author_association: authorAssociation(repo, record.user),
    reactions: reactions(`${url}/reactions`),
  };
}

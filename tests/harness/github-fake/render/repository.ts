/** Repositories in GitHub's full shape, which also satisfies the `repository` and `minimal-repository` schemas. */
import type { RepoRecord } from "../records.js";
import { nodeId, repoApiUrl, repoWebUrl, roleOf, simpleUser, type RenderContext } from "./accounts.js";

export function repository(context: RenderContext, repo: RepoRecord, viewer?: string): Record<string, unknown> {
  const api = repoApiUrl(context, repo);
  const web = repoWebUrl(context, repo);
  const host = new URL(context.web).host;
  const openIssues = [...repo.issues.values()].filter((issue) => issue.state === "open").length;
  const forks = [...context.state.repos.values()].filter((other) => other.parent === repo).length;
  const role = viewer === undefined ? undefined : roleOf(repo, viewer);
  const rank = ["read", "triage", "write", "maintain", "admin"].indexOf(role ?? "read");
  const pushedAt = lastCommitDate(repo) ?? repo.createdAt;
  return {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: repo.fullName,
    owner: simpleUser(context, repo.owner),
    private: repo.private,
    html_url: web,
    description: repo.description,
    fork: repo.parent !== null,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_url: `git://${host}/${repo.fullName}.git`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    ssh_url: `git@${host}:${repo.fullName}.git`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: `${web}.git`,
    mirror_url: null,
    hooks_url: `${api}/hooks`,
    svn_url: web,
    homepage: null,
    language: null,
    forks_count: forks,
    stargazers_count: 0,
    watchers_count: 0,
    size: repo.commits.size,
    default_branch: repo.defaultBranch,
    open_issues_count: openIssues,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: repo.private ? "private" : "public",
    pushed_at: pushedAt,
    created_at: repo.createdAt,
    updated_at: pushedAt,
    ...(viewer === undefined
      ? {}
      : { permissions: { admin: rank >= 4, maintain: rank >= 3, push: rank >= 2, triage: rank >= 1, pull: true } }),
    allow_forking: true,
    web_commit_signoff_required: false,
    subscribers_count: 0,
    network_count: forks,
    license: null,
    forks,
    open_issues: openIssues,
    watchers: 0,
  };
}

/** A full repository adds the fork's parent and source. */
export function fullRepository(context: RenderContext, repo: RepoRecord, viewer?: string): Record<string, unknown> {
  if (!repo.parent) return repository(context, repo, viewer);
  let source = repo.parent;
  while (source.parent) source = source.parent;
  return {
    ...repository(context, repo, viewer),
    parent: repository(context, repo.parent),
    source: repository(context, source),
  };
}

function lastCommitDate(repo: RepoRecord): string | undefined {
  let latest: string | undefined;
  for (const commit of repo.commits.values()) {
    if (!latest || commit.committer.date > latest) latest = commit.committer.date;
  }
  return latest;
}

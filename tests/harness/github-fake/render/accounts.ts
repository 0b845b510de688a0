/** Users, the GitHub Actions app, and the context every renderer shares. */
import type { FakeGitHubState } from "../state.js";
import type { RepoRecord, RepoRole, UserRecord } from "../records.js";

export interface RenderContext {
  state: FakeGitHubState;
  /** The fake's REST base URL: every `url` field points back at the fake. */
  api: string;
  /** The web base URL (`html_url` fields), what GITHUB_SERVER_URL says. */
  web: string;
  /** A signed URL on the fake's storage for `artifacts/<id>` or `release-assets/<id>`, like GitHub's storage redirects. */
  downloadUrl(path: string, ttlSeconds?: number): string;
}

/** GitHub's legacy global node id: base64 of `0<type length>:<Type><id>`. */
export function nodeId(type: string, id: number | string): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString("base64");
}

export function repoApiUrl(context: RenderContext, repo: RepoRecord): string {
  return `${context.api}/repos/${repo.fullName}`;
}

export function repoWebUrl(context: RenderContext, repo: RepoRecord): string {
  return `${context.web}/${repo.fullName}`;
}

const GITHUB_ORGANIZATION: UserRecord = {
  id: 9919,
  login: "github",
  type: "Organization",
  name: "GitHub",
  email: null,
  createdAt: "2014-11-28T19:16:27Z",
};

export function simpleUser(context: RenderContext, user: UserRecord): Record<string, unknown> {
  const api = `${context.api}/users/${encodeURIComponent(user.login)}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId(user.type === "Bot" ? "Bot" : user.type, user.id),
    avatar_url: `https://avatars.githubusercontent.com/${user.type === "Bot" ? "in/15368" : `u/${user.id}`}?v=4`,
    gravatar_id: "",
    url: api,
    html_url:
      user.type === "Bot"
        ? `${context.web}/apps/${user.login.replace(/\[bot\]$/, "")}`
        : `${context.web}/${user.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: user.type,
    user_view_type: "public",
    site_admin: false,
  };
}

export function privateUser(context: RenderContext, user: UserRecord): Record<string, unknown> {
  return {
    ...simpleUser(context, user),
    name: user.name,
    company: null,
    blog: "",
    location: null,
    email: user.email,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: [...context.state.repos.values()].filter((repo) => repo.owner === user && !repo.private).length,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: user.createdAt,
    updated_at: user.createdAt,
    private_gists: 0,
    total_private_repos: [...context.state.repos.values()].filter((repo) => repo.owner === user && repo.private).length,
    owned_private_repos: [...context.state.repos.values()].filter((repo) => repo.owner === user && repo.private).length,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: true,
  };
}

/** The role a user holds on a repository: the owner administers it, collaborators hold what they were given. */
export function roleOf(repo: RepoRecord, login: string): RepoRole | undefined {
  if (repo.owner.login === login) return "admin";
  return repo.collaborators.get(login);
}

export function authorAssociation(repo: RepoRecord, user: UserRecord): string {
  if (repo.owner.login === user.login) return "OWNER";
  if (repo.collaborators.has(user.login)) return "COLLABORATOR";
  return "NONE";
}

export function collaboratorPermission(
  context: RenderContext,
  repo: RepoRecord,
  user: UserRecord,
): Record<string, unknown> {
  const role = roleOf(repo, user.login);
  // The legacy `permission` folds maintain into write and triage into read.
  const permission =
    role === undefined
      ? repo.private
        ? "none"
        : "read"
      : { admin: "admin", maintain: "write", write: "write", triage: "read", read: "read" }[role];
  const rank = ["read", "triage", "write", "maintain", "admin"].indexOf(role ?? (repo.private ? "" : "read"));
  return {
    permission,
    role_name: role ?? permission,
    user: {
      ...simpleUser(context, user),
      permissions: { pull: rank >= 0, triage: rank >= 1, push: rank >= 2, maintain: rank >= 3, admin: rank >= 4 },
      role_name: role ?? permission,
    },
  };
}

/** The GitHub Actions app: the integration behind GITHUB_TOKEN, shown on its check runs and comments. */
export function actionsApp(context: RenderContext): Record<string, unknown> {
  return {
    id: 15368,
    slug: "github-actions",
    node_id: "MDM6QXBwMTUzNjg=",
    client_id: "Iv1.05c79e9ad1f6bdfa",
    owner: simpleUser(context, GITHUB_ORGANIZATION),
    name: "GitHub Actions",
    description: "Automate your workflow from idea to production",
    external_url: "https://help.github.com/en/actions",
    html_url: `${context.web}/apps/github-actions`,
    created_at: "2018-07-30T09:30:17Z",
    updated_at: "2019-12-10T19:04:12Z",
    permissions: {
      actions: "write",
      checks: "write",
      contents: "write",
      issues: "write",
      metadata: "read",
      pull_requests: "write",
      statuses: "write",
    },
    events: ["check_run", "check_suite", "pull_request", "push", "release", "workflow_dispatch", "workflow_run"],
  };
}

/** Who may call a route on a repository: the token's permissions, its repositories, and a user's role. */
import type { IncomingMessage } from "node:http";
import type { RepoRecord } from "./records.js";
import { roleOf } from "./render/accounts.js";
import type { Route, RouteRequest } from "./routing.js";
import type { FakeGitHubState } from "./state.js";
import { allows, deniedMessage, type TokenGrant } from "./tokens.js";

/** The token of an `Authorization: token X` or `Bearer X` header. */
export function authorization(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, value] = header.split(/\s+/, 2);
  return scheme && /^(token|bearer)$/i.test(scheme) ? value : header;
}

/** Why the caller may not use the route on the repository it names; undefined when it may. */
export function authorize(
  state: FakeGitHubState,
  request: RouteRequest,
  route: Route,
): { status: number; message: string } | undefined {
  const permission = route.permission;
  if (!permission) return undefined;
  const { owner, repo: name } = request.match.params;
  const repo = owner && name ? state.findRepo(owner, name) : undefined;
  if (!repo) return undefined; // the route answers 404
  const grant = request.grant;
  if (!grant) {
    if (repo.private) return { status: 404, message: "Not Found" };
    return permission.access === "write" ? { status: 401, message: "Requires authentication" } : undefined;
  }
  const reaches = grant.repositories === "all" || grant.repositories.includes(repo.fullName.toLowerCase());
  if (!reaches && repo.private) return { status: 404, message: "Not Found" };
  if (!reaches && permission.access === "read") return undefined; // public repositories are readable by anyone
  if (grant.kind === "user" && !userMay(grant, repo, permission.access)) {
    return repo.private ? { status: 404, message: "Not Found" } : { status: 403, message: deniedMessage(grant) };
  }
  const allowed = permission.scopes.some((scope) => allows(grant, scope, permission.access, repo.fullName));
  return allowed ? undefined : { status: 403, message: deniedMessage(grant) };
}

/** GitHub's `x-accepted-github-permissions`: alternatives separated by "; ", scopes spelled with underscores. */
export function acceptedPermissionsHeader(route: Route): Record<string, string> {
  if (!route.permission) return {};
  const { scopes, access } = route.permission;
  return { "x-accepted-github-permissions": scopes.map((scope) => `${scope.replace("-", "_")}=${access}`).join("; ") };
}

function userMay(grant: TokenGrant, repo: RepoRecord, access: "read" | "write"): boolean {
  const role = roleOf(repo, grant.login);
  if (access === "read") return !repo.private || role !== undefined;
  return role === "write" || role === "maintain" || role === "admin";
}

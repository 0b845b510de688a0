/**
 * Tokens the fake issues and what each may do. An installation token stands for GITHUB_TOKEN: exactly the scopes a
 * workflow's `permissions:` block grants (every scope it does not name is none, as on GitHub), scoped to
 * repositories, read-only for pull requests from forks. A user token stands for a personal access token: everything
 * its user may do, or a fine-grained permission set.
 */
import { randomBytes } from "node:crypto";
import { ACTIONS_BOT } from "./state.js";

/** The scopes of a workflow's `permissions:` block (metadata, which every token reads, is not one of them). */
export const WORKFLOW_SCOPES = [
  "actions",
  "artifact-metadata",
  "attestations",
  "checks",
  "contents",
  "deployments",
  "discussions",
  "id-token",
  "issues",
  "models",
  "packages",
  "pages",
  "pull-requests",
  "repository-projects",
  "security-events",
  "statuses",
] as const;
export type PermissionScope = (typeof WORKFLOW_SCOPES)[number] | "metadata";
export type Access = "none" | "read" | "write";
export type Permissions = Partial<Record<PermissionScope, Access>>;

export interface TokenGrant {
  token: string;
  kind: "installation" | "user";
  /** The account requests act as: `github-actions[bot]` for installation tokens. */
  login: string;
  /** Undefined for a classic personal access token, which may do whatever its user may. */
  permissions: Permissions | undefined;
  /** Full names of the repositories the token reaches, or every repository. */
  repositories: string[] | "all";
  readOnly: boolean;
}

export interface InstallationTokenOptions {
  kind: "installation";
  /** The job's `permissions:` block, exactly; absent, the restricted default a job without the block gets. */
  permissions?: Permissions;
  repositories?: string[];
  /** A pull request from a fork gets a read-only GITHUB_TOKEN whatever the workflow asks for. */
  fork?: boolean;
}

export interface UserTokenOptions {
  kind: "user";
  login: string;
  permissions?: Permissions;
}

export type TokenOptions = InstallationTokenOptions | UserTokenOptions;

/** GITHUB_TOKEN without a `permissions:` block under the restricted default (GitHub's default for new repositories). */
export const RESTRICTED_DEFAULT: Permissions = { contents: "read", packages: "read", metadata: "read" };

/** GITHUB_TOKEN without a `permissions:` block under the permissive default setting; a test must ask for it. */
export const PERMISSIVE_DEFAULT: Permissions = {
  actions: "write",
  checks: "write",
  contents: "write",
  deployments: "write",
  discussions: "write",
  issues: "write",
  metadata: "read",
  packages: "write",
  pages: "write",
  "pull-requests": "write",
  "repository-projects": "write",
  "security-events": "write",
  statuses: "write",
};

export class TokenRegistry {
  private readonly grants = new Map<string, TokenGrant>();

  issue(options: TokenOptions): TokenGrant {
    const installation = options.kind === "installation";
    const grant: TokenGrant = {
      token: `${installation ? "ghs" : "ghp"}_${randomBytes(18).toString("base64url")}`,
      kind: options.kind,
      login: installation ? ACTIONS_BOT.login : options.login,
      permissions: installation ? { ...(options.permissions ?? RESTRICTED_DEFAULT) } : options.permissions,
      repositories:
        installation && options.repositories ? options.repositories.map((name) => name.toLowerCase()) : "all",
      readOnly: installation && options.fork === true,
    };
    this.grants.set(grant.token, grant);
    return grant;
  }

  lookup(token: string): TokenGrant | undefined {
    return this.grants.get(token);
  }
}

/** Whether a grant holds `access` to `scope` on a repository; metadata is always readable. */
export function allows(
  grant: TokenGrant,
  scope: PermissionScope,
  access: Exclude<Access, "none">,
  repo: string,
): boolean {
  if (grant.repositories !== "all" && !grant.repositories.includes(repo.toLowerCase())) return false;
  if (access === "write" && grant.readOnly) return false;
  if (scope === "metadata" && access === "read") return true;
  if (!grant.permissions) return true;
  const held = grant.permissions[scope] ?? "none";
  return access === "read" ? held !== "none" : held === "write";
}

/** GitHub's words when a token lacks a permission. */
export function deniedMessage(grant: TokenGrant): string {
  return grant.kind === "installation"
    ? "Resource not accessible by integration"
    : "Resource not accessible by personal access token";
}

/** Repositories, commits, comparisons, refs and collaborators. */
import type { CommitRecord, RepoRecord } from "../records.js";
import { collaboratorPermission, type RenderContext } from "../render/accounts.js";
import { commit, comparison, gitRef } from "../render/git.js";
import { pullRequest } from "../render/conversation.js";
import { fullRepository } from "../render/repository.js";
import { paginate } from "../pagination.js";
import {
  GitHubError,
  json,
  notFound,
  validationFailed,
  type Route,
  type RouteRequest,
  type RouteTable,
} from "../routing.js";

const compare: Route = {
  permission: { scopes: ["contents"], access: "read" },
  handle(request, context) {
    const repo = request.repo();
    const basehead = request.match.params.basehead ?? `${request.param("base")}...${request.param("head")}`;
    const [baseSpec, headSpec, extra] = basehead.split("...");
    if (baseSpec === undefined || headSpec === undefined || extra !== undefined) throw notFound();
    const base = resolveSide(context, repo, baseSpec);
    const head = resolveSide(context, repo, headSpec);
    if (!base || !head) throw notFound();
    const mergeBaseSha = context.state.mergeBase(base.commit.sha, head.commit.sha);
    const mergeBase = mergeBaseSha ? context.state.commit(mergeBaseSha) : undefined;
    if (!mergeBase) throw new GitHubError(404, `No common ancestor between ${baseSpec} and ${headSpec}.`);
    const paged = paginate(context.state.commitsBetween(base.commit.sha, head.commit.sha), request.url);
    const body = comparison(context, repo, {
      basehead,
      base: base.commit,
      head: head.commit,
      headRepo: head.repo,
      mergeBase,
    });
    // `page`/`per_page` page through the comparison's commits.
    if (request.url.searchParams.has("page") || request.url.searchParams.has("per_page")) {
      body.commits = paged.items.map((record) => commit(context, head.repo, record));
    }
    return json(200, body, paged.link ? { link: paged.link } : undefined);
  },
};

/** A comparison side is `ref` or `owner:ref` (a fork in the same network). */
function resolveSide(
  context: RenderContext,
  repo: RepoRecord,
  spec: string,
): { repo: RepoRecord; commit: CommitRecord } | undefined {
  const [owner, ref] = spec.includes(":") ? spec.split(":", 2) : [undefined, spec];
  const target =
    owner === undefined
      ? repo
      : [...context.state.repos.values()].find(
          (candidate) => candidate.owner.login === owner && sameNetwork(candidate, repo),
        );
  const found = target && ref ? context.state.resolveCommit(target, ref) : undefined;
  return target && found ? { repo: target, commit: found } : undefined;
}

function sameNetwork(a: RepoRecord, b: RepoRecord): boolean {
  const root = (repo: RepoRecord): RepoRecord => (repo.parent ? root(repo.parent) : repo);
  return root(a) === root(b);
}

function viewer(request: RouteRequest): string | undefined {
  return request.grant?.kind === "user" ? request.grant.login : undefined;
}

export const repoRoutes: RouteTable = {
  "repos/get": {
    permission: { scopes: ["metadata"], access: "read" },
    handle: (request, context) => json(200, fullRepository(context, request.repo(), viewer(request))),
  },

  "repos/get-commit": {
    permission: { scopes: ["contents"], access: "read" },
    handle(request, context) {
      const repo = request.repo();
      const ref = request.param("ref");
      const found = context.state.resolveCommit(repo, ref);
      if (!found) throw validationFailed("Commit", "ref", "invalid", `No commit found for SHA: ${ref}`);
      return json(200, commit(context, repo, found));
    },
  },

  "repos/compare-commits-with-basehead": compare,
  "repos/compare-commits": compare,

  "repos/list-pull-requests-associated-with-commit": {
    permission: { scopes: ["pull-requests"], access: "read" },
    handle(request, context) {
      const repo = request.repo();
      const sha = context.state.resolveCommit(repo, request.param("commit_sha"))?.sha;
      if (!sha)
        throw validationFailed(
          "Commit",
          "commit_sha",
          "invalid",
          `No commit found for SHA: ${request.param("commit_sha")}`,
        );
      // A pull request is associated with the commits it brings: its head and what lies between base and head.
      const pulls = [...repo.pulls.values()].filter((pull) => {
        const baseSha = repo.refs.get(`heads/${pull.baseRef}`) ?? "";
        return context.state
          .commitsBetween(baseSha, context.state.pullHeadSha(pull))
          .some((record) => record.sha === sha);
      });
      const page = paginate(pulls, request.url);
      return json(
        200,
        page.items.map((pull) => pullRequest(context, repo, pull)),
        page.link ? { link: page.link } : undefined,
      );
    },
  },

  "git/get-ref": {
    permission: { scopes: ["contents"], access: "read" },
    handle(request, context) {
      const repo = request.repo();
      const ref = request.param("ref").replace(/^refs\//, "");
      const sha = repo.refs.get(ref);
      if (!sha) throw notFound();
      return json(200, gitRef(context, repo, ref, sha));
    },
  },

  "repos/get-collaborator-permission-level": {
    permission: { scopes: ["metadata"], access: "read" },
    handle(request, context) {
      const repo = request.repo();
      const user = context.state.users.get(request.param("username"));
      if (!user) throw new GitHubError(404, `${request.param("username")} is not a user`);
      return json(200, collaboratorPermission(context, repo, user));
    },
  },
};

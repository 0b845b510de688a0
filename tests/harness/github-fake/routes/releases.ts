/** Releases and their assets. */
import type { ReleaseAssetRecord, ReleaseRecord, RepoRecord } from "../records.js";
import { release, releaseAsset } from "../render/automation.js";
import { paginate } from "../pagination.js";
import { allows } from "../tokens.js";
import { FakeGap, intParam, json, notFound, validationFailed, type RouteRequest, type RouteTable } from "../routing.js";

interface ReleaseBody {
  tag_name?: string;
  target_commitish?: string;
  name?: string;
  body?: string;
  draft?: boolean;
  prerelease?: boolean;
  make_latest?: "true" | "false" | "legacy";
  discussion_category_name?: string;
  generate_release_notes?: boolean;
}

/** Drafts are visible only to those who can push. */
function canSeeDrafts(request: RouteRequest, repo: RepoRecord): boolean {
  return request.grant !== undefined && allows(request.grant, "contents", "write", repo.fullName);
}

function releaseOf(request: RouteRequest): { repo: RepoRecord; record: ReleaseRecord } {
  const repo = request.repo();
  const record = repo.releases.get(intParam(request, "release_id"));
  if (!record || (record.draft && !canSeeDrafts(request, repo))) throw notFound();
  return { repo, record };
}

function assetOf(request: RouteRequest): { repo: RepoRecord; record: ReleaseAssetRecord } {
  const repo = request.repo();
  const record = repo.assets.get(intParam(request, "asset_id"));
  if (!record) throw notFound();
  return { repo, record };
}

function rejectUnsupported(body: ReleaseBody): void {
  if (body.generate_release_notes) throw new FakeGap("generated release notes");
  if (body.discussion_category_name) throw new FakeGap("release discussions");
}

function checkTagIsFree(repo: RepoRecord, tag: string, except?: ReleaseRecord): void {
  if ([...repo.releases.values()].some((other) => other !== except && other.tagName === tag)) {
    throw validationFailed("Release", "tag_name", "already_exists");
  }
}

/**
 * GitHub renames uploaded assets: characters outside letters, digits and `._+@-` become periods, and leading or
 * trailing periods go (an approximation of its undocumented rule).
 */
function assetName(requested: string): string {
  return requested.replace(/[^A-Za-z0-9._+@-]/g, ".").replace(/^\.+|\.+$/g, "");
}

export const releaseRoutes: RouteTable = {
  "repos/list-releases": {
    permission: { scopes: ["contents"], access: "read" },
    handle(request, context) {
      const repo = request.repo();
      const drafts = canSeeDrafts(request, repo);
      const newestFirst = [...repo.releases.values()]
        .filter((record) => drafts || !record.draft)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
      const page = paginate(newestFirst, request.url);
      return json(
        200,
        page.items.map((record) => release(context, repo, record)),
        page.link ? { link: page.link } : undefined,
      );
    },
  },

  "repos/create-release": {
    permission: { scopes: ["contents"], access: "write" },
    handle(request, context) {
      const repo = request.repo();
      const body = request.body as ReleaseBody;
      rejectUnsupported(body);
      const tag = String(body.tag_name);
      checkTagIsFree(repo, tag);
      const target = body.target_commitish ?? repo.defaultBranch;
      if (!repo.refs.has(`tags/${tag}`) && !context.state.resolveCommit(repo, target)) {
        throw validationFailed("Release", "target_commitish", "invalid");
      }
      if (body.make_latest === "true" && (body.draft || body.prerelease)) {
        throw validationFailed("Release", "make_latest", "invalid", "Drafts and prereleases cannot be set as latest.");
      }
      const record = context.state.addRelease(repo, {
        tag,
        targetCommitish: target,
        name: body.name,
        body: body.body,
        draft: body.draft,
        prerelease: body.prerelease,
        author: request.grant?.login,
        makeLatest: body.make_latest,
      });
      return json(201, release(context, repo, record), {
        location: `${context.api}/repos/${repo.fullName}/releases/${record.id}`,
      });
    },
  },

  "repos/get-release": {
    permission: { scopes: ["contents"], access: "read" },
    handle(request, context) {
      const { repo, record } = releaseOf(request);
      return json(200, release(context, repo, record));
    },
  },

  "repos/get-release-by-tag": {
    permission: { scopes: ["contents"], access: "read" },
    handle(request, context) {
      const repo = request.repo();
      // Drafts have no tag yet, so they are never found by one.
      const record = [...repo.releases.values()].find(
        (candidate) => !candidate.draft && candidate.tagName === request.param("tag"),
      );
      if (!record) throw notFound();
      return json(200, release(context, repo, record));
    },
  },

  "repos/get-latest-release": {
    permission: { scopes: ["contents"], access: "read" },
    handle(request, context) {
      const repo = request.repo();
      const record = context.state.latestRelease(repo);
      if (!record) throw notFound();
      return json(200, release(context, repo, record));
    },
  },

  "repos/update-release": {
    permission: { scopes: ["contents"], access: "write" },
    handle(request, context) {
      const { repo, record } = releaseOf(request);
      const body = request.body as ReleaseBody;
      rejectUnsupported(body);
      if (body.tag_name !== undefined) {
        checkTagIsFree(repo, body.tag_name, record);
        record.tagName = body.tag_name;
      }
      if (body.target_commitish !== undefined) record.targetCommitish = body.target_commitish;
      if (body.name !== undefined) record.name = body.name;
      if (body.body !== undefined) record.body = body.body;
      if (body.prerelease !== undefined) record.prerelease = body.prerelease;
      const willBeDraft = body.draft ?? record.draft;
      if (body.make_latest === "true" && (willBeDraft || record.prerelease)) {
        throw validationFailed("Release", "make_latest", "invalid", "Drafts and prereleases cannot be set as latest.");
      }
      record.updatedAt = context.state.now();
      if (body.draft === true && !record.draft) throw new FakeGap("turning a published release back into a draft");
      if (!willBeDraft) {
        // Publishing a draft makes it latest unless told otherwise; an edit of a published release changes that only on request.
        const makeLatest = body.make_latest ?? (record.draft ? "true" : "false");
        context.state.publishRelease(repo, record, makeLatest);
      }
      return json(200, release(context, repo, record));
    },
  },

  "repos/delete-release": {
    permission: { scopes: ["contents"], access: "write" },
    handle(request) {
      const { repo, record } = releaseOf(request);
      for (const id of record.assetIds) repo.assets.delete(id);
      repo.releases.delete(record.id);
      if (repo.latestReleaseId === record.id) repo.latestReleaseId = null;
      return { status: 204 };
    },
  },

  "repos/list-release-assets": {
    permission: { scopes: ["contents"], access: "read" },
    handle(request, context) {
      const { repo, record } = releaseOf(request);
      const assets = record.assetIds.flatMap((id) => repo.assets.get(id) ?? []);
      const page = paginate(assets, request.url);
      return json(
        200,
        page.items.map((asset) => releaseAsset(context, repo, asset)),
        page.link ? { link: page.link } : undefined,
      );
    },
  },

  "repos/upload-release-asset": {
    permission: { scopes: ["contents"], access: "write" },
    handle(request, context) {
      const { repo, record } = releaseOf(request);
      const contentType = request.headers["content-type"];
      if (!contentType)
        throw validationFailed("ReleaseAsset", "content_type", "missing_field", "Content-Type header is required");
      const name = assetName(String(request.url.searchParams.get("name")));
      const taken = record.assetIds.some((id) => repo.assets.get(id)?.name === name);
      if (taken) throw validationFailed("ReleaseAsset", "name", "already_exists");
      const asset = context.state.addReleaseAsset(repo, record.id, {
        name,
        content: request.rawBody,
        contentType,
        label: request.url.searchParams.get("label") ?? undefined,
        uploader: request.grant?.login,
      });
      return json(201, releaseAsset(context, repo, asset));
    },
  },

  "repos/get-release-asset": {
    permission: { scopes: ["contents"], access: "read" },
    handle(request, context) {
      const { repo, record } = assetOf(request);
      if (!String(request.headers.accept ?? "").includes("application/octet-stream")) {
        return json(200, releaseAsset(context, repo, record));
      }
      if (record.state !== "uploaded") throw notFound();
      record.downloadCount += 1;
      return { status: 302, headers: { location: context.downloadUrl(`release-assets/${record.id}`, 300) } };
    },
  },

  "repos/update-release-asset": {
    permission: { scopes: ["contents"], access: "write" },
    handle(request, context) {
      const { repo, record } = assetOf(request);
      const body = request.body as { name?: string; label?: string; state?: string };
      if (body.state !== undefined) throw new FakeGap("changing a release asset's state");
      if (body.name !== undefined) record.name = assetName(body.name);
      if (body.label !== undefined) record.label = body.label;
      record.updatedAt = context.state.now();
      return json(200, releaseAsset(context, repo, record));
    },
  },

  "repos/delete-release-asset": {
    permission: { scopes: ["contents"], access: "write" },
    handle(request, context) {
      const { repo, record } = assetOf(request);
      context.state.deleteReleaseAsset(repo, record);
      return { status: 204 };
    },
  },
};

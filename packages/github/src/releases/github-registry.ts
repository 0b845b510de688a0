import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { RestEndpointMethodTypes } from "@octokit/rest";
import {
  UserError,
  type AssetSource,
  type ModelRegistry,
  type PublishHooks,
  type PublishedModel,
  type ReleasePlan,
} from "@ctrain/core";
import {
  newestFirst,
  openAssetSource,
  parseModelTag,
  pickChampion,
  readBundleMarker,
  writeHashedCapped,
} from "@ctrain/publish";
import { setTimeout as sleep } from "node:timers/promises";
import { clientTimingFromEnv, type GitHubClient } from "../client-timing.js";
import type { RepositoryRef } from "../context.js";
import { explainGitHubError, GitHubFault } from "../errors.js";
import { inertLog } from "../log.js";

type Release = RestEndpointMethodTypes["repos"]["listReleases"]["response"]["data"][number];
type ReleaseAsset = Release["assets"][number];

/** Upload attempts per asset: a dropped connection leaves a `starter` asset that is deleted before the next try. */
const UPLOAD_ATTEMPTS = 4;

/** Whether a failed upload is worth another try: a fault on the way or on GitHub's side, or a leftover asset. */
function isRetryableUpload(error: unknown): boolean {
  if (error instanceof GitHubFault) return error.transient;
  const status = statusOf(error);
  return isAlreadyExists(error) || status === undefined || status >= 500;
}

function statusOf(error: unknown): number | undefined {
  return typeof error === "object" && error !== null ? (error as { status?: number }).status : undefined;
}

function isAlreadyExists(error: unknown): boolean {
  const errors = (error as { response?: { data?: { errors?: { code?: string }[] } } }).response?.data?.errors;
  return statusOf(error) === 422 && (errors ?? []).some((entry) => entry.code === "already_exists");
}

/** Problems with a draft's assets compared with the plan; empty when names, states, sizes and digests all match. */
export function assetMismatches(assets: readonly ReleaseAsset[], wanted: readonly AssetSource[]): string[] {
  const problems: string[] = [];
  const byName = new Map(assets.map((asset) => [asset.name, asset]));
  for (const source of wanted) {
    const asset = byName.get(source.name);
    if (!asset) problems.push(`${source.name} is missing`);
    else if (asset.state !== "uploaded") problems.push(`${source.name} is still "${asset.state}"`);
    else if (asset.size !== source.bytes) problems.push(`${source.name} is ${asset.size} bytes, not ${source.bytes}`);
    else if (asset.digest && asset.digest !== `sha256:${source.sha256}`) {
      problems.push(`${source.name} has digest ${asset.digest}, not sha256:${source.sha256}`);
    }
  }
  const names = new Set(wanted.map((source) => source.name));
  for (const asset of assets) if (!names.has(asset.name)) problems.push(`${asset.name} is not part of the plan`);
  return problems;
}

/**
 * Models as GitHub releases tagged `<model>@v<version>`. A publish creates a draft (or resumes the one an interrupted
 * run left), uploads every asset, lists them back and checks names, sizes and digests, and only then publishes, so a
 * release is never visible half-filled.
 */
export class GitHubModelRegistry implements ModelRegistry {
  readonly description: string;

  constructor(
    private readonly client: GitHubClient,
    private readonly repository: RepositoryRef,
  ) {
    this.description = `GitHub releases of ${repository.owner}/${repository.repo}`;
  }

  private async releasesOf(model: string): Promise<Release[]> {
    try {
      const releases = await this.client.paginate(this.client.rest.repos.listReleases, {
        ...this.repository,
        per_page: 100,
      });
      return releases.filter((release) => parseModelTag(release.tag_name)?.model === model);
    } catch (error) {
      explainGitHubError(
        error,
        "readContents",
        `list the releases of ${this.repository.owner}/${this.repository.repo}`,
      );
    }
  }

  private toPublished(release: Release): PublishedModel {
    const { model, version } = parseModelTag(release.tag_name)!;
    return {
      id: String(release.id),
      model,
      version,
      tag: release.tag_name,
      createdAt: release.published_at ?? release.created_at,
      location: release.html_url,
      draft: release.draft,
      prerelease: release.prerelease,
      bundleDigest: readBundleMarker(release.body),
      assets: release.assets.map((asset) => ({
        id: String(asset.id),
        name: asset.name,
        bytes: asset.size,
        digest: asset.digest ?? undefined,
        state: asset.state === "uploaded" ? "uploaded" : "partial",
      })),
    };
  }

  async list(model: string, options: { drafts?: boolean } = {}): Promise<PublishedModel[]> {
    const releases = await this.releasesOf(model);
    return newestFirst(releases.filter((release) => options.drafts || !release.draft).map((r) => this.toPublished(r)));
  }

  async latest(model: string): Promise<PublishedModel | undefined> {
    return pickChampion(await this.list(model));
  }

  async publish(plan: ReleasePlan, hooks: PublishHooks = {}): Promise<PublishedModel> {
    const log = inertLog(hooks.log);
    const what = `publish ${plan.tag}`;
    try {
      let release = plan.resume ? await this.getRelease(Number(plan.resume.id)) : undefined;
      if (release && !release.draft) return this.toPublished(release);
      if (release) {
        log(`resuming the draft of ${plan.tag} left by an interrupted run (${release.html_url})`);
      } else {
        await this.assertTagFree(plan);
        for (const stale of await this.releasesOf(plan.model)) {
          if (stale.draft && stale.tag_name === plan.tag) {
            log(`deleting an unfinished draft of ${plan.tag} left by a run of other content (${stale.html_url})`);
            await this.client.rest.repos.deleteRelease({ ...this.repository, release_id: stale.id });
          }
        }
        release = (
          await this.client.rest.repos.createRelease({
            ...this.repository,
            tag_name: plan.tag,
            ...(plan.commit ? { target_commitish: plan.commit } : {}),
            name: plan.title,
            body: plan.body,
            draft: true,
            prerelease: plan.prerelease,
          })
        ).data;
        log(`created the draft release ${release.html_url}`);
      }
      await this.fill(release, plan.assets, log);
      const problems = assetMismatches(await this.listAssets(release.id), plan.assets);
      if (problems.length) {
        throw new UserError(`the draft of ${plan.tag} does not hold what was uploaded: ${problems.join("; ")}`, {
          location: release.html_url,
          hint: "the release stays a draft; re-run the job to resume it (run one publish per model at a time)",
        });
      }
      await hooks.beforePublish?.();
      const published = await this.client.rest.repos.updateRelease({
        ...this.repository,
        release_id: release.id,
        draft: false,
        make_latest: plan.makeLatest,
      });
      log(`published ${published.data.html_url}`);
      return this.toPublished(published.data);
    } catch (error) {
      if (error instanceof UserError) throw error;
      explainGitHubError(error, "release", what);
    }
  }

  private async getRelease(id: number): Promise<Release | undefined> {
    try {
      return (await this.client.rest.repos.getRelease({ ...this.repository, release_id: id })).data;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** A bare git tag of this name (a leftover, or made by hand) must point at the commit being published. */
  private async assertTagFree(plan: ReleasePlan): Promise<void> {
    let commit: string;
    try {
      const ref = (await this.client.rest.git.getRef({ ...this.repository, ref: `tags/${plan.tag}` })).data;
      commit =
        ref.object.type === "tag"
          ? (await this.client.rest.git.getTag({ ...this.repository, tag_sha: ref.object.sha })).data.object.sha
          : ref.object.sha;
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw error;
    }
    if (plan.commit && commit !== plan.commit) {
      throw new UserError(
        `tag ${plan.tag} already exists at commit ${commit.slice(0, 12)}, not ${plan.commit.slice(0, 12)}`,
        {
          hint: "a tag with this name was created outside ctrain; delete it if it is a leftover, or publish another version",
        },
      );
    }
  }

  private async listAssets(releaseId: number): Promise<ReleaseAsset[]> {
    return this.client.paginate(this.client.rest.repos.listReleaseAssets, {
      ...this.repository,
      release_id: releaseId,
      per_page: 100,
    });
  }

  private async deleteAsset(asset: ReleaseAsset): Promise<void> {
    try {
      await this.client.rest.repos.deleteReleaseAsset({ ...this.repository, asset_id: asset.id });
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }

  /** Keeps assets that already match (a resumed draft), deletes the rest (`starter` leftovers too), uploads what is missing. */
  private async fill(release: Release, wanted: readonly AssetSource[], log: (line: string) => void): Promise<void> {
    const byName = new Map(wanted.map((source) => [source.name, source]));
    const kept = new Set<string>();
    for (const asset of await this.listAssets(release.id)) {
      const source = byName.get(asset.name);
      if (source && assetMismatches([asset], [source]).length === 0) {
        kept.add(asset.name);
        continue;
      }
      log(`deleting ${asset.state === "uploaded" ? "the stale" : "the unfinished"} asset ${asset.name}`);
      await this.deleteAsset(asset);
    }
    if (kept.size) log(`${kept.size} of ${wanted.length} assets were already uploaded`);
    for (const source of wanted) if (!kept.has(source.name)) await this.upload(release, source, log);
  }

  private async upload(release: Release, source: AssetSource, log: (line: string) => void): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      try {
        await this.client.request({
          method: "POST",
          url: release.upload_url,
          name: source.name,
          data: openAssetSource(source),
          headers: { "content-type": source.contentType, "content-length": source.bytes },
          // A stream cannot be sent twice: this loop retries, with a fresh stream.
          request: { retries: 0 },
        });
        const seconds = (performance.now() - started) / 1000;
        const rate = seconds > 0 ? ` at ${(source.bytes / 1024 ** 2 / seconds).toFixed(1)} MB/s` : "";
        log(`uploaded ${source.name} (${source.bytes} bytes${rate})`);
        return;
      } catch (error) {
        if (!isRetryableUpload(error) || attempt >= UPLOAD_ATTEMPTS) throw error;
        // Backs off as the client's retries do (1, 4, 9 s): an immediate retry meets the same trouble.
        const waitMs = attempt ** 2 * clientTimingFromEnv().retryUnitMs;
        const reason = error instanceof GitHubFault ? error.message : String(statusOf(error) ?? "no response");
        log(`upload of ${source.name} failed (${reason}); clearing it and trying again in ${waitMs / 1000} s`);
        await sleep(waitMs);
        for (const asset of await this.listAssets(release.id)) {
          if (asset.name === source.name) await this.deleteAsset(asset);
        }
      }
    }
  }

  async download(
    version: PublishedModel,
    assetName: string,
    destination: string,
    maxBytes: number,
  ): Promise<{ bytes: number; sha256: string }> {
    const asset = version.assets.find((candidate) => candidate.name === assetName);
    if (!asset) throw new UserError(`${version.tag} has no asset ${assetName}`, { location: version.location });
    try {
      // The API answers with a redirect to storage; fetch drops the token when it leaves the API's origin.
      const response = await this.client.request("GET /repos/{owner}/{repo}/releases/assets/{asset_id}", {
        ...this.repository,
        asset_id: Number(asset.id),
        headers: { accept: "application/octet-stream" },
        request: { parseSuccessResponseBody: false },
      });
      const body = response.data as unknown as WebReadableStream<Uint8Array> | null;
      return await writeHashedCapped(body ? Readable.fromWeb(body) : Readable.from([]), destination, maxBytes);
    } catch (error) {
      if (error instanceof UserError) throw error;
      explainGitHubError(error, "readContents", `download ${assetName} of ${version.tag}`);
    }
  }
}

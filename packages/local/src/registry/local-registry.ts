import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import {
  UserError,
  confinedPath,
  sha256File,
  writeFileAtomic,
  type ModelRegistry,
  type PublishHooks,
  type PublishedModel,
  type RegistryAsset,
  type ReleasePlan,
} from "@ctrain/core";
import { modelTag, newestFirst, openAssetSource, pickChampion, writeHashedCapped } from "@ctrain/publish";
import semver from "semver";

/** What a GitHub release object says beyond its assets, kept beside the files as `.release.json`. */
const ReleaseRecord = z.object({
  tag: z.string(),
  title: z.string(),
  body: z.string(),
  commit: z.string().optional(),
  prerelease: z.boolean(),
  bundleDigest: z.string(),
  createdAt: z.string(),
});
type ReleaseRecord = z.infer<typeof ReleaseRecord>;
const RELEASE_RECORD = ".release.json";

/** A damaged record reads as missing: the version is still listed, only without its bundle digest. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
const DRAFT_PREFIX = ".draft-";

/**
 * The local twin of GitHub releases: `<root>/<model>/<version>/` holds the same files a release holds, by asset
 * name. A publish fills `<root>/<model>/.draft-<version>/` and renames it into place, so a version folder is never
 * seen half-filled; a draft left by a crash is resumed or replaced.
 */
export class LocalModelRegistry implements ModelRegistry {
  readonly root: string;
  readonly description: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.description = `the local registry at ${this.root}`;
  }

  private modelDir(model: string): string {
    return confinedPath(this.root, model);
  }

  private read(dir: string, model: string, version: string, draft: boolean): PublishedModel {
    const recordFile = join(dir, RELEASE_RECORD);
    const record = existsSync(recordFile)
      ? ReleaseRecord.safeParse(parseJson(readFileSync(recordFile, "utf8")))
      : undefined;
    // A dangling symlink is no stored file: left out here, it is named as missing when held to the manifest.
    const assets: RegistryAsset[] = readdirSync(dir)
      .filter((name) => !name.startsWith("."))
      .sort()
      .flatMap((name) => {
        const info = statSync(join(dir, name), { throwIfNoEntry: false });
        return info ? [{ id: name, name, bytes: info.size, state: "uploaded" as const }] : [];
      });
    return {
      id: dir,
      model,
      version,
      tag: modelTag(model, version),
      createdAt: record?.data?.createdAt ?? statSync(dir).mtime.toISOString(),
      location: dir,
      draft,
      prerelease: record?.data?.prerelease ?? semver.prerelease(version) !== null,
      bundleDigest: record?.data?.bundleDigest,
      assets,
    };
  }

  async list(model: string, options: { drafts?: boolean } = {}): Promise<PublishedModel[]> {
    const dir = this.modelDir(model);
    if (!existsSync(dir)) return [];
    const versions: PublishedModel[] = [];
    for (const name of readdirSync(dir)) {
      const draft = name.startsWith(DRAFT_PREFIX);
      const version = draft ? name.slice(DRAFT_PREFIX.length) : name;
      if (semver.valid(version) !== version || (draft && !options.drafts)) continue;
      if (!statSync(join(dir, name), { throwIfNoEntry: false })?.isDirectory()) continue;
      versions.push(this.read(join(dir, name), model, version, draft));
    }
    return newestFirst(versions);
  }

  async latest(model: string): Promise<PublishedModel | undefined> {
    return pickChampion(await this.list(model));
  }

  async publish(plan: ReleasePlan, hooks: PublishHooks = {}): Promise<PublishedModel> {
    const log = hooks.log ?? (() => undefined);
    const modelDir = this.modelDir(plan.model);
    const final = confinedPath(modelDir, plan.version);
    if (existsSync(final)) {
      const existing = this.read(final, plan.model, plan.version, false);
      if (existing.bundleDigest === plan.bundleDigest) return existing;
      throw new UserError(`${plan.tag} already exists with different content`, {
        location: final,
        hint: "publish a new version; a published version is never overwritten",
      });
    }
    const draft = confinedPath(modelDir, `${DRAFT_PREFIX}${plan.version}`);
    if (existsSync(draft) && this.read(draft, plan.model, plan.version, true).bundleDigest !== plan.bundleDigest) {
      log(`replacing an unfinished draft of ${plan.tag} left by another run`);
      rmSync(draft, { recursive: true, force: true });
    }
    mkdirSync(draft, { recursive: true });
    const record: ReleaseRecord = {
      tag: plan.tag,
      title: plan.title,
      body: plan.body,
      commit: plan.commit,
      prerelease: plan.prerelease,
      bundleDigest: plan.bundleDigest,
      createdAt: new Date().toISOString(),
    };
    writeFileAtomic(join(draft, RELEASE_RECORD), JSON.stringify(record, null, 2) + "\n");

    const wanted = new Map(plan.assets.map((asset) => [asset.name, asset]));
    for (const name of readdirSync(draft)) {
      if (!name.startsWith(".") && !wanted.has(name)) rmSync(join(draft, name), { recursive: true, force: true });
    }
    for (const asset of plan.assets) {
      const target = confinedPath(draft, asset.name);
      if (
        existsSync(target) &&
        statSync(target).size === asset.bytes &&
        (await sha256File(target)).sha256 === asset.sha256
      ) {
        continue;
      }
      const temp = confinedPath(draft, `.${asset.name}.partial`);
      await writeHashedCapped(openAssetSource(asset), temp, asset.bytes);
      renameSync(temp, target);
    }
    for (const asset of plan.assets) {
      const target = confinedPath(draft, asset.name);
      if (statSync(target).size !== asset.bytes || (await sha256File(target)).sha256 !== asset.sha256) {
        throw new UserError(`${asset.name} in ${draft} does not match what was written`, {
          hint: "another process is writing to the registry folder; run one publish at a time",
        });
      }
    }
    await hooks.beforePublish?.();
    renameSync(draft, final);
    log(`published ${plan.tag} to ${final}`);
    return this.read(final, plan.model, plan.version, false);
  }

  async download(
    version: PublishedModel,
    assetName: string,
    destination: string,
    maxBytes: number,
  ): Promise<{ bytes: number; sha256: string }> {
    const source = confinedPath(version.id, assetName);
    if (!existsSync(source)) throw new UserError(`${version.tag} has no file ${assetName}`, { location: version.id });
    return writeHashedCapped(createReadStream(source), destination, maxBytes);
  }
}

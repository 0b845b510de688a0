import { UserError, filesFingerprint, type FileDigest, type RunDocument } from "@ctrain/core";
import type { DatasetFingerprint } from "./datasets.js";
import { digestFiles } from "./file-digest.js";
import { matchAllFiles, workspacePath } from "./file-patterns.js";
import type { TrainSettings } from "./settings.js";

/** What a restore found (exact, partial or miss), as run.json records it. */
export type CacheRecord = NonNullable<RunDocument["cache"]>;

/** What the cache key is made of: the lockfiles and the data the run depends on. */
export interface CacheKeyInputs {
  /** The cache key prefix from `train.cache.key-prefix`, if set. */
  prefix?: string;
  /** Combined sha256 of the key files (lockfiles, requirements). */
  keyFilesFingerprint: string;
  /** Combined sha256 of the datasets' fingerprints. */
  dataFingerprint: string;
}

/**
 * Where dependency caches live (GitHub's Actions cache in a workflow). Restored after the datasets are
 * fingerprinted and before the command runs; saved after a successful run unless the restore was an exact hit.
 */
export interface DependencyCache {
  restore(paths: readonly string[], inputs: CacheKeyInputs): Promise<CacheRecord>;
  save(paths: readonly string[], record: CacheRecord): Promise<void>;
}

/** The key inputs for a run: key files and datasets each reduced to one sha256. */
export function cacheKeyInputs(
  keyFiles: readonly FileDigest[],
  datasets: readonly DatasetFingerprint[],
  prefix?: string,
): CacheKeyInputs {
  const dataLines = datasets.map((dataset) => ({ path: dataset.name, bytes: 0, sha256: dataset.fingerprint }));
  return {
    ...(prefix === undefined ? {} : { prefix }),
    keyFilesFingerprint: filesFingerprint(keyFiles),
    dataFingerprint: filesFingerprint(dataLines),
  };
}

/** Restores the dependency cache for the settings' key files and the run's datasets. */
export async function restoreDependencyCache(
  settings: TrainSettings,
  cache: DependencyCache,
  datasets: readonly DatasetFingerprint[],
  log: (line: string) => void,
): Promise<CacheRecord | undefined> {
  if (!settings.cache) return undefined;
  const { files, unmatched } = await matchAllFiles(settings.cache.keyFiles, settings.root);
  if (unmatched.length > 0) {
    throw new UserError(
      `train.cache.key-files: nothing found at ${unmatched.join(", ")} (workspace: ${settings.root})`,
      {
        location: "train.cache.key-files",
        hint: "name lockfiles that exist in the repository, e.g. requirements.txt, poetry.lock, package-lock.json",
      },
    );
  }
  const keyFiles = (await digestFiles(files)).map((digest) => ({
    path: workspacePath(settings.root, digest.path, "cache key file"),
    bytes: digest.bytes,
    sha256: digest.sha256,
  }));
  const record = await cache.restore(
    settings.cache.paths,
    cacheKeyInputs(keyFiles, datasets, settings.cache.keyPrefix),
  );
  log(
    record.hit === "miss"
      ? `cache miss for ${record.key}`
      : `cache ${record.hit} hit: restored ${record.restoredKey ?? record.key}`,
  );
  return record;
}

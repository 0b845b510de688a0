import type { FileDigest } from "@ctrain/core";
import { combinedFingerprint, type DatasetFingerprint } from "./datasets.js";

export type CacheHit = "exact" | "partial" | "miss";

/** What was restored, as run.json records it. */
export interface CacheRecord {
  key: string;
  hit: CacheHit;
  restoredKey?: string;
}

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
    keyFilesFingerprint: combinedFingerprint(keyFiles),
    dataFingerprint: combinedFingerprint(dataLines),
  };
}

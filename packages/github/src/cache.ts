import { CACHE_KEY_MAX_CHARS, CACHE_KEYS_MAX, UserError, type RunDocument } from "@ctrain/core";
import { inertLog } from "./log.js";

/** What a restore found, as run.json and the action's outputs report it. */
export type CacheRestoreRecord = NonNullable<RunDocument["cache"]>;
export type CacheHit = CacheRestoreRecord["hit"];

/** The parts of a dependency cache key: the lockfiles and the data a run depends on, each reduced to a sha256. */
export interface DependencyCacheKeySource {
  prefix?: string;
  keyFilesFingerprint: string;
  dataFingerprint: string;
}

export const DEFAULT_CACHE_KEY_PREFIX = "ctrain-train";

/** `Linux-X64`: caches hold platform-specific files (wheels, compiled extensions), so the platform is in the key. */
export function runnerPlatform(env: NodeJS.ProcessEnv = process.env): string {
  return `${env.RUNNER_OS || process.platform}-${env.RUNNER_ARCH || process.arch}`;
}

/**
 * `<prefix>-<platform>-<lockfiles>-<data>`, with restore keys that drop the data and then the lockfiles, so a run
 * whose data changed still restores the dependencies of one with the same lockfiles (a partial hit), and any
 * earlier cache beats none.
 */
export function dependencyCacheKeys(
  source: DependencyCacheKeySource,
  platform = runnerPlatform(),
): { key: string; restoreKeys: string[] } {
  const prefix = source.prefix ?? DEFAULT_CACHE_KEY_PREFIX;
  const base = `${prefix}-${platform}`;
  const key = `${base}-${source.keyFilesFingerprint}-${source.dataFingerprint}`;
  const restoreKeys = [`${base}-${source.keyFilesFingerprint}-`, `${base}-`];
  if (prefix.includes(",")) {
    throw new UserError(`the cache key prefix ${JSON.stringify(prefix)} holds a comma, which cache keys may not`, {
      location: "train.cache.key-prefix",
      hint: "use letters, digits, '-', '_' or '.'",
    });
  }
  if (key.length > CACHE_KEY_MAX_CHARS) {
    throw new UserError(
      `the cache key would be ${key.length} characters, more than the ${CACHE_KEY_MAX_CHARS} GitHub allows`,
      {
        location: "train.cache.key-prefix",
        hint: `shorten the prefix to at most ${CACHE_KEY_MAX_CHARS - (key.length - prefix.length)} characters`,
      },
    );
  }
  // One key plus two restore keys stays well inside GitHub's limit of CACHE_KEYS_MAX.
  return { key, restoreKeys: restoreKeys.slice(0, CACHE_KEYS_MAX - 1) };
}

export function classifyCacheHit(key: string, restoredKey: string | undefined): CacheHit {
  if (restoredKey === undefined) return "miss";
  return restoredKey === key ? "exact" : "partial";
}

/**
 * Dependency caching through GitHub's Actions cache (the runtime token every JavaScript action gets; no
 * `permissions:` needed). A cache is an optimisation: service errors are logged and count as a miss. The toolkit
 * (Azure storage, protobuf) is imported on first use, so the actions that never cache do not pay for loading it.
 */
export class ActionsDependencyCache {
  private readonly log: (line: string) => void;

  constructor(
    log: (line: string) => void,
    private readonly platform = runnerPlatform(),
  ) {
    this.log = inertLog(log);
  }

  async restore(paths: readonly string[], source: DependencyCacheKeySource): Promise<CacheRestoreRecord> {
    const { key, restoreKeys } = dependencyCacheKeys(source, this.platform);
    const cache = await import("@actions/cache");
    if (!cache.isFeatureAvailable()) {
      this.log(
        "the Actions cache service is not available (outside GitHub Actions, or on GHES without it): not restored",
      );
      return { key, hit: "miss" };
    }
    try {
      const restoredKey = await cache.restoreCache([...paths], key, restoreKeys);
      const hit = classifyCacheHit(key, restoredKey);
      return restoredKey === undefined ? { key, hit } : { key, hit, restoredKey };
    } catch (error) {
      if (error instanceof cache.ValidationError) {
        throw new UserError(`the cache cannot be restored: ${error.message}`, {
          location: "train.cache",
          hint: "check train.cache.paths and train.cache.key-prefix",
          cause: error,
        });
      }
      this.log(`cache restore failed, continuing without it: ${(error as Error).message}`);
      return { key, hit: "miss" };
    }
  }

  /** Saves `paths` under the record's key; does nothing after an exact hit (keys are immutable). */
  async save(paths: readonly string[], record: CacheRestoreRecord): Promise<void> {
    if (record.hit === "exact") return;
    const cache = await import("@actions/cache");
    if (!cache.isFeatureAvailable()) return;
    // saveCache logs its own failures (another job saving the same key, quota) and answers -1 for them.
    const id = await cache.saveCache([...paths], record.key);
    if (id !== -1) this.log(`cache saved as ${record.key}`);
  }
}

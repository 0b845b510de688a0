/**
 * Where run-cache entries live: the local store's folders, or GitHub's Actions cache. An entry is a folder; the
 * store only moves it, and everything restored is checked by the train package before anything uses it.
 */
export interface RunCacheStore {
  /** For log lines: "the Actions cache", "the local store .ctrain-store/cache". */
  readonly description: string;
  /** Why this run may read entries but must not write them (a fork's pull request); absent when it may write. */
  readonly readOnlyReason?: string;
  /** Fills the empty folder `into` with the entry saved under `key`; false when there is none. */
  restore(key: string, into: string): Promise<boolean>;
  /** Saves the folder `from` as the entry for `key`; false when the store declined (the key is taken, quota). */
  save(key: string, from: string): Promise<boolean>;
}

/**
 * `github.actions.results.api.v1.CacheService` (cache service v2): what `@actions/cache` calls when
 * ACTIONS_CACHE_SERVICE_V2 is set. Entries are scoped to refs as GitHub scopes them: the runtime token's `ac`
 * claim lists the scopes a job may read and the one it writes (its own ref); a lookup searches each readable scope
 * in order, first the key exactly, then the key as a prefix, then each restore key as a prefix, newest entry first.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { CACHE_KEY_MAX_CHARS, CACHE_KEYS_MAX } from "@ctrain/core";
import type { BlobStorage } from "./blob-storage.js";
import { CACHE_READ, CACHE_WRITE, type RuntimeClaims } from "./runtime-token.js";
import { twirpMethod, TwirpError, type TwirpService } from "./twirp.js";

export interface CacheEntry {
  id: number;
  scope: string;
  key: string;
  version: string;
  blobPath: string;
  /** Null until the upload is finalized. */
  size: number | null;
}

const metadata = z
  .strictObject({ repository_id: z.string().optional(), scope: z.array(z.unknown()).optional() })
  .optional();
const cacheKey = z
  .string()
  .min(1)
  .max(CACHE_KEY_MAX_CHARS)
  .refine((key) => !key.includes(","), "a cache key holds no commas");

export function cacheService(storage: BlobStorage, account: string, entries: CacheEntry[]): TwirpService {
  let lastId = 0;

  const writableScope = (claims: RuntimeClaims) =>
    claims.cacheScopes.find((scope) => (scope.Permission & CACHE_WRITE) !== 0)?.Scope;

  return {
    CreateCacheEntry: twirpMethod(
      z.strictObject({ metadata, key: cacheKey, version: z.string().min(1) }),
      (request, claims) => {
        const scope = writableScope(claims);
        // The toolkit recognizes this prefix and reports a read-only token instead of a failed reservation.
        if (!scope)
          return { ok: false, message: "cache write denied: the runtime token grants no writable cache scope" };
        const taken = entries.some(
          (entry) => entry.scope === scope && entry.key === request.key && entry.version === request.version,
        );
        if (taken)
          return { ok: false, message: `cache entry with key "${request.key}" already exists in scope ${scope}` };
        const entry: CacheEntry = {
          id: ++lastId,
          scope,
          key: request.key,
          version: request.version,
          blobPath: `/${account}/actions-cache/${randomUUID()}`,
          size: null,
        };
        entries.push(entry);
        return { ok: true, signed_upload_url: storage.uploadUrl(entry.blobPath) };
      },
    ),

    FinalizeCacheEntryUpload: twirpMethod(
      z.strictObject({
        metadata,
        key: cacheKey,
        size_bytes: z.string().regex(/^\d+$/).optional(),
        version: z.string().min(1),
      }),
      (request, claims) => {
        const scope = writableScope(claims);
        const entry = entries.find(
          (candidate) =>
            candidate.scope === scope &&
            candidate.key === request.key &&
            candidate.version === request.version &&
            candidate.size === null,
        );
        if (!entry) return { ok: false, message: `no cache entry with key "${request.key}" is being uploaded` };
        const blob = storage.get(entry.blobPath);
        if (!blob) return { ok: false, message: "the cache archive was never uploaded" };
        if (String(blob.content.length) !== (request.size_bytes ?? "0")) {
          throw new TwirpError(
            "invalid_argument",
            `size_bytes ${request.size_bytes} does not match the ${blob.content.length} bytes uploaded`,
          );
        }
        entry.size = blob.content.length;
        return { ok: true, entry_id: String(entry.id) };
      },
    ),

    GetCacheEntryDownloadURL: twirpMethod(
      z.strictObject({
        metadata,
        key: cacheKey,
        restore_keys: z.array(cacheKey).optional(),
        version: z.string().min(1),
      }),
      (request, claims) => {
        const restoreKeys = request.restore_keys ?? [];
        if (restoreKeys.length + 1 > CACHE_KEYS_MAX)
          throw new TwirpError("invalid_argument", `at most ${CACHE_KEYS_MAX} keys`);
        const readable = claims.cacheScopes
          .filter((scope) => (scope.Permission & CACHE_READ) !== 0)
          .map((scope) => scope.Scope);
        for (const scope of readable) {
          const candidates = entries
            .filter((entry) => entry.scope === scope && entry.version === request.version && entry.size !== null)
            .sort((a, b) => b.id - a.id); // ids grow with time: newest first
          const found =
            candidates.find((entry) => entry.key === request.key) ??
            [request.key, ...restoreKeys]
              .map((prefix) => candidates.find((entry) => entry.key.startsWith(prefix)))
              .find(Boolean);
          if (found)
            return { ok: true, signed_download_url: storage.downloadUrl(found.blobPath), matched_key: found.key };
        }
        return { ok: false };
      },
    ),
  };
}

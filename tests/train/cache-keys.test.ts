import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CACHE_KEY_MAX_CHARS, CACHE_KEYS_MAX } from "@ctrain/core";
import { ActionsDependencyCache, classifyCacheHit, dependencyCacheKeys } from "@ctrain/github";
import { cacheKeyInputs } from "@ctrain/train";

const sha = fc.stringMatching(/^[0-9a-f]{64}$/);

describe("dependencyCacheKeys", () => {
  it("stays within GitHub's limits, and each restore key is a prefix of the key, most specific first", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9._-]{1,200}$/),
        sha,
        sha,
        fc.constantFrom("Linux-X64", "macOS-ARM64"),
        (prefix, keyFilesFingerprint, dataFingerprint, platform) => {
          const { key, restoreKeys } = dependencyCacheKeys({ prefix, keyFilesFingerprint, dataFingerprint }, platform);
          expect(key.length).toBeLessThanOrEqual(CACHE_KEY_MAX_CHARS);
          expect(1 + restoreKeys.length).toBeLessThanOrEqual(CACHE_KEYS_MAX);
          for (const candidate of [key, ...restoreKeys]) expect(candidate).not.toContain(",");
          expect(restoreKeys).toEqual([`${prefix}-${platform}-${keyFilesFingerprint}-`, `${prefix}-${platform}-`]);
          for (const restoreKey of restoreKeys) expect(key.startsWith(restoreKey)).toBe(true);
        },
      ),
    );
  });

  it("rejects a prefix with a comma or one that makes the key too long, naming the setting", () => {
    const parts = { keyFilesFingerprint: "a".repeat(64), dataFingerprint: "b".repeat(64) };
    expect(() => dependencyCacheKeys({ ...parts, prefix: "deps,v1" }, "Linux-X64")).toThrow(/holds a comma/);
    expect(() => dependencyCacheKeys({ ...parts, prefix: "p".repeat(400) }, "Linux-X64")).toThrow(
      /would be 540 characters, more than the 512/,
    );
  });

  it("changes with the lockfiles and with the data, not with the order datasets are listed", () => {
    const file = (path: string, sha256: string) => ({ path, bytes: 1, sha256 });
    const a = { name: "a", fingerprint: "1".repeat(64), files: [] };
    const b = { name: "b", fingerprint: "2".repeat(64), files: [] };
    const lock = [file("requirements.txt", "3".repeat(64))];
    const base = cacheKeyInputs(lock, [a, b]);
    expect(cacheKeyInputs(lock, [b, a])).toEqual(base);
    expect(cacheKeyInputs(lock, [a]).dataFingerprint).not.toBe(base.dataFingerprint);
    expect(cacheKeyInputs([file("requirements.txt", "4".repeat(64))], [a, b]).keyFilesFingerprint).not.toBe(
      base.keyFilesFingerprint,
    );
  });
});

describe("classifyCacheHit", () => {
  it("tells exact, partial and miss apart", () => {
    expect(classifyCacheHit("k-1-2", "k-1-2")).toBe("exact");
    expect(classifyCacheHit("k-1-2", "k-1-9")).toBe("partial");
    expect(classifyCacheHit("k-1-2", undefined)).toBe("miss");
  });
});

describe("ActionsDependencyCache outside GitHub Actions", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("restores nothing and says why, and saving is a no-op", async () => {
    for (const name of ["ACTIONS_RESULTS_URL", "ACTIONS_CACHE_URL", "ACTIONS_CACHE_SERVICE_V2"]) vi.stubEnv(name, "");
    const lines: string[] = [];
    const cache = new ActionsDependencyCache((line) => lines.push(line), "Linux-X64");
    const inputs = { keyFilesFingerprint: "a".repeat(64), dataFingerprint: "b".repeat(64) };
    const record = await cache.restore(["deps"], inputs);
    expect(record).toEqual({ key: `ctrain-train-Linux-X64-${"a".repeat(64)}-${"b".repeat(64)}`, hit: "miss" });
    await cache.save(["deps"], record);
    expect(lines).toEqual([
      "the Actions cache service is not available (outside GitHub Actions, or on GHES without it): not restored",
    ]);
  });
});

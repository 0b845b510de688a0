import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runCacheKey, type RunCacheKeyInputs } from "@ctrain/train";

const sha = fc.stringMatching(/^[0-9a-f]{64}$/);
const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
const value = fc.oneof(fc.double(), fc.integer(), fc.string(), fc.boolean(), fc.constant(null));

const inputs: fc.Arbitrary<RunCacheKeyInputs> = fc.record({
  command: fc.string({ minLength: 1 }),
  workingDirectory: fc.string({ minLength: 1 }),
  code: sha,
  datasets: fc.array(fc.record({ name, fingerprint: sha }), { maxLength: 3 }),
  params: fc.dictionary(fc.string({ minLength: 1 }), value, { maxKeys: 5 }),
  lockfiles: sha,
  platform: fc.record({ os: fc.constantFrom("Linux", "macOS", "Windows"), arch: fc.constantFrom("X64", "ARM64") }),
  environment: fc.dictionary(name, fc.option(fc.string(), { nil: null }), { maxKeys: 3 }),
  recording: fc.record({
    env: fc.dictionary(name, fc.string(), { maxKeys: 3 }),
    metrics: fc.option(fc.array(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  }),
});

/** One input changed at a time: each must give another key. */
const changes: [string, (base: RunCacheKeyInputs) => RunCacheKeyInputs][] = [
  ["the command", (base) => ({ ...base, command: `${base.command} --seed 1` })],
  ["the working directory", (base) => ({ ...base, workingDirectory: `${base.workingDirectory}/sub` })],
  ["the code", (base) => ({ ...base, code: flip(base.code) })],
  ["the datasets", (base) => ({ ...base, datasets: [...base.datasets, { name: "extra", fingerprint: base.code }] })],
  [
    "a param's value",
    (base) => ({ ...base, params: { ...base.params, "model.lr": differentFrom(base.params["model.lr"]) } }),
  ],
  ["the lockfiles", (base) => ({ ...base, lockfiles: flip(base.lockfiles) })],
  ["the runner OS", (base) => ({ ...base, platform: { ...base.platform, os: `${base.platform.os}2` } })],
  ["the runner architecture", (base) => ({ ...base, platform: { ...base.platform, arch: `${base.platform.arch}2` } })],
  [
    "a declared environment variable",
    (base) => ({ ...base, environment: { ...base.environment, CUDA: differentText(base.environment.CUDA) } }),
  ],
  [
    "train.env",
    (base) => ({
      ...base,
      recording: { ...base.recording, env: { ...base.recording.env, SEED: differentText(base.recording.env.SEED) } },
    }),
  ],
  ["the model-file paths", (base) => ({ ...base, recording: { ...base.recording, modelFiles: ["out/other.bin"] } })],
];

function flip(hex: string): string {
  return (hex[0] === "0" ? "1" : "0") + hex.slice(1);
}

function differentFrom(current: unknown): number {
  return typeof current === "number" && current === 0.5 ? 0.25 : 0.5;
}

function differentText(current: string | null | undefined): string {
  return current === "a" ? "b" : "a";
}

describe("the run-cache key", () => {
  it.each(changes)("changes when %s changes, and only then", (_what, change) => {
    fc.assert(
      fc.property(inputs, (base) => {
        expect(runCacheKey(change(base))).not.toBe(runCacheKey(base));
        expect(runCacheKey(structuredClone(base))).toBe(runCacheKey(base));
      }),
      { numRuns: 60 },
    );
  });

  it("does not depend on the order params or environment variables are listed in", () => {
    fc.assert(
      fc.property(inputs, (base) => {
        const reversed = {
          ...base,
          params: Object.fromEntries(Object.entries(base.params).reverse()),
          environment: Object.fromEntries(Object.entries(base.environment).reverse()),
        };
        expect(runCacheKey(reversed)).toBe(runCacheKey(base));
      }),
    );
  });

  it("tells a NaN param from a null one, and an unset variable from an empty one", () => {
    fc.assert(
      fc.property(inputs, (base) => {
        const withNaN = runCacheKey({ ...base, params: { ...base.params, p: Number.NaN } });
        expect(runCacheKey({ ...base, params: { ...base.params, p: null } })).not.toBe(withNaN);
        const unset = runCacheKey({ ...base, environment: { ...base.environment, V: null } });
        expect(runCacheKey({ ...base, environment: { ...base.environment, V: "" } })).not.toBe(unset);
      }),
    );
  });

  it("is a valid Actions cache key: at most 512 characters, no commas, the platform readable", () => {
    fc.assert(
      fc.property(inputs, (base) => {
        const key = runCacheKey(base);
        expect(key.length).toBeLessThanOrEqual(512);
        expect(key).not.toContain(",");
        expect(key).toMatch(new RegExp(`^ctrain-run-${base.platform.os}-${base.platform.arch}-[0-9a-f]{64}$`));
      }),
    );
  });
});

import fc from "fast-check";
import semver from "semver";
import { describe, expect, it } from "vitest";
import { UserError, type PublishedModel } from "@ctrain/core";
import { modelTag, newestFirst, nextVersion, parseModelTag, pickChampion, resolveVersionSpec } from "@ctrain/publish";

function published(version: string, extra: Partial<PublishedModel> = {}): PublishedModel {
  return {
    id: version,
    model: "churn",
    version,
    tag: modelTag("churn", version),
    createdAt: "2026-01-01T00:00:00Z",
    location: `https://example.test/${version}`,
    draft: false,
    prerelease: semver.prerelease(version) !== null,
    assets: [],
    ...extra,
  };
}

const versionArb = fc
  .tuple(fc.nat(30), fc.nat(30), fc.nat(30), fc.option(fc.nat(5), { nil: undefined }))
  .map(([major, minor, patch, rc]) => `${major}.${minor}.${patch}${rc === undefined ? "" : `-rc.${rc}`}`);

describe("model tags", () => {
  it("round-trip through parseModelTag", () => {
    const name = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/);
    fc.assert(
      fc.property(name, versionArb, (model, version) => {
        expect(parseModelTag(modelTag(model, version))).toEqual({ model, version });
      }),
    );
  });

  it("ignore tags that are not a model's", () => {
    for (const tag of [
      "v1.0.0",
      "churn@1.0.0",
      "churn@v1.0",
      "churn@v01.0.0",
      "@v1.0.0",
      "a b@v1.0.0",
      "churn@vlatest",
    ]) {
      expect(parseModelTag(tag), tag).toBeUndefined();
    }
  });
});

describe("nextVersion", () => {
  it("starts at the bump from 0.0.0", () => {
    expect(nextVersion([], { bump: "minor", prerelease: false }).version).toBe("0.1.0");
    expect(nextVersion([], { bump: "major", prerelease: false }).version).toBe("1.0.0");
    expect(nextVersion([], { bump: "patch", prerelease: true }).version).toBe("0.0.1-rc.0");
  });

  it("bumps from the highest version, and finishes a prerelease line", () => {
    expect(nextVersion(["1.2.0", "1.10.0", "1.9.3"], { bump: "minor", prerelease: false }).version).toBe("1.11.0");
    expect(nextVersion(["1.2.0", "1.3.0-rc.1"], { bump: "minor", prerelease: false }).version).toBe("1.3.0");
    expect(nextVersion(["1.2.0", "1.3.0-rc.1"], { bump: "minor", prerelease: true }).version).toBe("1.3.0-rc.2");
    expect(nextVersion(["1.2.0"], { bump: "major", prerelease: true })).toEqual({
      version: "2.0.0-rc.0",
      prerelease: true,
    });
  });

  it("is always above every published version and is a valid semver", () => {
    fc.assert(
      fc.property(
        fc.array(versionArb, { maxLength: 12 }),
        fc.constantFrom("major" as const, "minor" as const, "patch" as const),
        fc.boolean(),
        (versions, bump, prerelease) => {
          const next = nextVersion(versions, { bump, prerelease });
          expect(semver.valid(next.version)).toBe(next.version);
          for (const version of versions) expect(semver.gt(next.version, version)).toBe(true);
          expect(semver.prerelease(next.version) !== null).toBe(prerelease);
        },
      ),
    );
  });

  it("takes an explicit version as given, and refuses one that is not semver", () => {
    expect(nextVersion(["9.0.0"], { bump: "minor", prerelease: false, explicit: "v2.1.0" })).toEqual({
      version: "2.1.0",
      prerelease: false,
    });
    expect(nextVersion([], { bump: "minor", prerelease: false, explicit: "2.1.0-beta.1" }).prerelease).toBe(true);
    expect(() => nextVersion([], { bump: "minor", prerelease: false, explicit: "2.1" })).toThrow(UserError);
  });
});

describe("resolveVersionSpec", () => {
  const versions = ["1.0.0", "1.2.0", "1.10.1", "2.0.0-rc.1", "0.9.0"].map((version) => published(version));
  const pick = (spec: string) => resolveVersionSpec(spec, "churn", versions).version;

  it("reads latest, tags, versions and ranges", () => {
    expect(pick("latest")).toBe("1.10.1");
    expect(pick("churn@v1.2.0")).toBe("1.2.0");
    expect(pick("v1.0.0")).toBe("1.0.0");
    expect(pick("0.9.0")).toBe("0.9.0");
    expect(pick("^1.2")).toBe("1.10.1");
    expect(pick("~1.2")).toBe("1.2.0");
    expect(pick("<1.0.0")).toBe("0.9.0");
    expect(pick("2.0.0-rc.1")).toBe("2.0.0-rc.1");
  });

  it("never returns a draft", () => {
    const withDraft = [...versions, published("3.0.0", { draft: true })];
    expect(resolveVersionSpec("latest", "churn", withDraft).version).toBe("1.10.1");
    expect(() => resolveVersionSpec("3.0.0", "churn", withDraft)).toThrow(/no published version/);
  });

  it("explains what is published when nothing matches", () => {
    expect(() => resolveVersionSpec("^3", "churn", versions)).toThrow(/churn@v1\.10\.1/);
    expect(() => resolveVersionSpec("latest", "churn", [])).toThrow(/none is published yet/);
    expect(() => resolveVersionSpec("other@v1.0.0", "churn", versions)).toThrow(/belongs to model other/);
    expect(() => resolveVersionSpec("newest", "churn", versions)).toThrow(/cannot read version/);
  });

  it("agrees with semver's maxSatisfying over published versions", () => {
    fc.assert(
      fc.property(fc.uniqueArray(versionArb, { minLength: 1, maxLength: 10 }), (list) => {
        const all = list.map((version) => published(version));
        const expected = semver.maxSatisfying(list, ">=0.0.0");
        const champion = pickChampion(all)?.version ?? null;
        expect(champion).toBe(expected);
        expect(newestFirst(all)[0]!.version).toBe(semver.rsort([...list])[0]);
      }),
    );
  });
});

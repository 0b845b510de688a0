import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ReleaseRefused,
  changelogSection,
  nestedRefs,
  pinNestedRefs,
  planRelease,
  repositoryOf,
  type ReleaseFacts,
} from "../../scripts/release.js";

const root = process.cwd();
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  version: string;
  repository: { url: string };
};
const REPOSITORY = repositoryOf(manifest.repository.url);

const workflow = (ref: string) =>
  [
    "jobs:",
    "  a:",
    `    uses: ${REPOSITORY}/.github/workflows/continuous-training.yml@${ref}`,
    "  b:",
    "    steps:",
    `      - uses: ${REPOSITORY}/actions/train@${ref}`,
    "      - uses: actions/checkout@v5",
    `      # uses: ${REPOSITORY}/actions/report@v1 in a comment is an example for callers`,
  ].join("\n");

function facts(tag: string, overrides: Partial<ReleaseFacts> = {}): ReleaseFacts {
  return {
    tag,
    packageVersion: tag.slice(1),
    existingTags: [tag],
    nestedRefs: nestedRefs("w.yml", workflow(tag), REPOSITORY),
    changelog: `# Changelog\n\n## ${tag.slice(1)} (2026-07-01)\n\n- Things.\n\n## 0.9.0\n\n- Older.\n`,
    ...overrides,
  };
}

function refusal(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ReleaseRefused) return error.reasons;
    throw error;
  }
  throw new Error("the release was not refused");
}

describe("a release of ctrain", () => {
  it("moves the major tag and is the latest when it is the newest release", () => {
    const plan = planRelease(facts("v1.3.0", { existingTags: ["v1", "v1.2.0", "v1.2.1", "v0.9.0", "v1.3.0"] }));
    expect(plan).toMatchObject({ version: "1.3.0", prerelease: false, moveTags: ["v1"], makeLatest: true });
    expect(plan.notes).toBe("- Things.");
    expect(planRelease(facts("v2.0.0", { existingTags: ["v1", "v1.3.0"] })).moveTags).toEqual(["v2"]);
  });

  it("leaves the major tag where it is for a fix to an older line, and a prerelease moves nothing", () => {
    const fix = planRelease(facts("v1.2.2", { existingTags: ["v1", "v1.2.1", "v1.3.0", "v2.0.0"] }));
    expect(fix).toMatchObject({ moveTags: [], makeLatest: false });
    const oldMajor = planRelease(facts("v1.4.0", { existingTags: ["v1.3.0", "v2.0.0"] }));
    expect(oldMajor).toMatchObject({ moveTags: ["v1"], makeLatest: false });
    const rc = planRelease(facts("v2.0.0-rc.1", { existingTags: ["v1.3.0"] }));
    expect(rc).toMatchObject({ prerelease: true, moveTags: [], makeLatest: false });
    // A prerelease of a higher version does not hold back the stable one.
    expect(planRelease(facts("v1.5.0", { existingTags: ["v1.6.0-rc.1", "v1.4.0"] })).moveTags).toEqual(["v1"]);
  });

  it("refuses a tag that is no version, or that package.json, the nested pins or the changelog contradict", () => {
    expect(refusal(() => planRelease(facts("v1")))).toEqual([expect.stringContaining("not a release tag")]);
    expect(refusal(() => planRelease(facts("v1.2")))).toHaveLength(1);
    expect(refusal(() => planRelease(facts("1.2.0")))).toHaveLength(1);
    const reasons = refusal(() =>
      planRelease(
        facts("v1.3.0", {
          packageVersion: "1.2.0",
          nestedRefs: nestedRefs("w.yml", workflow("v1"), REPOSITORY),
          changelog: "# Changelog\n\n## 1.2.0\n\n- Older.\n",
        }),
      ),
    );
    expect(reasons).toEqual([
      expect.stringContaining("package.json says 1.2.0"),
      expect.stringMatching(/^w\.yml:3 uses .*continuous-training\.yml@v1, not @v1\.3\.0/),
      expect.stringMatching(/^w\.yml:6 uses .*actions\/train@v1, not @v1\.3\.0/),
      expect.stringContaining('no "## 1.3.0" section'),
    ]);
    expect(refusal(() => planRelease(facts("v1.3.0", { changelog: "## 1.3.0\n\n" })))).toHaveLength(1);
  });

  it("pins nested uses (not comments, not other repositories) to the release tag", () => {
    const pinned = pinNestedRefs(workflow("v1"), REPOSITORY, "v1.3.0");
    expect(nestedRefs("w.yml", pinned, REPOSITORY).map((ref) => ref.ref)).toEqual(["v1.3.0", "v1.3.0"]);
    expect(pinned).toContain("actions/checkout@v5");
    expect(pinned).toContain(`# uses: ${REPOSITORY}/actions/report@v1 in a comment`);
  });

  it("finds a version's changelog section by its heading", () => {
    const changelog = "# Changelog\n\n## 1.10.0\n\nTen.\n\n## 1.1.0 (2026-01-01)\n\nOne.\n";
    expect(changelogSection(changelog, "1.1.0")).toBe("One.");
    expect(changelogSection(changelog, "1.10.0")).toBe("Ten.");
    expect(changelogSection(changelog, "1.0.0")).toBeUndefined();
  });

  it("is ready in this repository: the nested pins, package.json and CHANGELOG.md agree on the next tag", () => {
    const tag = `v${manifest.version}`;
    const files = readdirSync(join(root, ".github/workflows")).map((name) => `.github/workflows/${name}`);
    const refs = files.flatMap((file) => nestedRefs(file, readFileSync(join(root, file), "utf8"), REPOSITORY));
    expect(refs.length).toBeGreaterThan(5);
    const plan = planRelease({
      tag,
      packageVersion: manifest.version,
      existingTags: [],
      nestedRefs: refs,
      changelog: readFileSync(join(root, "CHANGELOG.md"), "utf8"),
    });
    expect(plan.moveTags).toEqual([`v${manifest.version.split(".")[0]}`]);
  });
});

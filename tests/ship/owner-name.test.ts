import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { repositoryOf } from "../../scripts/release.js";

const manifest = JSON.parse(readFileSync("package.json", "utf8")) as { repository: { url: string } };
const REPOSITORY = repositoryOf(manifest.repository.url);

/** `<owner>/ctrain/actions/...` and `<owner>/ctrain/.github/workflows/...`: how anything names ctrain's code. */
const REFERENCE = /([\w.<>-]+)\/ctrain\/(?:actions\/|\.github\/workflows\/)/g;

describe("ctrain's repository", () => {
  it("is named one way in every tracked file: the repository package.json names", () => {
    const files = execFileSync("git", ["ls-files", "--", "*.md", "*.yml", "*.yaml", "*.ts", "*.mjs"], {
      encoding: "utf8",
    })
      .split("\n")
      .filter((file) => file && !file.startsWith("dist/") && file !== "tests/ship/owner-name.test.ts");
    const others = files.flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(REFERENCE)]
        .filter((match) => match[1] !== REPOSITORY.split("/")[0])
        .map((match) => `${file}: ${match[0]}`),
    );
    expect(others).toEqual([]);
  });
});

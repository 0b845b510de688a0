// The release of ctrain's actions, reusable workflows and CLI: what a `v*.*.*` tag releases, which tags move with
// it, and what it refuses. `.github/workflows/release.yml` runs `plan` on the pushed tag; a maintainer runs `prepare`
// before tagging.
//
//   node scripts/run-ts.mjs scripts/release.ts prepare 1.2.0        # version, nested pins; then edit CHANGELOG.md
//   node scripts/run-ts.mjs scripts/release.ts plan v1.2.0 --notes notes.md
//
// The reusable workflows call ctrain's actions and each other at the full version tag being released (`@v1.2.0`),
// so a caller's pin (`@v1`, `@v1.2.0` or the commit's sha) runs exactly that release's code everywhere. A commit
// cannot name its own sha, so the nested pins name the version tag, which immutable releases keep from moving.
import { execFileSync } from "node:child_process";
import { appendFileSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const RELEASE_TAG = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?$/;

export interface Version {
  major: number;
  minor: number;
  patch: number;
  prerelease?: string;
}

export function parseTag(tag: string): Version | undefined {
  const match = RELEASE_TAG.exec(tag);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), prerelease: match[4] };
}

/** Orders stable versions; prereleases are not compared (they never move a tag). */
function compareStable(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** A `uses:` of ctrain's own actions or reusable workflows, and the ref it pins. */
export interface NestedRef {
  file: string;
  line: number;
  uses: string;
  ref: string;
}

const usesLine = (repository: string) =>
  new RegExp(`^(\\s*(?:-\\s+)?uses:\\s*["']?${repository.replace(/[.]/g, "\\.")}/[^@\\s"']+@)([^\\s"'#]+)`, "gm");

export function nestedRefs(file: string, text: string, repository: string): NestedRef[] {
  return [...text.matchAll(usesLine(repository))].map((match) => ({
    file,
    line: text.slice(0, match.index).split("\n").length,
    uses: match[0].replace(/^\s*(?:-\s+)?uses:\s*["']?/, ""),
    ref: match[2]!,
  }));
}

/** The workflow with every nested ctrain `uses:` pinned to `tag`. */
export function pinNestedRefs(text: string, repository: string, tag: string): string {
  return text.replace(usesLine(repository), (_match, head: string) => `${head}${tag}`);
}

/** The body of the changelog's `## <version>` section (headings like `## 1.2.0 (2026-07-01)`), trimmed. */
export function changelogSection(changelog: string, version: string): string | undefined {
  const sections = changelog.split(/^## /m).slice(1);
  const section = sections.find((part) => part.startsWith(`${version} `) || part.startsWith(`${version}\n`));
  const body = section?.slice(section.indexOf("\n") + 1).trim();
  return body || undefined;
}

export interface ReleaseFacts {
  tag: string;
  /** The version in package.json at the tagged commit. */
  packageVersion: string;
  /** Every tag the repository has, the pushed one among them or not. */
  existingTags: string[];
  /** ctrain's `uses:` in the reusable workflows at the tagged commit. */
  nestedRefs: NestedRef[];
  changelog: string;
}

export interface ReleasePlan {
  tag: string;
  version: string;
  prerelease: boolean;
  /** Tags moved to the released commit: the major tag, unless a newer release of that major exists. */
  moveTags: string[];
  /** Whether GitHub shows it as the latest release: a stable release newer than every other. */
  makeLatest: boolean;
  notes: string;
}

export class ReleaseRefused extends Error {
  constructor(readonly reasons: string[]) {
    super(`release refused:\n${reasons.map((reason) => `  - ${reason}`).join("\n")}`);
  }
}

export function planRelease(facts: ReleaseFacts): ReleasePlan {
  const version = parseTag(facts.tag);
  if (!version) {
    throw new ReleaseRefused([`${facts.tag} is not a release tag: expected v<major>.<minor>.<patch>[-<prerelease>]`]);
  }
  const plain = facts.tag.slice(1);
  const reasons: string[] = [];
  if (facts.packageVersion !== plain) {
    reasons.push(
      `package.json says ${facts.packageVersion}, the tag ${facts.tag}: run \`release.ts prepare ${plain}\``,
    );
  }
  for (const ref of facts.nestedRefs.filter((nested) => nested.ref !== facts.tag)) {
    reasons.push(`${ref.file}:${ref.line} uses ${ref.uses}, not @${facts.tag}: run \`release.ts prepare ${plain}\``);
  }
  const notes = changelogSection(facts.changelog, plain);
  if (!notes) reasons.push(`CHANGELOG.md has no "## ${plain}" section with notes`);
  if (reasons.length) throw new ReleaseRefused(reasons);

  const stable = facts.existingTags
    .filter((tag) => tag !== facts.tag)
    .map(parseTag)
    .filter((other): other is Version => other !== undefined && other.prerelease === undefined);
  const prerelease = version.prerelease !== undefined;
  const newest = (others: Version[]) => others.every((other) => compareStable(version, other) > 0);
  return {
    tag: facts.tag,
    version: plain,
    prerelease,
    moveTags:
      !prerelease && newest(stable.filter((other) => other.major === version.major)) ? [`v${version.major}`] : [],
    makeLatest: !prerelease && newest(stable),
    notes: notes!,
  };
}

// Run from the repository root (scripts/run-ts.mjs runs a bundled copy elsewhere).
const root = process.cwd();
const WORKFLOWS = ".github/workflows";

function readPackage(): { version: string; repository: { url: string } } {
  return JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    version: string;
    repository: { url: string };
  };
}

export function repositoryOf(url: string): string {
  const match = /github\.com[/:]([\w.-]+\/[\w-]+)/.exec(url);
  if (!match) throw new Error(`package.json's repository.url (${url}) is not a GitHub repository`);
  return match[1]!;
}

function workflowFiles(): string[] {
  return readdirSync(join(root, WORKFLOWS))
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => `${WORKFLOWS}/${name}`);
}

function plan(tag: string, notesFile: string | undefined): void {
  const manifest = readPackage();
  const repository = repositoryOf(manifest.repository.url);
  const result = planRelease({
    tag,
    packageVersion: manifest.version,
    existingTags: execFileSync("git", ["tag", "--list", "v*"], { cwd: root, encoding: "utf8" })
      .split("\n")
      .filter(Boolean),
    nestedRefs: workflowFiles().flatMap((file) => nestedRefs(file, readFileSync(join(root, file), "utf8"), repository)),
    changelog: readFileSync(join(root, "CHANGELOG.md"), "utf8"),
  });
  if (notesFile) writeFileSync(notesFile, `${result.notes}\n`);
  const outputs = {
    version: result.version,
    prerelease: String(result.prerelease),
    "make-latest": String(result.makeLatest),
    "move-tags": result.moveTags.join(" "),
  };
  if (process.env.GITHUB_OUTPUT) {
    appendFileSync(
      process.env.GITHUB_OUTPUT,
      Object.entries(outputs)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(""),
    );
  }
  console.log(JSON.stringify({ ...outputs, notes: result.notes }, null, 2));
}

function prepare(version: string): void {
  const tag = `v${version}`;
  if (!parseTag(tag)) throw new Error(`${version} is not a version: expected <major>.<minor>.<patch>[-<prerelease>]`);
  const manifest = readPackage();
  const repository = repositoryOf(manifest.repository.url);
  const packagePath = join(root, "package.json");
  writeFileSync(packagePath, readFileSync(packagePath, "utf8").replace(/("version":\s*")[^"]+"/, `$1${version}"`));
  for (const file of workflowFiles()) {
    const path = join(root, file);
    writeFileSync(path, pinNestedRefs(readFileSync(path, "utf8"), repository, tag));
  }
  console.log(`package.json and ${WORKFLOWS}/ now say ${tag}; add its "## ${version}" section to CHANGELOG.md,`);
  console.log(`then: npm install --package-lock-only && npm run build && commit, tag ${tag} and push the tag`);
}

// Run as a script (scripts/run-ts.mjs sets argv[1] to this file); imported by the tests, it does nothing.
if (process.argv[1]?.endsWith("scripts/release.ts")) {
  const [command, argument] = process.argv.slice(2);
  const notesAt = process.argv.indexOf("--notes");
  try {
    if (command === "plan" && argument) plan(argument, notesAt > 0 ? process.argv[notesAt + 1] : undefined);
    else if (command === "prepare" && argument) prepare(argument);
    else {
      console.error("usage: release.ts plan <tag> [--notes <file>] | release.ts prepare <version>");
      process.exitCode = 2;
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}

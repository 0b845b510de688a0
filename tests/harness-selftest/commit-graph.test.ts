import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, expect, it } from "vitest";
import { FakeGitHubState } from "../harness/github-fake/index.js";

const scratch = mkdtempSync(join(tmpdir(), "ctrain-graph-selftest-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A random history: commit 0 is the root, every later commit has one or two earlier parents. */
const history = fc
  .integer({ min: 2, max: 14 })
  .chain((size) =>
    fc.tuple(
      ...Array.from({ length: size - 1 }, (_, offset) =>
        fc.uniqueArray(fc.nat(offset), { minLength: 1, maxLength: 2 }),
      ),
    ),
  )
  .map((parents) => [[], ...parents] as number[][]);

/** Builds the same history in a real git repository with fast-import and returns each commit's SHA. */
function gitHistory(directory: string, parents: number[][]): string[] {
  execFileSync("git", ["init", "-q", directory]);
  const stream = parents
    .map((ofCommit, index) => {
      const message = `commit ${index}`;
      const lines = [
        `commit refs/heads/c${index}`,
        `mark :${index + 1}`,
        `committer Test <test@example.com> ${1_700_000_000 + index} +0000`,
        `data ${message.length}`,
        message,
      ];
      ofCommit.forEach((parent, position) => lines.push(`${position === 0 ? "from" : "merge"} :${parent + 1}`));
      return lines.join("\n");
    })
    .join("\n\n");
  const marks = join(directory, "marks");
  execFileSync("git", ["-C", directory, "fast-import", "--quiet", `--export-marks=${marks}`], { input: `${stream}\n` });
  const shas = new Map(
    readFileSync(marks, "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split(" ") as [string, string]),
  );
  return parents.map((_, index) => shas.get(`:${index + 1}`) as string);
}

function git(directory: string, ...args: string[]): string {
  return execFileSync("git", ["-C", directory, ...args], { encoding: "utf8" }).trim();
}

it("finds the merge base and the ahead/behind counts git finds", () => {
  let graphs = 0;
  fc.assert(
    fc.property(history, fc.nat(), fc.nat(), (parents, first, second) => {
      const a = first % parents.length;
      const b = second % parents.length;
      const directory = join(scratch, `graph-${graphs++}`);
      const gitShas = gitHistory(directory, parents);

      const state = new FakeGitHubState();
      const repo = state.addRepo("octo/graph");
      const fakeShas: string[] = [repo.refs.get("heads/main") as string];
      for (const ofCommit of parents.slice(1)) {
        fakeShas.push(state.addCommit(repo, { parents: ofCommit.map((parent) => fakeShas[parent] as string) }).sha);
      }

      const bestBases = git(directory, "merge-base", "--all", gitShas[a] as string, gitShas[b] as string).split("\n");
      const fakeBase = state.mergeBase(fakeShas[a] as string, fakeShas[b] as string);
      expect(bestBases).toContain(gitShas[fakeShas.indexOf(fakeBase as string)]);

      const [behind, ahead] = git(directory, "rev-list", "--left-right", "--count", `${gitShas[a]}...${gitShas[b]}`)
        .split(/\s+/)
        .map(Number);
      expect(state.commitsBetween(fakeShas[a] as string, fakeShas[b] as string)).toHaveLength(ahead as number);
      expect(state.commitsBetween(fakeShas[b] as string, fakeShas[a] as string)).toHaveLength(behind as number);
    }),
    { numRuns: 40 },
  );
});

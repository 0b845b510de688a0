import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ComparisonDocument } from "@ctrain/core";
import { git } from "../support/cli.js";
import { bundleFromSource } from "../support/source-bundle.js";

/** The CLI built from the working tree (dist/ may lag behind the sources). */
let cli: string;
beforeAll(async () => {
  cli = await bundleFromSource("cli");
});

function ctrain(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const CONFIG = `
data:
  datasets:
    rows:
      path: data.csv
      rows: { min: 3 }
train:
  command: node train.mjs
  params: params.json
  metrics: out/metrics.json
compare:
  metrics:
    accuracy: { direction: higher, change: { absolute: -0.02 } }
`;

// Writes the accuracy it is given, and leaves a mark so a test can tell whether training ran.
const TRAIN = `
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
const { accuracy } = JSON.parse(readFileSync("params.json", "utf8"));
mkdirSync("out", { recursive: true });
writeFileSync("out/metrics.json", JSON.stringify({ accuracy }));
writeFileSync("out/trained", "yes");
`;

const projects: string[] = [];
afterEach(() => {
  for (const dir of projects.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A repository whose default branch is `branch`, with a model whose accuracy a test sets. */
function project(branch: string): string {
  const dir = mkdtempSync(join(tmpdir(), "ctrain-cli-run-"));
  projects.push(dir);
  writeFileSync(join(dir, "ctrain.yml"), CONFIG);
  writeFileSync(join(dir, "train.mjs"), TRAIN);
  writeFileSync(join(dir, "data.csv"), "x,y\n1,0\n2,1\n3,0\n");
  writeFileSync(join(dir, "params.json"), JSON.stringify({ accuracy: 0.9 }));
  writeFileSync(join(dir, ".gitignore"), ".ctrain/\n.ctrain-store/\nout/\n");
  git(dir, "init", "-q", "-b", branch);
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "first model");
  return dir;
}

function commitAccuracy(dir: string, accuracy: number): void {
  writeFileSync(join(dir, "params.json"), JSON.stringify({ accuracy }));
  git(dir, "commit", "-qam", `accuracy ${accuracy}`);
}

const comparisonOf = (dir: string) =>
  ComparisonDocument.parse(JSON.parse(readFileSync(join(dir, ".ctrain/comparison.json"), "utf8")));
const accuracyRow = (dir: string) => comparisonOf(dir).rows.find((row) => row.name === "accuracy")!;

/** The final lines agree: the title's verdict word is the last `verdict:` line's. */
function finalVerdict(stdout: string): { title: string; verdict: string } {
  const lines = stdout.trimEnd().split("\n");
  const verdictLine = lines.findLast((line) => line.startsWith("verdict: "))!;
  const title = lines.findLast((line) => line.startsWith("ctrain "))!;
  return { title, verdict: verdictLine.slice("verdict: ".length).split(" ")[0]! };
}

describe("ctrain run: baselines and stops", () => {
  it("in a master repository, finds master's runs without --base", () => {
    const dir = project("master");
    expect(ctrain(dir, "run").code).toBe(0);
    commitAccuracy(dir, 0.95);
    const second = ctrain(dir, "run");
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain("baseline: local run master/1");
    const { title, verdict } = finalVerdict(second.stdout);
    expect(title).toContain(verdict);
    expect(accuracyRow(dir).baseline).toBe(0.9);
    expect(comparisonOf(dir).baseline.commitsBehind).toBe(1);
  });

  it("records a run whose gate failed, but never compares the next run with it", () => {
    const dir = project("main");
    expect(ctrain(dir, "run").code).toBe(0);
    const good = execFileSync("git", ["rev-parse", "HEAD"], { cwd: dir, encoding: "utf8" }).trim();
    commitAccuracy(dir, 0.5);
    const regressed = ctrain(dir, "run");
    expect(regressed.code).toBe(1);
    expect(finalVerdict(regressed.stdout).verdict).toBe("failed");
    expect(finalVerdict(regressed.stdout).title).toMatch(/failed/);
    expect(ctrain(dir, "runs").stdout).toMatch(/^main\/2\s/m);

    commitAccuracy(dir, 0.89);
    const next = ctrain(dir, "run");
    expect(next.code, next.stdout).toBe(0);
    const comparison = comparisonOf(dir);
    expect(comparison.baseline.description).toContain("main/1");
    expect(comparison.baseline.commit).toBe(good);
    expect(comparison.baseline.commitsBehind).toBe(2);
    expect(comparison.baseline.notes.join("\n")).toContain("main/2 is not a baseline: its gates failed");
    expect(accuracyRow(dir).baseline).toBe(0.9);
  });

  it("re-running on main at the same commit compares with that commit's earlier run", () => {
    const dir = project("main");
    expect(ctrain(dir, "run").code).toBe(0);
    const again = ctrain(dir, "run");
    expect(again.code, again.stderr).toBe(0);
    const comparison = comparisonOf(dir);
    expect(comparison.baseline.description).toContain("main/1");
    expect(comparison.baseline.commitsBehind).toBe(0);
    expect(accuracyRow(dir).baseline).toBe(0.9);
    // compare after run finds the earlier run again, not this run's own stored copy (main/2).
    expect(ctrain(dir, "compare").code).toBe(0);
    expect(comparisonOf(dir).baseline.description).toContain("main/1");
  });

  it("does not train after the data checks failed, still writes the report and says why", () => {
    const dir = project("main");
    writeFileSync(join(dir, "data.csv"), "x,y\n1,0\n");
    const result = ctrain(dir, "run");
    expect(result.code).toBe(1);
    expect(existsSync(join(dir, "out/trained"))).toBe(false);
    expect(result.stdout).toContain("not training: the data checks of rows failed");
    expect(result.stdout).not.toMatch(/verdict: passed/);
    expect(readFileSync(join(dir, ".ctrain/report.md"), "utf8")).toMatch(/rows/);
    expect(ctrain(dir, "runs").stdout).not.toMatch(/^main\/1/m);
  });

  it("leaves a report with the error when the comparison cannot be made, and exits non-zero", () => {
    const dir = project("main");
    // No datasets: validation (which resolves the same baseline for drift) does not run first.
    const config = CONFIG.replace(/^data:[\s\S]*?(?=^train:)/m, "").replace(
      "compare:\n",
      "compare:\n  baseline: run:7\n",
    );
    writeFileSync(join(dir, "ctrain.yml"), config);
    const result = ctrain(dir, "run");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: baseline run:7: no such run/m);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(finalVerdict(result.stdout)).toEqual({
      title: "ctrain failed · the comparison could not be made",
      verdict: "failed",
    });
    expect(readFileSync(join(dir, ".ctrain/report.md"), "utf8")).toMatch(
      /## The comparison could not be made\n\nbaseline run\\:7\\: no such run/,
    );
    expect(readFileSync(join(dir, ".ctrain/report.html"), "utf8")).toContain("baseline run:7: no such run");
    expect(ctrain(dir, "runs").stdout).not.toMatch(/^main\/1/m);
  });
});

// The CLI as a stranger gets it: `npm pack ./dist/cli`, installed from the tarball with no network, then
// docs/getting-started.md followed command by command in a scikit-learn project with a GitHub-like origin.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = process.cwd();
const GUIDE = "docs/getting-started.md";
/** The published name in the guide's install command; the test installs the packed tarball in its place. */
const INSTALL_FROM_REGISTRY = "npm install --global ctrain";

let temp: string;
let tarball: string;
let packed: { size: number; unpackedSize: number; files: { path: string; mode: number }[] };

const identity = {
  GIT_AUTHOR_NAME: "A Stranger",
  GIT_AUTHOR_EMAIL: "stranger@example.com",
  GIT_COMMITTER_NAME: "A Stranger",
  GIT_COMMITTER_EMAIL: "stranger@example.com",
};

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", timeout: 240_000 });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), "ctrain-package-"));
  const [result] = JSON.parse(
    execFileSync("npm", ["pack", join(root, "dist/cli"), "--json", "--pack-destination", temp], { encoding: "utf8" }),
  ) as [typeof packed & { filename: string }];
  packed = result;
  tarball = join(temp, result.filename);
});
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe("the ctrain package", () => {
  it("is the bundle, its threads' script, its manifest and the guide: an executable bin, no dependencies, a few MB at most", () => {
    expect(packed.files.map((file) => file.path).sort()).toEqual([
      "README.md",
      "index.js",
      "package.json",
      "thread.js",
    ]);
    expect(packed.files.find((file) => file.path === "index.js")!.mode & 0o111).toBe(0o111);
    expect(packed.size).toBeLessThan(3 * 1024 ** 2);
    const manifest = JSON.parse(readFileSync(join(root, "dist/cli/package.json"), "utf8")) as Record<string, unknown>;
    const workspace = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Record<string, unknown>;
    expect(manifest).toMatchObject({ name: "ctrain", version: workspace.version, bin: { ctrain: "index.js" } });
    expect(manifest).not.toHaveProperty("dependencies");
    expect(manifest).not.toHaveProperty("private");
  });

  it("installs offline into an empty project, where npx ctrain --help and run work without a checkout", () => {
    const project = join(temp, "empty-project");
    mkdirSync(project);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "empty-project", version: "1.0.0" }));
    const install = run("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball], project);
    expect(install.code, install.output).toBe(0);
    expect(install.output).toMatch(/added 1 package/);
    const help = run("npx", ["--no-install", "ctrain", "--help"], project);
    expect(help.code, help.output).toBe(0);
    expect(help.output).toContain("init ");
    // No ctrain.yml yet: the pipeline starts and says what is missing, as advice rather than a stack trace.
    const pipeline = run("npx", ["--no-install", "ctrain", "run"], project);
    expect(pipeline.code).toBe(1);
    expect(pipeline.output).toMatch(/error: train\.command: .*\n\s+hint: /);
    expect(pipeline.output).not.toMatch(/\n\s+at /);
  });

  it("follows docs/getting-started.md in a scikit-learn project: init, run on main and on a branch, reports", () => {
    const prefix = join(temp, "global");
    const shims = join(temp, "shims");
    mkdirSync(shims);
    // The guide's `python` is Debian's, which has scikit-learn (npm test checks it is there).
    symlinkSync("/usr/bin/python3", join(shims, "python"));
    const env = {
      ...process.env,
      ...identity,
      npm_config_prefix: prefix,
      PATH: [join(prefix, "bin"), shims, process.env.PATH].join(":"),
    };

    // A repository on "GitHub" (a bare origin) holding the project on main, cloned as a user has it.
    const origin = join(temp, "origin.git");
    const seed = join(temp, "seed");
    const project = join(temp, "project");
    execFileSync("git", ["init", "-q", "--bare", "-b", "main", origin]);
    mkdirSync(seed);
    for (const file of ["train.py", "params.json", "requirements.txt", "data"]) {
      cpSync(join(root, "examples/sklearn-classifier", file), join(seed, file), { recursive: true });
    }
    for (const args of [
      ["init", "-q", "-b", "main"],
      ["add", "-A"],
      ["commit", "-qm", "A model"],
      ["push", "-q", origin, "main"],
    ]) {
      execFileSync("git", args, { cwd: seed, env });
    }
    execFileSync("git", ["clone", "-q", origin, project], { env });

    const guide = readFileSync(join(root, GUIDE), "utf8");
    const blocks = [...guide.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
    expect(blocks.join("")).toContain(INSTALL_FROM_REGISTRY);
    for (const block of blocks) {
      const script = block.replace(
        INSTALL_FROM_REGISTRY,
        `npm install --global --offline --no-audit --no-fund ${tarball}`,
      );
      const result = run("bash", ["-euo", "pipefail", "-c", script], project, env);
      expect(result.code, `${GUIDE}:\n${block}\n${result.output}`).toBe(0);
    }

    expect(existsSync(join(project, "ctrain.yml"))).toBe(true);
    expect(readFileSync(join(project, ".ctrain/report.md"), "utf8")).toMatch(/max_depth|roc_auc|accuracy/);
    expect(existsSync(join(project, ".ctrain/report.html"))).toBe(true);
    const runs = run("ctrain", ["runs"], project, env);
    expect(
      runs.output
        .trim()
        .split("\n")
        .map((line) => line.split(/\s+/)[0]),
    ).toEqual(["deeper-trees/1", "main/1"]);
    // The branch's run was compared with main's, and both branches reached the origin with ctrain's files.
    const comparison = JSON.parse(readFileSync(join(project, ".ctrain/comparison.json"), "utf8")) as {
      baseline: { kind: string };
    };
    expect(comparison.baseline.kind).not.toBe("none");
    const pushed = execFileSync("git", ["ls-tree", "-r", "--name-only", "deeper-trees"], {
      cwd: origin,
      encoding: "utf8",
    });
    expect(pushed.split("\n")).toEqual(
      expect.arrayContaining(["ctrain.yml", ".github/workflows/ctrain.yml", ".gitignore"]),
    );
    // What ctrain wrote is ignored; the project's own outputs (out/) are the project's business.
    expect(execFileSync("git", ["status", "--porcelain"], { cwd: project, encoding: "utf8" })).not.toMatch(/ctrain/);
  }, 600_000);
});

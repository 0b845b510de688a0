import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Evaluator, Lexer, Parser, data } from "@actions/expressions";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { workflowJobPermissions } from "../harness/workflow-permissions.js";

interface Job {
  if?: string;
  needs?: string;
  permissions?: Record<string, string>;
  steps: { uses?: string; run?: string; env?: Record<string, string>; with?: Record<string, unknown> }[];
}

const workflow = parse(readFileSync(join(process.cwd(), ".github/workflows/continuous-training.yml"), "utf8")) as {
  jobs: Record<string, Job>;
};
const history = workflow.jobs.history!;

/** The job's `if:` as GitHub evaluates it, for an event of `event` on `ref` with the `history` input. */
function runs(event: string, ref: string, input = true): boolean {
  const lexed = new Lexer(history.if!).lex();
  const expression = new Parser(lexed.tokens, ["github", "inputs"], []).parse();
  const context = JSON.parse(
    JSON.stringify({
      github: { event_name: event, ref, event: { repository: { default_branch: "main" } } },
      inputs: { history: input },
    }),
    data.reviver,
  ) as data.Dictionary;
  // Each operand of the `&&` chain is a boolean, so the result is one: the first false, or the last true.
  return JSON.parse(JSON.stringify(new Evaluator(expression, context).evaluate(), data.replacer)) === true;
}

describe("continuous-training.yml's history job", () => {
  it("runs only for a push to the default branch, and not when the caller turns it off", () => {
    expect(runs("push", "refs/heads/main")).toBe(true);
    expect(runs("push", "refs/heads/main", false)).toBe(false);
    expect(runs("push", "refs/heads/feature")).toBe(false);
    expect(runs("push", "refs/tags/v1.0.0")).toBe(false);
    for (const event of ["pull_request", "pull_request_target", "workflow_run", "schedule"]) {
      expect(runs(event, "refs/heads/main"), event).toBe(false);
    }
  });

  it("holds contents: write alone, and the pipeline job keeps contents: read", () => {
    expect(workflowJobPermissions("continuous-training.yml", "history")).toEqual({ contents: "write" });
    expect(workflowJobPermissions("continuous-training.yml", "pipeline")?.contents).toBe("read");
  });

  it("adds the pipeline's run bundle through the CLI's branch store and uploads the site", () => {
    expect(history.needs).toBe("pipeline");
    const download = history.steps.find((step) => step.uses?.startsWith("actions/download-artifact@"));
    expect(download?.with).toEqual({ name: "ctrain-run-${{ needs.pipeline.outputs.run-name }}", path: ".ctrain" });
    const run = history.steps.find((step) => step.run)!;
    expect(run.run).toBe(
      'node .ctrain-tool/dist/cli/index.js history --github --base "$DEFAULT_BRANCH" --bundle .ctrain --out ctrain-history-site',
    );
    expect(run.env).toEqual({
      GITHUB_TOKEN: "${{ github.token }}",
      DEFAULT_BRANCH: "${{ github.event.repository.default_branch }}",
    });
    const upload = history.steps.find((step) => step.uses?.startsWith("actions/upload-artifact@"));
    expect(upload?.with).toMatchObject({ name: "ctrain-history-site", path: "ctrain-history-site" });
  });
});

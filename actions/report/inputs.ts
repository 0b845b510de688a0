import { z } from "zod";
import { ACTIONS_BOT_LOGIN, actionInputs, booleanInput, integerInput, tokenInput } from "@ctrain/github";

/** The action's inputs as action.yml declares them (a test holds the two together), and the keys they override. */
export const INPUTS = actionInputs(
  {
    mode: z
      .enum(["auto", "job", "workflow-run"], { error: "expected auto, job or workflow-run" })
      .default("auto")
      .describe(
        "auto, job or workflow-run. `job` reports the bundle this job wrote (pull_request, push, schedule). `workflow-run` posts the report a fork's pull_request run uploaded, from a workflow started by `workflow_run`. `auto` picks workflow-run on that event, else job.",
      ),
    config: z
      .string()
      .optional()
      .describe("Path to ctrain.yml (its `report:` section). Defaults to ctrain.yml in the workspace, if present."),
    bundle: z
      .string()
      .default(".ctrain")
      .describe(
        "The run bundle folder (run.json, validation.json, comparison.json). report.md, report.html and charts/*.svg are written into it. Not used with `mode: workflow-run`.",
      ),
    id: z
      .string()
      .optional()
      .describe(
        "Report id; each id keeps its own sticky comment, check run and artifact, so matrix jobs can report separately. Overrides report.id (default ctrain).",
      ),
    comment: z
      .string()
      .optional()
      .describe(
        "sticky (one comment per id, updated in place), new (a new comment each run) or off. Overrides report.comment (default sticky).",
      ),
    "commit-comment": booleanInput
      .optional()
      .describe(
        "On push events, also comment on the commit (sticky per id). Needs `contents: write`. Overrides report.commit-comment (default false).",
      ),
    "check-run": booleanInput
      .optional()
      .describe(
        "Create a check run with the verdict as its conclusion and annotations on failing metrics and data rows. Needs `checks: write`. Overrides report.check-run (default true).",
      ),
    "max-comment-chars": integerInput
      .optional()
      .describe(
        "Comment budget in characters (GitHub refuses more than 65,536). Longer reports are shortened, failing items kept. Overrides report.max-comment-chars (default 60000).",
      ),
    charts: booleanInput
      .optional()
      .describe(
        "Mermaid charts in the comment and summary, SVG charts in the report files. Overrides report.charts (default true).",
      ),
    "trend-runs": integerInput
      .optional()
      .describe(
        "How many of the base branch's recent runs the trend shows (0 for none). Each is one artifact download. Overrides report.trend-runs (default 20).",
      ),
    upload: booleanInput
      .default(true)
      .describe(
        "Upload the report bundle as the `ctrain-report-<id>` artifact. A fork pull request's report is posted from it by the workflow_run workflow.",
      ),
    "comment-author": z
      .string()
      .default(ACTIONS_BOT_LOGIN)
      .describe(
        "The login whose comments are searched for the sticky marker when the token cannot say who it is (GITHUB_TOKEN and GitHub App tokens). Set it to `<app-slug>[bot]` for an app token.",
      ),
    "run-name": z
      .string()
      .optional()
      .describe(
        "The run bundle's name; the trend reads the `ctrain-run-<name>` artifacts of earlier runs. Defaults to the name in run.json.",
      ),
    workflow: z
      .string()
      .optional()
      .describe(
        "The workflow file whose runs hold the trend's run bundles. Defaults to compare.workflow, else the current workflow (or, with `mode: workflow-run`, the triggering one).",
      ),
    "github-token": tokenInput.describe("Token for comments, check runs and artifacts."),
  },
  {
    id: "report.id",
    comment: "report.comment",
    "commit-comment": "report.commit-comment",
    "check-run": "report.check-run",
    "max-comment-chars": "report.max-comment-chars",
    charts: "report.charts",
    "trend-runs": "report.trend-runs",
  },
);

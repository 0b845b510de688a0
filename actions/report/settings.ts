import { resolve } from "node:path";
import { z } from "zod";
import { loadConfig, type CompareConfig, type ReportConfig } from "@ctrain/core";
import {
  ACTIONS_BOT_LOGIN,
  booleanInput,
  inputOverrides,
  integerInput,
  readInputs,
  type RunContext,
} from "@ctrain/github";

/** Everything the report step decides from its inputs and ctrain.yml, read once. */
export interface ReportSettings {
  mode: "job" | "workflow-run";
  report: ReportConfig;
  /** How compare reads the predictions: the report evaluates them the same way for calibration and slices. */
  compare: CompareConfig;
  bundleDir: string;
  upload: boolean;
  commentAuthor: string;
  runName?: string;
  workflow?: string;
}

export function readReportSettings(context: RunContext): ReportSettings {
  const inputs = readInputs({
    mode: z.enum(["auto", "job", "workflow-run"], { error: "expected auto, job or workflow-run" }).default("auto"),
    config: z.string().optional(),
    bundle: z.string().default(".ctrain"),
    id: z.string().optional(),
    comment: z.string().optional(),
    "commit-comment": booleanInput.optional(),
    "check-run": booleanInput.optional(),
    "max-comment-chars": integerInput.optional(),
    charts: booleanInput.optional(),
    "trend-runs": integerInput.optional(),
    upload: booleanInput.default(true),
    "comment-author": z.string().default(ACTIONS_BOT_LOGIN),
    "run-name": z.string().optional(),
    workflow: z.string().optional(),
  });
  const { config } = loadConfig({
    file: inputs.config,
    cwd: context.workspace,
    overrides: inputOverrides(inputs, {
      id: "report.id",
      comment: "report.comment",
      "commit-comment": "report.commit-comment",
      "check-run": "report.check-run",
      "max-comment-chars": "report.max-comment-chars",
      charts: "report.charts",
      "trend-runs": "report.trend-runs",
    }),
  });
  return {
    mode: inputs.mode === "auto" ? (context.eventName === "workflow_run" ? "workflow-run" : "job") : inputs.mode,
    report: config.report,
    compare: config.compare,
    bundleDir: resolve(context.workspace, inputs.bundle),
    upload: inputs.upload,
    commentAuthor: inputs["comment-author"],
    runName: inputs["run-name"],
    workflow: inputs.workflow ?? config.compare.workflow,
  };
}

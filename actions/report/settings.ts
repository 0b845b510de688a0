import { resolve } from "node:path";
import type { CompareConfig, ReportConfig } from "@ctrain/core";
import type { ActionStart } from "@ctrain/github";
import type { INPUTS } from "./inputs.js";

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

export function reportSettings({ inputs, context, config }: ActionStart<typeof INPUTS.shape>): ReportSettings {
  return {
    mode: inputs.mode === "auto" ? (context.eventName === "workflow_run" ? "workflow-run" : "job") : inputs.mode,
    report: config().report,
    compare: config().compare,
    bundleDir: resolve(context.workspace, inputs.bundle),
    upload: inputs.upload,
    commentAuthor: inputs["comment-author"],
    runName: inputs["run-name"],
    workflow: inputs.workflow ?? config().compare.workflow,
  };
}

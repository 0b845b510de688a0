import * as core from "@actions/core";
import { runCompareStep } from "@ctrain/compare";
import { Bundle } from "@ctrain/core";
import { actionLog, concludeStep, reportLinks, runAction, startAction } from "@ctrain/github";
import { actionBaselineSource } from "../shared/baselines.js";
import { INPUTS } from "./inputs.js";

/** The action's work; the runner's entry (index.ts) and `@github/local-action` call it. */
export function run(): Promise<void> {
  return runAction(async () => {
    const start = startAction(INPUTS);
    const { inputs, context, source } = start;
    const config = start.config();
    const bundle = new Bundle(start.inWorkspace(inputs.bundle));
    const runName = inputs["run-name"] ?? (bundle.has("run") ? bundle.read("run").name : "default");
    const candidates = inputs.candidates && { patterns: inputs.candidates, cwd: context.workspace };
    const baselines = actionBaselineSource({ ...start, config, runName });
    const { document, verdict, outputs } = await core.group("Comparing with the baseline", () =>
      runCompareStep({ config, bundleDir: bundle.root, candidates, baselines, source, log: actionLog.info }),
    );
    for (const note of document.baseline.notes) if (document.baseline.kind === "none") core.warning(note);
    const { renderReport } = await import("@ctrain/report"); // after the work: not at start-up
    const rendering = { ...reportLinks(config, context), charts: false };
    await concludeStep(verdict, { summary: renderReport({ comparison: document }, rendering).summary, outputs });
  });
}

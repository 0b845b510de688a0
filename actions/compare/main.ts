import * as core from "@actions/core";
import { runCompareStep } from "@ctrain/compare";
import { Bundle } from "@ctrain/core";
import { actionLog, concludeStep, repositoryLinkPrefix, runAction, startAction, toRunSource } from "@ctrain/github";
import { renderReport } from "@ctrain/report";
import { resolve } from "node:path";
import { actionBaselineSource } from "../shared/baselines.js";
import { INPUTS } from "./inputs.js";

/** The action's work; the runner's entry (index.ts) and `@github/local-action` call it. */
export function run(): Promise<void> {
  return runAction(async () => {
    const { inputs, token, context, config: readConfig } = startAction(INPUTS);
    const config = readConfig();
    const bundleDir = resolve(context.workspace, inputs.bundle);
    const bundle = new Bundle(bundleDir);
    const runName = inputs["run-name"] ?? (bundle.has("run") ? bundle.read("run").name : "default");
    const { document, verdict } = await core.group("Comparing with the baseline", () =>
      runCompareStep({
        config,
        bundleDir,
        candidates: inputs.candidates && { patterns: inputs.candidates, cwd: context.workspace },
        baselines: actionBaselineSource({ config, context, token, runName }),
        source: toRunSource(context),
        log: (line) => actionLog.info(line),
      }),
    );
    const render = { id: config.report.id, linkPrefix: repositoryLinkPrefix(context), runUrl: context.runUrl };
    await core.summary
      .addRaw(renderReport({ comparison: document }, { ...render, charts: false }).summary, true)
      .write();
    for (const note of document.baseline.notes) if (document.baseline.kind === "none") core.warning(note);
    core.setOutput("verdict", document.verdict);
    core.setOutput("passed", String(document.verdict !== "failed"));
    core.setOutput("failed-metrics", document.failed.join(","));
    core.setOutput("best-run", document.bestRun ?? "");
    core.setOutput("baseline", document.baseline.description);
    core.setOutput("comparison-path", bundle.path("comparison.json"));
    concludeStep(verdict);
  });
}

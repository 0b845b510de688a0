import { resolve } from "node:path";
import * as core from "@actions/core";
import { z } from "zod";
import { Bundle, loadConfig } from "@ctrain/core";
import { runCompareStep } from "@ctrain/compare";
import {
  actionLog,
  booleanInput,
  inputOverrides,
  listInput,
  readInputs,
  readRunContext,
  readToken,
  runAction,
  toRunSource,
} from "@ctrain/github";
import { renderReport } from "@ctrain/report";
import { actionBaselineSource } from "../shared/baselines.js";

/** The action's work; the runner's entry (index.ts) and `@github/local-action` call it. */
export function run(): Promise<void> {
  return runAction(async () => {
    const inputs = readInputs({
      config: z.string().optional(),
      bundle: z.string().default(".ctrain"),
      baseline: z.string().optional(),
      "run-name": z.string().optional(),
      candidates: listInput.optional(),
      workflow: z.string().optional(),
      "fail-on-regression": booleanInput.optional(),
    });
    const token = readToken();
    const context = readRunContext();
    const { config } = loadConfig({
      file: inputs.config,
      cwd: context.workspace,
      overrides: inputOverrides(inputs, {
        baseline: "compare.baseline",
        workflow: "compare.workflow",
        "fail-on-regression": "compare.fail-on-regression",
      }),
    });
    const bundleDir = resolve(context.workspace, inputs.bundle);
    const bundle = new Bundle(bundleDir);
    const runName = inputs["run-name"] ?? (bundle.has("run") ? bundle.read("run").name : "default");

    const baselines = actionBaselineSource({ config, context, token, runName });

    const { document } = await core.group("Comparing with the baseline", () =>
      runCompareStep({
        config,
        bundleDir,
        candidates: inputs.candidates && { patterns: inputs.candidates, cwd: context.workspace },
        baselines,
        source: toRunSource(context),
        log: (line) => actionLog.info(line),
      }),
    );

    const rendered = renderReport(
      { comparison: document },
      {
        id: config.report.id,
        linkPrefix: `${context.serverUrl}/${context.repository.owner}/${context.repository.repo}/`,
        runUrl: context.runUrl,
        charts: false,
      },
    );
    await core.summary.addRaw(rendered.summary, true).write();
    for (const note of document.baseline.notes) if (document.baseline.kind === "none") core.warning(note);

    core.setOutput("verdict", document.verdict);
    core.setOutput("passed", String(document.verdict !== "failed"));
    core.setOutput("failed-metrics", document.failed.join(","));
    core.setOutput("best-run", document.bestRun ?? "");
    core.setOutput("baseline", document.baseline.description);
    core.setOutput("comparison-path", bundle.path("comparison.json"));
    if (document.verdict === "failed") {
      const message = `gates failed: ${document.failed.join(", ")}`;
      if (config.compare["fail-on-regression"]) core.setFailed(message);
      else core.warning(`${message} (fail-on-regression is off)`);
    }
  });
}

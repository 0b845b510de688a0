import { Bundle, UserError, type RenderedReport } from "@ctrain/core";
import type { ReportInput, ReportOptions } from "./input.js";
import { renderReport } from "./render.js";

/**
 * Reads the documents a report is made of from a bundle folder. An untrusted bundle (another run's artifact) is
 * inspected for links, special files and sizes first, and each document is validated against its schema on read.
 */
export function loadReportInput(dir: string, options: { untrusted?: boolean } = {}): ReportInput {
  const bundle = new Bundle(dir, { untrusted: options.untrusted });
  const input: ReportInput = {
    run: bundle.readIfPresent("run"),
    validation: bundle.readIfPresent("validation"),
    comparison: bundle.readIfPresent("comparison"),
    modelTest: bundle.readIfPresent("model-test"),
  };
  if (!input.run && !input.validation && !input.comparison) {
    throw new UserError("nothing to report: the bundle holds no run.json, validation.json or comparison.json", {
      location: bundle.root,
      hint: "run the validate, train or compare step first, or point `bundle` at the folder they wrote",
    });
  }
  return input;
}

/**
 * Renders the report of a bundle folder; `history` and `baselineRun` add the trend and the resources' baseline,
 * `evaluation` the calibration and slices sections.
 */
export function renderReportFromBundle(
  dir: string,
  options: ReportOptions & Pick<ReportInput, "history" | "baselineRun" | "evaluation"> & { untrusted?: boolean },
): RenderedReport {
  const input = loadReportInput(dir, { untrusted: options.untrusted });
  return renderReport(
    { ...input, history: options.history, baselineRun: options.baselineRun, evaluation: options.evaluation },
    options,
  );
}

import { Bundle, UserError } from "@ctrain/core";
import type { ReportInput } from "./input.js";

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

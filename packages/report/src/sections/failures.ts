import { label, text, type Inline } from "../document.js";
import { formatCount } from "../format.js";
import type { ReportInput } from "../input.js";

const plural = (count: number, one: string, many = `${one}s`): string =>
  `${formatCount(count)} ${count === 1 ? one : many}`;

/** One phrase per kind of failing item, for the header and the check run's title. */
export function countFailures(input: ReportInput): Inline[][] {
  const phrases: Inline[][] = [];
  const { run, validation, comparison, modelTest } = input;
  if (run && run.status !== "succeeded") phrases.push([label(`training ${run.status}`)]);
  if (modelTest && !modelTest.passed) phrases.push([label("model test failed")]);
  if (comparison) {
    const gated = comparison.rows.filter((row) => row.kind === "metric" && row.verdict && row.verdict !== "skipped");
    const failed = gated.filter((row) => row.verdict === "failed").length;
    const inconclusive = gated.filter((row) => row.verdict === "inconclusive").length;
    if (failed) phrases.push([label(`${formatCount(failed)} of ${plural(gated.length, "gated metric")} failed`)]);
    if (inconclusive) phrases.push([label(`${plural(inconclusive, "metric")} inconclusive`)]);
  }
  if (validation) {
    const failedChecks = validation.datasets.flatMap((dataset) => dataset.results).filter((result) => !result.success);
    const errors = failedChecks.filter((result) => result.severity === "error").length;
    const warnings = failedChecks.length - errors;
    if (errors) phrases.push([label(`${plural(errors, "data check")} failed`)]);
    if (warnings) phrases.push([label(plural(warnings, "data warning"))]);
    if (validation.errors.length) phrases.push([label(`${plural(validation.errors.length, "input")} unreadable`)]);
    for (const dataset of validation.datasets) {
      const drifted = dataset.drift?.columns.filter((column) => column.drifted).length ?? 0;
      if (drifted) {
        const columns = plural(dataset.drift!.columns.length, "column");
        phrases.push([label(`${formatCount(drifted)} of ${columns} drifted in `), text(dataset.name)]);
      }
    }
  }
  return phrases;
}

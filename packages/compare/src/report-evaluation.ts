import { Bundle, isUserError, type CompareConfig } from "@ctrain/core";
import { evaluatePredictions } from "@ctrain/metrics";
import { loadPredictionsFile } from "./predictions-file.js";
import type { ReportEvaluation } from "@ctrain/report";

/**
 * Evaluates the predictions file the bundle's run recorded, as compare reads it. None when the run has none; a file
 * that cannot be read leaves the report without these sections (the compare step names the problem).
 */
export async function loadReportEvaluation(
  bundleDir: string,
  config: CompareConfig,
): Promise<ReportEvaluation | undefined> {
  const bundle = new Bundle(bundleDir);
  const predictions = bundle.readIfPresent("run")?.predictions;
  if (!predictions) return undefined;
  try {
    const loaded = await loadPredictionsFile(bundle.path(predictions.path), config.predictions);
    const positiveLabel = config.predictions["positive-label"];
    const evaluation = evaluatePredictions(loaded, {
      minSliceRows: config.predictions["min-slice-rows"],
      ...(config.predictions.k ? { k: config.predictions.k } : {}),
      ...(positiveLabel === undefined ? {} : { positiveLabel }),
    });
    const calibration = "calibration" in evaluation ? evaluation.calibration : undefined;
    return { ...(calibration ? { calibration } : {}), slices: evaluation.slices };
  } catch (error) {
    if (isUserError(error)) return undefined;
    throw error;
  }
}
